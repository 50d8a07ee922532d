package io.linkpoints.ledger;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Races, on real PostgreSQL, between commands of one writer and between two writer instances
 * (each with its own pool, as two service processes would have) on the same accounts.
 */
@ExtendWith(VertxExtension.class)
class LedgerConcurrencyTest {
  /** Small batches and several in flight, so commands really do meet in different transactions. */
  private static final WriterOptions CHOPPY = new WriterOptions(8, 1, 4, 100_000);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T02:00:00Z"));
  private LedgerFixture a;
  private LedgerFixture b;
  private long alliance;
  private long[] issuance;
  private long[] acceptance;

  @BeforeEach
  void setUp(Vertx vertx) {
    a = new LedgerFixture(vertx, clock, TestDatabase.fresh(), CHOPPY);
    b = new LedgerFixture(vertx, clock, a.database, CHOPPY);
    alliance = a.alliance("Old Town");
    issuance = new long[3];
    acceptance = new long[3];
    for (int shop = 0; shop < 3; shop++) {
      issuance[shop] = a.open(alliance, AccountKind.MERCHANT_ISSUANCE, shop + 1).id();
      acceptance[shop] = a.open(alliance, AccountKind.MERCHANT_ACCEPTANCE, shop + 1).id();
    }
  }

  @AfterEach
  void tearDown() {
    a.assertInvariants();
    a.close();
    b.close();
  }

  private long wallet(long owner, long... lots) {
    long id = a.open(alliance, AccountKind.MEMBER_WALLET, owner).id();
    for (int i = 0; i < lots.length; i++) {
      await(a.ledger.transfer(alliance, UUID.randomUUID(), issuance[i % 3], id, lots[i], "earn"));
    }
    return id;
  }

  private static boolean succeeded(Future<?> f) {
    await(f.transform(ar -> Future.succeededFuture()));
    return f.succeeded();
  }

  private static LedgerError errorOf(Future<?> f) {
    return assertInstanceOf(LedgerException.class, f.cause()).error();
  }

  @Test
  void twoHundredConcurrentDebitsOnOneWalletNeverOverdraw() {
    long member = wallet(1, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100);
    long k = 1000 / 7;
    List<Future<TransferResult>> debits = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      LedgerFixture via = i % 2 == 0 ? a : b;
      debits.add(via.ledger.submit(TransferCommand.transfer(alliance, UUID.randomUUID(), member,
          acceptance[i % 3], 7, "redeem")));
    }
    long ok = debits.stream().filter(LedgerConcurrencyTest::succeeded).count();
    debits.stream().filter(Future::failed).forEach(f -> assertEquals(LedgerError.INSUFFICIENT_POINTS, errorOf(f)));

