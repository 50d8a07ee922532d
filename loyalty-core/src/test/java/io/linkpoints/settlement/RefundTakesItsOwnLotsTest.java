package io.linkpoints.settlement;

import static io.linkpoints.settlement.StatementFigures.assertStatement;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which points a refund takes back: the refunded sale's own lots first, not the wallet's spending
 * order (soonest expiry, then oldest). A member earns at bookshop B, later at café A (same expiry,
 * so B's lot comes first in spending order); A refunds part of its sale. The points go back to A
 * from A's own lot, so the refund moves no money between A and B. Figures worked out by hand.
 */
class RefundTakesItsOwnLotsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
  private Vertx vertx;
  private LedgerFixture fx;
  private long alliance;

  @AfterEach
  void tearDown() {
    try {
      fx.assertInvariants();
    } finally {
      fx.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private long shop(String name) {
    long id = await(fx.pool.preparedQuery("/* test */ insert into shop (alliance_id, name) values ($1, $2) returning id")
        .execute(Tuple.of(alliance, name))).iterator().next().getLong(0);
    fx.open(alliance, AccountKind.MERCHANT_ISSUANCE, id);
    fx.open(alliance, AccountKind.MERCHANT_ACCEPTANCE, id);
    return id;
  }

  private Transfer earn(long shop, long wallet, long points) {
    return await(fx.ledger.transfer(alliance, UUID.randomUUID(), fx.open(alliance, AccountKind.MERCHANT_ISSUANCE, shop).id(),
        wallet, points, "earn"));
  }

  @Test
  void aRefundAtATakesAsOwnPointsBackAndMovesNoMoneyBetweenAAndB() {
    vertx = Vertx.vertx();
    fx = new LedgerFixture(vertx, clock);
    alliance = fx.alliance("Refund street");
    await(fx.pool.preparedQuery("/* test */ update alliance set price_per_point_fen = 2 where id = $1").execute(Tuple.of(alliance)));
    long a = shop("café A");
    long b = shop("bookshop B");
    long member = await(fx.pool.preparedQuery("/* test */ insert into member (alliance_id, phone, handle) values ($1, $2, md5($2))"
        + " returning id").execute(Tuple.of(alliance, "+8613900000101"))).iterator().next().getLong(0);
    long wallet = fx.open(alliance, AccountKind.MEMBER_WALLET, member).id();

    clock.set(Instant.parse("2026-05-02T02:00:00Z"));
    Transfer atB = earn(b, wallet, 300);            // LB: B, 300, the older lot
    clock.set(Instant.parse("2026-05-05T02:00:00Z"));
    Transfer atA = earn(a, wallet, 100);            // LA: A, 100, same expiry (end of month, a year on)
    Map<UUID, Instant> expiry = lotExpiries(wallet);
    assertEquals(expiry.get(atB.id()), expiry.get(atA.id()), "same expiry: spending order would take LB first");

    clock.set(Instant.parse("2026-05-10T02:00:00Z"));
    Transfer refund = await(fx.ledger.submit(TransferCommand.reversal(alliance, UUID.randomUUID(), atA, 60, "pos_refund")))
        .transfer();
    // The refund's 60 points come out of LA, A's own lot; LB is untouched.
    assertEquals(Map.of(atA.id(), 60L), allocations(refund.id()));
    assertEquals(Map.of(atB.id(), 300L, atA.id(), 40L), pointsLeft(wallet));

    clock.set(Instant.parse("2026-06-01T02:00:00Z"));
    Periods periods = new Periods(fx.pool, clock);
    Periods.Period may = await(new SettlementRun(fx.pool, clock).run(alliance, await(periods.create(alliance, "2026-05")).id()));
    Statements.PeriodStatements all = await(new Statements(fx.pool, periods).all(alliance, may.id()));
    Map<Long, Statements.Statement> s = new HashMap<>();
    all.statements().forEach(statement -> s.put(statement.partyId(), statement));
    // By hand, at 2 fen a point. A issued 100 and took 60 back: 40 points, 80 fen, nothing owed either way.
    assertStatement("A", s.get(a), "issuedPoints", 40, "issuedFen", 80);
    // B issued 300 points, 600 fen, none spent or returned: nothing owed either way.
    assertStatement("B", s.get(b), "issuedPoints", 300, "issuedFen", 600);
    assertStatement("fund", s.get(Parties.FUND));
    assertEquals(0L, all.sumOfNetFen());
    // No flow at all between A and B (or anyone): the matrix is empty, and so is netting.
    assertTrue(await(new Statements(fx.pool, periods).matrix(alliance, may.id())).entries().isEmpty());
    assertTrue(await(new Statements(fx.pool, periods).netting(alliance, may.id())).transfers().isEmpty());
    assertTrue(await(new Reconciliation(fx.pool, periods).report(alliance, may.id())).ok());
  }

  /** Per creating transfer (the lot's earn), the points left in the wallet's lots. */
  private Map<UUID, Long> pointsLeft(long wallet) {
    Map<UUID, Long> out = new HashMap<>();
    for (Row r : await(fx.pool.preparedQuery("/* test */ select transfer_id, points_left from ledger_lot where alliance_id = $1"
        + " and account_id = $2").execute(Tuple.of(alliance, wallet)))) {
      out.merge(r.getUUID("transfer_id"), r.getLong("points_left"), Long::sum);
    }
    return out;
  }

  private Map<UUID, Instant> lotExpiries(long wallet) {
    Map<UUID, Instant> out = new HashMap<>();
    for (Row r : await(fx.pool.preparedQuery("/* test */ select transfer_id, expires_at from ledger_lot where alliance_id = $1"
        + " and account_id = $2").execute(Tuple.of(alliance, wallet)))) {
      out.put(r.getUUID("transfer_id"), r.getOffsetDateTime("expires_at").toInstant());
    }
    return out;
  }

  /** Per lot (named by its creating transfer), the points a debit took from it. */
  private Map<UUID, Long> allocations(UUID debit) {
    Map<UUID, Long> out = new HashMap<>();
    for (Row r : await(fx.pool.preparedQuery("/* test */ select lot_transfer_id, points from ledger_allocation"
        + " where alliance_id = $1 and transfer_id = $2").execute(Tuple.of(alliance, debit)))) {
      out.merge(r.getUUID("lot_transfer_id"), r.getLong("points"), Long::sum);
    }
    return out;
  }
}
