package io.linkpoints.till.client;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.linkpoints.till.qr.MemberCodeImages;
import io.linkpoints.till.qr.QrImages;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter against the running service on real PostgreSQL, through a network that loses
 * answers or is not there at all. After each test, the ledger's invariant check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PosClientEndToEndTest {
  private Vertx vertx;
  private ApiFixture api;
  private PosWorld world;
  private Till till;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    world = new PosWorld(api, "adapter");
    till = world.shop("Tea house");
  }

  @AfterEach
  void ledgerStillAddsUp() {
    world.assertLedgerOk();
  }

  @AfterAll
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private PosClientOptions options(int port) {
    return PosClientOptions.of("http://localhost:" + port, world.allianceId, till.shopId())
        .withDeviceSecret(till.deviceSecret()).withRetries(2_000, 4, 50);
  }

  /** A code the till reads now, by the server's (test) clock, which LP2 codes are made from. */
  private Member scanned(String code) {
    return Member.scanned(code, api.clock.instant());
  }

  @Test
  void aMemberCodeScannedFromThePhoneScreenPaysAndCannotPayTwice() throws Exception {
    Person member = world.member();
    world.grant(member, till, 200);
    // The phone makes the code offline and shows it as a wallet-size QR code; the till's camera reads it.
    String shown = world.code(member);
    String code = QrImages.decode(MemberCodeImages.qr(shown, 7)).orElseThrow();
    assertEquals(shown, code);
    PosClient client = await(PosClient.create(vertx, options(api.app.port())));
    try {
      JsonObject paid = await(client.redeem(scanned(code), 150));
      assertEquals(150, paid.getLong("points"));
      PosException again = assertInstanceOf(PosException.class, failure(client.redeem(scanned(code), 10)));
      assertEquals("code_already_used", again.code());
      assertEquals(50, world.available(member));
    } finally {
      client.close();
    }
  }

  @Test
  void aCommitWhoseAnswerIsLostIsResolvedByStatusWithExactlyOneEffect() {
    Person member = world.member();
    world.grant(member, till, 100);
    try (LossyProxy proxy = new LossyProxy(vertx, api.app.port())) {
      PosClient client = await(PosClient.create(vertx, options(proxy.port())));
      JsonObject hold = await(client.reserve(scanned(world.code(member)), 60));
      proxy.dropAnswersTo(path -> path.endsWith("/pos/commit"));
      JsonObject committed = await(client.commit(hold.getString("holdId"), null));
      assertEquals(60, committed.getLong("points"));
      assertEquals(1, proxy.forwarded("/pos/commit"), "status said it was done: it was never sent again");
      assertTrue(proxy.forwarded("/pos/requests/") >= 1, "status was asked");
      assertEquals(1, api.count("/* test */ select count(*) from ledger_transfer where pending_id = '" + hold.getString("holdId") + "'"));
      assertEquals(40, world.available(member));
      client.close();
    }
  }

  @Test
  void aSaleCutShortByACrashIsSentAgainAndEarnsOnce() {
    Till crashed = world.terminal(till.shopId(), till.ownerToken(), "till that crashed");
    Person member = world.member();
    try (LossyProxy proxy = new LossyProxy(vertx, api.app.port())) {
      PosClient client = await(PosClient.create(vertx, PosClientOptions.of("http://localhost:" + proxy.port(),
          world.allianceId, crashed.shopId()).withDeviceSecret(crashed.deviceSecret()).withRetries(2_000, 4, 50)));
      AtomicBoolean first = new AtomicBoolean(true);
      proxy.dropAnswersTo(path -> path.endsWith("/pos/accrue") && first.getAndSet(false));
      // The server earned, then died before recording its answer: the call stays in progress.
      proxy.beforeCut(() -> api.app.pool().query("/* test */ update pos_request set status_code = null, response = null,"
          + " completed_at = null where terminal_id = " + crashed.terminalId()).execute());
      JsonObject earned = await(client.accrue(scanned(world.code(member)), 3850, null));
      assertEquals(38, earned.getLong("points"));
      assertEquals(2, proxy.forwarded("/pos/accrue"), "status said in progress: the till sent it again, same key");
      assertEquals(38, world.available(member));
      client.close();
    }
  }

  @Test
  void aReserveWhoseOutcomeStaysUnknownIsReleased() throws Exception {
    Person member = world.member();
    world.grant(member, till, 100);
    try (LossyProxy proxy = new LossyProxy(vertx, api.app.port())) {
      PosClient client = await(PosClient.create(vertx, options(proxy.port()).withRetries(1_000, 2, 20)));
      proxy.dropAnswersTo(path -> path.endsWith("/pos/reserve") || path.contains("/pos/requests/"));
      Throwable unknown = failure(client.reserve(scanned(world.code(member)), 70));
      assertInstanceOf(OutcomeUnknownException.class, unknown);
      // The client released it by the reserve's key. Wait until the server has answered that release
      // and every reserve the till sent: on a slow server the release may have overtaken the reserve.
      waitFor(() -> proxy.forwarded("/pos/release") == 1
          && proxy.forwarded("/pos/reserve") == proxy.received("/pos/reserve"));
      assertReleasedOnce(member);
      client.close();
    }
  }

  @Test
  void aReserveThatReachesTheServerAfterItsReleaseHoldsNothing() throws Exception {
    Person member = world.member();
    world.grant(member, till, 100);
    try (LossyProxy proxy = new LossyProxy(vertx, api.app.port())) {
      PosClient client = await(PosClient.create(vertx, options(proxy.port()).withRetries(1_000, 2, 20)));
      proxy.dropAnswersTo(path -> path.endsWith("/pos/reserve") || path.contains("/pos/requests/"));
      Promise<Void> reserveArrives = Promise.promise();
      proxy.holdBack(path -> path.endsWith("/pos/reserve"), reserveArrives.future());
      assertInstanceOf(OutcomeUnknownException.class, failure(client.reserve(scanned(world.code(member)), 70)));
      waitFor(() -> proxy.forwarded("/pos/release") == 1);
      reserveArrives.complete(); // only now does the reserve reach the server
      waitFor(() -> proxy.forwarded("/pos/reserve") == proxy.received("/pos/reserve"));
      assertReleasedOnce(member);
      client.close();
    }
  }

  /** Nothing of the member's stays held, and the hold the reserve made was voided once. */
  private void assertReleasedOnce(Person member) {
    assertEquals(100, world.available(member));
    assertEquals(1, api.count("/* test */ select count(*) from ledger_transfer where code = 'pos_release' and debit_account_id = "
        + world.walletId(member)));
    assertEquals(0, api.count("/* test */ select count(*) from ledger_transfer h where h.flags = 1 and h.debit_account_id = "
        + world.walletId(member) + " and not exists (select 1 from ledger_transfer r where r.pending_id = h.id)"));
  }

  /** Polls a condition until it holds, for at most 30 s. */
  private static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "condition not met within 30 s");
      Thread.sleep(20);
    }
  }

  @Test
  void fiftyOfflineAccrualsSurviveARestartOfTheAdapterAndLandExactlyOnce(@TempDir Path queueDir) throws Exception {
    Person member = world.member();
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // nothing listens here once it is closed: the network is down
    }
    List<String> orderRefs = new ArrayList<>();
    Set<String> answeredLost = new HashSet<>();
    // 45 accruals while the server cannot be reached at all...
    PosClient offline = await(PosClient.create(vertx, options(deadPort).withOfflineDir(queueDir)));
    for (int i = 1; i <= 45; i++) {
      String ref = "sale-" + i;
      orderRefs.add(ref);
      JsonObject queued = await(offline.accrue(scanned(world.code(member)), 1000 + i, ref));
      assertTrue(queued.getBoolean("queued"), queued.encode());
    }
    assertEquals(45, offline.pendingOffline());
    assertEquals(45, Files.readAllLines(queueDir.resolve("queue.jsonl")).stream()
        .filter(line -> line.contains("\"memberCode\":\"88") && line.contains("\"scannedAt\":")).count(),
        "each queued accrual keeps its code and when it was scanned");
    PosException redeem = assertInstanceOf(NeedsNetworkException.class, failure(offline.redeem(scanned(world.code(member)), 1)));
    assertEquals("needs_network", redeem.code());
    offline.close();
    // ...and 5 more that reached the server, whose answers (and every status asked after them) were lost.
    try (LossyProxy proxy = new LossyProxy(vertx, api.app.port())) {
      proxy.dropAnswersTo(path -> path.contains("/pos/")); // the till still gets its token
      PosClient flaky = await(PosClient.create(vertx, options(proxy.port()).withRetries(500, 2, 10).withOfflineDir(queueDir)));
      for (int i = 46; i <= 50; i++) {
        String ref = "sale-" + i;
        orderRefs.add(ref);
        answeredLost.add(ref);
        assertTrue(await(flaky.accrue(scanned(world.code(member)), 1000 + i, ref)).getBoolean("queued"));
      }
      assertEquals(50, flaky.pendingOffline());
      flaky.close();
    }
    assertEquals(5, api.count("/* test */ select count(*) from pos_accrual where member_id = " + member.memberId()),
        "the server applied the 5 whose answers were lost");

    // The adapter restarts (a new process would read the same folder) and the network is back, minutes
    // later: the codes are no longer live; each counts by the time step of its scan (scannedAt).
    api.clock.advance(Duration.ofMinutes(3));
    PosClient restarted = await(PosClient.create(vertx, options(api.app.port()).withOfflineDir(queueDir)));
    assertEquals(50, restarted.pendingOffline(), "nothing was lost across the restart");
    assertEquals(50, await(restarted.drain()));
    assertEquals(0, restarted.pendingOffline());
    assertEquals(List.of(), restarted.rejectedOffline());
    assertEquals(0, await(restarted.drain()), "a second drain sends nothing");
    restarted.close();

    assertEquals(50, api.count("/* test */ select count(*) from pos_accrual where member_id = " + member.memberId()));
    long expected = 0;
    for (int i = 1; i <= 50; i++) {
      expected += (1000 + i) / 100;
    }
    assertEquals(expected, world.available(member), "each accrual counted exactly once");
    // Replayed in the order they were made: the ledger's sequence follows the queue.
    List<String> applied = new ArrayList<>();
    for (Row row : await(api.app.pool().query("/* test */ select a.order_ref from pos_accrual a join ledger_transfer t"
        + " on t.alliance_id = a.alliance_id and t.id = a.id where a.member_id = " + member.memberId()
        + " order by t.seq").execute())) {
      if (!answeredLost.contains(row.getString(0))) {
        applied.add(row.getString(0));
      }
    }
    assertEquals(orderRefs.subList(0, 45), applied);
  }
}