    assertEquals(k, ok, "exactly as many debits as the wallet can pay succeed");
    assertEquals(1000 - 7 * k, a.available(alliance, member));
    long accepted = 0;
    for (long acc : acceptance) {
      accepted += a.account(alliance, acc).creditsPosted();
    }
    assertEquals(7 * k, accepted);
  }

  @Test
  void postAndVoidRacingForOneHoldExactlyOneWins() {
    long member = wallet(2, 500, 500);
    List<UUID> holds = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      UUID hold = UUID.randomUUID();
      await(a.ledger.submit(TransferCommand.hold(alliance, hold, member, acceptance[0], 10, "redeem", 600)));
      holds.add(hold);
    }
    List<Future<TransferResult>> posts = new ArrayList<>();
    List<Future<TransferResult>> voids = new ArrayList<>();
    for (int i = 0; i < holds.size(); i++) {
      // Alternate which instance posts and which voids, and which is sent first.
      LedgerFixture poster = i % 2 == 0 ? a : b;
      LedgerFixture voider = i % 2 == 0 ? b : a;
      if (i % 3 == 0) {
        voids.add(voider.ledger.submit(TransferCommand.voidHold(alliance, UUID.randomUUID(), holds.get(i), "release")));
        posts.add(poster.ledger.submit(TransferCommand.post(alliance, UUID.randomUUID(), holds.get(i), null, "redeem")));
      } else {
        posts.add(poster.ledger.submit(TransferCommand.post(alliance, UUID.randomUUID(), holds.get(i), null, "redeem")));
        voids.add(voider.ledger.submit(TransferCommand.voidHold(alliance, UUID.randomUUID(), holds.get(i), "release")));
      }
    }
    long posted = 0;
    for (int i = 0; i < holds.size(); i++) {
      boolean postWon = succeeded(posts.get(i));
      boolean voidWon = succeeded(voids.get(i));
      assertTrue(postWon ^ voidWon, "exactly one of post and void wins for hold " + i);
      Future<TransferResult> loser = postWon ? voids.get(i) : posts.get(i);
      assertEquals(LedgerError.HOLD_ALREADY_RESOLVED, errorOf(loser));
      posted += postWon ? 10 : 0;
    }
    assertEquals(posted, a.account(alliance, acceptance[0]).creditsPosted());
    assertEquals(1000 - posted, a.available(alliance, member));
    assertEquals(0, a.account(alliance, member).debitsPending());
  }

  @Test
  void timeoutsAndExpiryRunningOnTwoInstancesActOnce() {
    long member = wallet(3, 300);
    for (int i = 0; i < 20; i++) {
      await(a.ledger.submit(TransferCommand.hold(alliance, UUID.randomUUID(), member, acceptance[1], 5, "redeem", 10)));
    }
    clock.advance(Duration.ofSeconds(11));
    Future<Integer> fromA = new HoldTimeouts(a.ledger, clock).runOnce(100);
    Future<Integer> fromB = new HoldTimeouts(b.ledger, clock).runOnce(100);
    assertEquals(20, await(fromA) + await(fromB), "each hold is voided once between the two instances");
    assertEquals(300, a.available(alliance, member));

    clock.advance(Duration.ofDays(500));
    Future<Long> expiredA = new LotExpiry(a.ledger, clock).runOnce(100);
    Future<Long> expiredB = new LotExpiry(b.ledger, clock).runOnce(100);
    assertEquals(300, await(expiredA) + await(expiredB), "each point expires once");
    assertEquals(0, a.available(alliance, member));
  }

  @Test
  void twoWritersHammeringTheSameAccountsStayExact() {
    int members = 5;
    long[] wallets = new long[members];
    for (int m = 0; m < members; m++) {
      wallets[m] = wallet(100 + m, 200);
    }
    Random random = new Random(42);
    List<Future<TransferResult>> all = new ArrayList<>();
    Map<Future<TransferResult>, TransferCommand> sent = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      long member = wallets[random.nextInt(members)];
      int shop = random.nextInt(3);
      int roll = random.nextInt(10);
      TransferCommand cmd = roll < 4
          ? TransferCommand.transfer(alliance, UUID.randomUUID(), issuance[shop], member, 1 + random.nextInt(20), "earn")
          : roll < 8
              ? TransferCommand.transfer(alliance, UUID.randomUUID(), member, acceptance[shop], 1 + random.nextInt(30), "redeem")
              : TransferCommand.hold(alliance, UUID.randomUUID(), member, acceptance[shop], 1 + random.nextInt(30), "redeem", 300);
      // Every tenth command is sent to both instances at once, as a retry after a lost reply would be.
      List<LedgerFixture> targets = i % 10 == 0 ? List.of(a, b) : List.of(i % 2 == 0 ? a : b);
      for (LedgerFixture via : targets) {
        Future<TransferResult> f = via.ledger.submit(cmd);
        all.add(f);
        sent.put(f, cmd);
      }
    }
    Map<UUID, Integer> applied = new HashMap<>();
    long[] expected = new long[members];
    for (Future<TransferResult> f : all) {
      if (!succeeded(f)) {
        assertEquals(LedgerError.INSUFFICIENT_POINTS, errorOf(f));
        continue;
      }
      TransferCommand cmd = sent.get(f);
      if (!f.result().replayed()) {
        applied.merge(cmd.id(), 1, Integer::sum);
        for (int m = 0; m < members; m++) {
          if (cmd.creditAccountId() == wallets[m]) {
            expected[m] += cmd.amount();
          } else if (cmd.debitAccountId() == wallets[m]) {
            expected[m] -= cmd.amount();
          }
        }
      }
    }
    assertTrue(applied.values().stream().allMatch(n -> n == 1), "no command applied twice");
    for (int m = 0; m < members; m++) {
      assertEquals(200 + expected[m], a.available(alliance, wallets[m]), "wallet " + m);
    }
    long transfers = await(a.pool.query("/* test */ select count(*) from ledger_transfer where code <> 'earn' or amount <> 200")
        .execute()).iterator().next().getLong(0);
    assertEquals(applied.size(), transfers);
  }
}
