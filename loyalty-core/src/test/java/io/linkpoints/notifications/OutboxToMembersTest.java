package io.linkpoints.notifications;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.LedgerException;
import io.linkpoints.outbox.EventType;
import io.linkpoints.outbox.Outbox;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.Await;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The outbox's events about members reach their inboxes: exactly once (whatever the runs and
 * instances), never for a refused transfer or a rolled-back change, and never skipped when a
 * transaction that took an earlier seq commits after a later one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxToMembersTest {
  private static final int RUNS = 10;

  private Vertx vertx;
  private ApiFixture api;
  private ApiFixture second;
  private PosWorld w;
  private PosWorld.Till cafe;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    second = api.anotherInstance();
    w = new PosWorld(api, "om");
    cafe = w.shop("Member Events Café");
  }

  @AfterAll
  void stop() {
    w.assertLedgerOk();
    second.close();
    api.close();
    await(vertx.close());
  }

  private OutboxToMembers consumer(ApiFixture on) {
    return new OutboxToMembers(on.app.pool(), new Notifications(on.app.pool(), api.clock, false), api.clock);
  }

  /** RUNS runs of the consumer at once for the test's alliance, alternating between the two instances. */
  private void runConcurrently() {
    List<Future<Integer>> runs = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      runs.add(consumer(i % 2 == 0 ? api : second).runAlliance(w.allianceId, 1_000));
    }
    await(Future.all(runs));
  }

  private List<Row> inbox(Person p) {
    List<Row> out = new ArrayList<>();
    for (Row r : await(api.app.pool().preparedQuery("/* test */ select id, event_id, kind, title_en, data"
        + " from member_notification where alliance_id = $1 and member_id = $2 order by id")
        .execute(Tuple.of(w.allianceId, p.memberId())))) {
      out.add(r);
    }
    return out;
  }

  private List<Row> events(Person p) {
    List<Row> out = new ArrayList<>();
    for (Row r : await(api.app.pool().preparedQuery("/* test */ select id, type, payload from outbox_event"
        + " where alliance_id = $1 and member_id = $2 order by seq").execute(Tuple.of(w.allianceId, p.memberId())))) {
      out.add(r);
    }
    return out;
  }

  @Test
  void anEarnAtTheTillEndsInOneInboxItemAndOnePushWhateverTheRuns() {
    Person ann = w.member();
    // Ann has a browser subscribed: one push delivery per notification of a group she keeps on.
    await(api.app.pool().preparedQuery("/* test */ insert into push_subscription (alliance_id, member_id, endpoint,"
        + " p256dh, auth, created_at) values ($1, $2, $3, 'x', 'x', now())")
        .execute(Tuple.of(w.allianceId, ann.memberId(), "https://push.invalid/" + UUID.randomUUID())));
    expect(200, w.pos(cafe, "accrue", PosWorld.key(), new JsonObject().put("memberCode", w.code(ann))
        .put("spendFen", 1000)));
    List<Row> told = events(ann);
    assertEquals(1, told.size(), "the earn's one outbox event");
    assertEquals(EventType.POINTS_EARNED, told.get(0).getString("type"));
    long points = ((JsonObject) told.get(0).getValue("payload")).getLong("points");
    assertTrue(points > 0);

    runConcurrently(); // 10 runs at once on two instances
    runConcurrently(); // and again: nothing new
    List<Row> inbox = inbox(ann);
    assertEquals(1, inbox.size(), "exactly one inbox item");
    Row item = inbox.get(0);
    assertEquals(told.get(0).getUUID("id"), item.getUUID("event_id"), "the event's id is the notification's");
    assertEquals("points_earned", item.getString("kind"));
    assertEquals("You earned " + points + " points", item.getString("title_en"));
    assertEquals("Member Events Café", ((JsonObject) item.getValue("data")).getString("shopName"));
    long pushes = await(api.app.pool().preparedQuery("/* test */ select count(*) from notification_delivery"
        + " where alliance_id = $1 and notification_id = $2 and channel = 'push'")
        .execute(Tuple.of(w.allianceId, item.getLong("id")))).iterator().next().getLong(0);
    assertEquals(1, pushes, "one push queued for her one subscription");
  }

  @Test
  void aRefusedTransferAndARolledBackChangeTellNothing() {
    Person bob = w.member();
    w.grant(bob, cafe, 10);
    long wallet = w.walletId(bob);
    long acceptance = await(api.app.ledger().accountOf(w.allianceId, AccountKind.MERCHANT_ACCEPTANCE, cafe.shopId()))
        .orElseThrow().id();
    Throwable refused = Await.failure(api.app.ledger().transfer(w.allianceId, UUID.randomUUID(), wallet, acceptance,
        11, "pos_redeem"));
    assertTrue(refused instanceof LedgerException, String.valueOf(refused));

    // A change that rolls back with its event.
    UUID ghost = UUID.randomUUID();
    Future<Void> rolledBack = api.app.pool().withTransaction(conn -> Outbox.append(conn, w.allianceId,
            List.of(event(ghost, bob, 500)))
        .compose(v -> Future.failedFuture(new IllegalStateException("the change fails"))));
    assertTrue(Await.failure(rolledBack) instanceof IllegalStateException);

    runConcurrently();
    List<Row> inbox = inbox(bob);
    assertEquals(1, inbox.size(), "only the grant of 10 is told");
    assertEquals("You earned 10 points", inbox.get(0).getString("title_en"));
  }

  /**
   * Carol's event takes its seq in a transaction that stays open while Dan's, with a later seq and a
   * later transaction, commits and is told. When Carol's commits, it is told too: the cursor never
   * passed it. (Without the {@code txid < pg_snapshot_xmin(...)} bound, Dan's event moved the cursor past
   * Carol's transaction and hers was never told: this test failed so.)
   */
  @Test
  void anEventCommittedAfterALaterOneIsStillTold() {
    Person carol = w.member();
    Person dan = w.member();
    runConcurrently(); // tell whatever came before
    UUID carolsEvent = UUID.randomUUID();
    UUID dansEvent = UUID.randomUUID();
    SqlConnection conn = await(api.app.pool().getConnection());
    try {
      Transaction tx = await(conn.begin());
      await(Outbox.append(conn, w.allianceId, List.of(event(carolsEvent, carol, 7))));
      await(api.app.pool().withTransaction(c -> Outbox.append(c, w.allianceId, List.of(event(dansEvent, dan, 8)))));
      runConcurrently();
      assertEquals(0, inbox(carol).size(), "not committed yet");
      // Dan's waits as well while Carol's transaction, older, runs: it is told in transaction order.
      assertEquals(0, inbox(dan).size(), "held behind the older transaction still running");
      await(tx.commit());
    } finally {
      await(conn.close());
    }
    runConcurrently();
    assertEquals(List.of(carolsEvent), inbox(carol).stream().map(r -> r.getUUID("event_id")).toList());
    assertEquals(List.of(dansEvent), inbox(dan).stream().map(r -> r.getUUID("event_id")).toList());
    assertTrue(inbox(carol).get(0).getLong("id") < inbox(dan).get(0).getLong("id"), "in transaction order");
  }

  /**
   * A shop code claimed by 8 requests at once (the member's double taps, two phones): one
   * shop_code.claimed event, and the member is told once, by it (its ledger earn, code shop_claim, is
   * not told again as points_earned).
   */
  @Test
  void aShopCodeClaimedAtOnceTellsOnce() throws Exception {
    Person eve = w.member();
    String shopCode = expect(200, w.pos(cafe, "claim-codes", PosWorld.key(), new JsonObject().put("spendFen", 1000)))
        .getString("claimCode");
    java.util.concurrent.ExecutorService phones = java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Integer>> claims = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ApiFixture on = i % 2 == 0 ? api : second;
        claims.add(phones.submit(() -> on.post("/v1/members/me/claims", eve.token(),
            new JsonObject().put("code", shopCode)).statusCode()));
      }
      for (var claim : claims) {
        assertEquals(200, claim.get(), "the member's own claim answers the same each time");
      }
    } finally {
      phones.shutdown();
    }
    List<Row> told = events(eve);
    assertEquals(List.of(EventType.SHOP_CODE_CLAIMED, EventType.POINTS_EARNED),
        told.stream().map(r -> r.getString("type")).toList(), "the claim's event, then its ledger earn's");
    long points = ((JsonObject) told.get(0).getValue("payload")).getLong("points");
    assertTrue(points > 0);
    runConcurrently();
    List<Row> inbox = inbox(eve);
    assertEquals(1, inbox.size(), "told once");
    assertEquals("shop_code_claimed", inbox.get(0).getString("kind"));
    assertEquals(told.get(0).getUUID("id"), inbox.get(0).getUUID("event_id"));
    assertEquals("You earned " + points + " points", inbox.get(0).getString("title_en"));
  }

  private Outbox.Event event(UUID id, Person p, long points) {
    return new Outbox.Event(id, EventType.POINTS_EARNED, cafe.shopId(), p.memberId(),
        new JsonObject().put("transferId", UUID.randomUUID().toString()).put("shopId", cafe.shopId())
            .put("member", p.handle()).put("points", points).put("code", "test"), api.clock.instant());
  }
}
