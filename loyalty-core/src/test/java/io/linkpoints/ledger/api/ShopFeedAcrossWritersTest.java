package io.linkpoints.ledger.api;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.EventStream;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two ledger writers (two instances of the service) on one database: a transfer whose seq is
 * lower can commit after a higher one was already read. The feed must still send every transfer
 * exactly once, in a reconnect with {@code after} too, and send a backlog of more than one page
 * at once. The late commit is forced: a transaction that wrote a transfer is held open while the
 * other instance commits one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShopFeedAcrossWritersTest {
  // The old feed's read: seq above the last one sent.
  private static final String OLD_CURSOR_READ = "/* test */ select t.id from ledger_transfer t where t.alliance_id = $1"
      + " and t.seq > $2 and t.flags in (0, 2) and (t.debit_account_id in ($3, $4) or t.credit_account_id in ($3, $4)) order by t.seq";

  private Vertx vertx;
  private ApiFixture a;
  private ApiFixture b;
  private PosWorld world;
  private PosWorld.Till cafe;
  private PosWorld.Person member;
  private long issuance;
  private long wallet;
  private long acceptance;
  private long otherWallet;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    a = new ApiFixture(vertx);
    b = a.anotherInstance();
    world = new PosWorld(a, "writers");
    cafe = world.shop("Writers Café");
    member = world.member();
    world.grant(member, cafe, 1); // opens the accounts
    issuance = await(a.app.ledger().accountOf(world.allianceId, AccountKind.MERCHANT_ISSUANCE, cafe.shopId()))
        .orElseThrow().id();
    wallet = world.walletId(member);
    PosWorld.Person other = world.member();
    world.grant(other, cafe, 1000);
    otherWallet = world.walletId(other);
    acceptance = await(a.app.ledger().openAccount(world.allianceId, AccountKind.MERCHANT_ACCEPTANCE, cafe.shopId())).id();
  }

  @AfterAll
  void stop() {
    b.close();
    a.close();
    await(vertx.close());
  }

  private String feed() {
    return "/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId() + "/feed";
  }

  @Test
  void aLowerSeqCommittedLaterIsSentOnceInOrderAndAReconnectResumesExactly() throws Exception {
    String from = end();
    EventStream live = EventStream.open(vertx, b.app.port(), feed() + "?after=" + from, cafe.ownerToken());

    // A writer takes a seq and stays open (points accepted from another member: no account in
    // common with the next transfer, so nothing waits on a lock); the other instance commits a
    // higher seq meanwhile.
    SqlConnection held = await(a.app.pool().getConnection());
    Transaction tx = await(held.begin());
    UUID late = UUID.randomUUID();
    long lateSeq = await(held.preparedQuery("/* test */ insert into ledger_transfer (alliance_id, id, debit_account_id,"
        + " credit_account_id, amount, flags, code, created_at) values ($1, $2, $3, $4, 555, 0, 'redeem', now())"
        + " returning seq").execute(Tuple.of(world.allianceId, late, otherWallet, acceptance))).iterator().next().getLong(0);
    UUID early = UUID.randomUUID();
    await(b.app.ledger().transfer(world.allianceId, early, issuance, wallet, 777, "earn"));
    long earlySeq = await(a.app.pool().preparedQuery("/* test */ select seq from ledger_transfer where alliance_id = $1 and id = $2")
        .execute(Tuple.of(world.allianceId, early))).iterator().next().getLong(0);
    assertTrue(earlySeq > lateSeq);

    // The old cursor reads seq 777's transfer now and moves past the one still open.
    List<UUID> oldRead = ids(await(a.app.pool().preparedQuery(OLD_CURSOR_READ)
        .execute(Tuple.of(world.allianceId, 1L, issuance, acceptance))));
    assertEquals(List.of(early), oldRead.subList(oldRead.size() - 1, oldRead.size()));
    // The new one holds it back: a transaction older than it is still open.
    JsonObject whileOpen = expect(200, a.get(feed() + "?after=" + from, cafe.ownerToken()));
    assertEquals(0, whileOpen.getJsonArray("items").size(), whileOpen.encode());
    assertEquals(from, whileOpen.getString("next"));
    Thread.sleep(600); // the stream was told of 777 and looked
    assertEquals(0, live.transfers().size(), live.text());

    await(tx.commit());
    await(held.close());
    List<UUID> oldAfter = ids(await(a.app.pool().preparedQuery(OLD_CURSOR_READ)
        .execute(Tuple.of(world.allianceId, earlySeq, issuance, acceptance))));
    assertFalse(oldAfter.contains(late), "the old cursor skips the late commit for good");

    waitFor(() -> live.transfers().size() >= 2, 3_000, "both transfers on the stream", live);
    assertEquals(List.of(late.toString(), early.toString()), live.ids());
    JsonObject page = expect(200, a.get(feed() + "?after=" + from, cafe.ownerToken()));
    assertEquals(List.of(late.toString(), early.toString()),
        page.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")).toList());

    // Both instances write at once; the stream is dropped half way and resumed with after=.
    List<Future<?>> writes = new ArrayList<>();
    Set<String> expected = new HashSet<>(live.ids());
    for (int i = 0; i < 120; i++) {
      UUID id = UUID.randomUUID();
      expected.add(id.toString());
      writes.add((i % 2 == 0 ? a : b).app.ledger().transfer(world.allianceId, id, issuance, wallet, 1000 + i, "earn"));
      if (i == 60) {
        waitFor(() -> live.transfers().size() >= 20, 5_000, "some of the burst", live);
        live.close();
      }
    }
    await(Future.all(writes));
    EventStream resumed = EventStream.open(vertx, a.app.port(), feed() + "?after=" + live.lastId(), cafe.ownerToken());
    waitFor(() -> live.transfers().size() + resumed.transfers().size() >= expected.size(), 5_000,
        "every transfer over the two connections", resumed);
    Thread.sleep(300);
    List<String> all = new ArrayList<>(live.ids());
    all.addAll(resumed.ids());
    assertEquals(expected.size(), all.size(), "nothing twice: " + all);
    assertEquals(expected, new HashSet<>(all), "nothing lost");
    resumed.close();
  }

  @Test
  void aBacklogOfMoreThanAPageArrivesAtOnce() throws Exception {
    String cursor = end();
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < 2 * ShopFeedRoutes.STREAM_PAGE + 50; i++) {
      writes.add((i % 2 == 0 ? a : b).app.ledger().transfer(world.allianceId, UUID.randomUUID(), issuance, wallet, 1, "earn"));
    }
    await(Future.all(writes));
    long began = System.nanoTime();
    EventStream backlog = EventStream.open(vertx, b.app.port(), feed() + "?after=" + cursor, cafe.ownerToken());
    waitFor(() -> backlog.transfers().size() >= writes.size(), 3_000, "the whole backlog, well inside one 5 s poll",
        backlog);
    assertEquals(writes.size(), new HashSet<>(backlog.ids()).size());
    assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(3));
    backlog.close();

    // A seq cursor of the older API still works: at least once, nothing lost.
    JsonObject legacy = expect(200, a.get(feed() + "?after=1", cafe.ownerToken()));
    assertEquals(ShopFeedRoutes.PAGE, legacy.getJsonArray("items").size());
    assertEquals("validation_failed", ApiFixture.problemCode(a.get(feed() + "?after=abc", cafe.ownerToken())));
    assertEquals("validation_failed", ApiFixture.problemCode(a.get(feed() + "?after=1.5", cafe.ownerToken())));
  }

  /** The feed's position after everything in it now, paging through its JSON pages. */
  private String end() {
    JsonObject page = expect(200, a.get(feed(), cafe.ownerToken()));
    while (page.getJsonArray("items").size() == ShopFeedRoutes.PAGE) {
      page = expect(200, a.get(feed() + "?after=" + page.getString("next"), cafe.ownerToken()));
    }
    return page.getString("next");
  }

  private static List<UUID> ids(io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows) {
    List<UUID> ids = new ArrayList<>();
    rows.forEach(r -> ids.add(r.getUUID(0)));
    return ids;
  }

  private static void waitFor(BooleanSupplier condition, long millis, String what, EventStream events)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("gave up waiting for " + what + "; stream so far: " + events.text());
      }
      Thread.sleep(20);
    }
  }
}
