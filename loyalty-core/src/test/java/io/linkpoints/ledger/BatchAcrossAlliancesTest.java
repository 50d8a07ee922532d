package io.linkpoints.ledger;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One batch holding commands of several alliances: each of its statements runs once per alliance
 * ({@link PerAlliance}), and every alliance must end exactly as if its commands had come alone —
 * earns, lots, a redemption spending them, holds opened and resolved, a reversal.
 */
class BatchAcrossAlliancesTest {
  private Vertx vertx;
  private LedgerFixture ledger;
  private final Instant now = Instant.parse("2026-06-01T04:00:00Z");

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    ledger = new LedgerFixture(vertx, new MutableClock(now));
  }

  @AfterEach
  void stop() {
    ledger.close();
    await(vertx.close());
  }

  private record Books(long alliance, long issuance, long acceptance, long wallet) {
  }

  private Books books(String name) {
    long alliance = ledger.alliance(name);
    return new Books(alliance, ledger.open(alliance, AccountKind.MERCHANT_ISSUANCE, 1).id(),
        ledger.open(alliance, AccountKind.MERCHANT_ACCEPTANCE, 1).id(),
        ledger.open(alliance, AccountKind.MEMBER_WALLET, 1).id());
  }

  private List<LedgerBatch.Verdict> batch(List<TransferCommand> commands) {
    SqlConnection conn = await(ledger.pool.getConnection());
    try {
      Transaction tx = await(conn.begin());
      List<LedgerBatch.Verdict> verdicts = await(LedgerBatch.run(conn, commands, now.truncatedTo(ChronoUnit.MICROS)));
      await(tx.commit());
      return verdicts;
    } finally {
      await(conn.close());
    }
  }

  @Test
  void eachAllianceOfAMixedBatchEndsAsIfAlone() {
    Books a = books("A");
    Books b = books("B");
    Books c = books("C"); // in no batch: untouched
    UUID earnA = UUID.randomUUID();
    UUID earnB = UUID.randomUUID();
    UUID holdB = UUID.randomUUID();
    UUID spendA = UUID.randomUUID();
    List<LedgerBatch.Verdict> first = batch(List.of(
        TransferCommand.transfer(b.alliance, earnB, b.issuance, b.wallet, 50, "earn"),
        TransferCommand.transfer(a.alliance, earnA, a.issuance, a.wallet, 100, "earn"),
        TransferCommand.hold(b.alliance, holdB, b.wallet, b.acceptance, 20, "redeem", 600),
        TransferCommand.transfer(a.alliance, spendA, a.wallet, a.acceptance, 30, "redeem"),
        TransferCommand.transfer(a.alliance, UUID.randomUUID(), a.wallet, a.acceptance, 71, "redeem")));
    first.subList(0, 4).forEach(v -> assertNull(v.refusal(), () -> String.valueOf(v.refusal())));
    assertNotNull(first.get(4).refusal(), "71 more than A's 70 left: refused");

    assertEquals(70, ledger.available(a.alliance, a.wallet));
    assertEquals(30, ledger.available(b.alliance, b.wallet)); // 50 earned, 20 held
    assertEquals(30, ledger.available(a.alliance, a.acceptance));

    Transfer spent = first.get(3).result().transfer();
    List<LedgerBatch.Verdict> second = batch(List.of(
        TransferCommand.post(b.alliance, UUID.randomUUID(), holdB, 15L, "redeem"),
        TransferCommand.reversal(a.alliance, UUID.randomUUID(), spent, 10, "refund"),
        TransferCommand.transfer(c.alliance, UUID.randomUUID(), c.issuance, c.wallet, 5, "earn")));
    second.forEach(v -> assertNull(v.refusal(), () -> String.valueOf(v.refusal())));

    assertEquals(80, ledger.available(a.alliance, a.wallet));
    assertEquals(20, ledger.available(a.alliance, a.acceptance));
    assertEquals(35, ledger.available(b.alliance, b.wallet)); // 50 - 15 captured; 5 back
    assertEquals(15, ledger.available(b.alliance, b.acceptance));
    assertEquals(5, ledger.available(c.alliance, c.wallet));
    assertEquals(0L, count("/* test */ select count(*) from ledger_open_hold"));
    assertEquals(80 + 35 + 5, count("/* test */ select sum(points_left) from ledger_lot"));
    ledger.assertInvariants();
  }

  private long count(String sql) {
    return await(ledger.pool.query(sql).execute()).iterator().next().getLong(0);
  }
}
