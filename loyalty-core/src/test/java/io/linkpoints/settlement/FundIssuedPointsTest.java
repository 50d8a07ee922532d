package io.linkpoints.settlement;

import static io.linkpoints.settlement.StatementFigures.assertStatement;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Points the alliance fund pays for (its tier perks and rewards) are issued from the fund's
 * issuance account: their lots are the fund's, and settlement treats them as any issuer's, with
 * the fund as party 0. Figures worked out by hand, at 2 fen a point.
 */
class FundIssuedPointsTest {
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

  @Test
  void theFundIssuesPointsAShopAcceptsAndTheFundPaysTheShop() {
    vertx = Vertx.vertx();
    fx = new LedgerFixture(vertx, clock);
    alliance = fx.alliance("Fund street");
    await(fx.pool.preparedQuery("/* test */ update alliance set price_per_point_fen = 2 where id = $1").execute(Tuple.of(alliance)));
    long b = shop("bookshop B");
    long member = await(fx.pool.preparedQuery("/* test */ insert into member (alliance_id, phone, handle) values ($1, $2, md5($2))"
        + " returning id").execute(Tuple.of(alliance, "+8613900000102"))).iterator().next().getLong(0);
    long wallet = fx.open(alliance, AccountKind.MEMBER_WALLET, member).id();
    long fund = fx.open(alliance, AccountKind.ALLIANCE_FUND_ISSUANCE, 0).id();

    clock.set(Instant.parse("2026-05-02T02:00:00Z"));
    Transfer reward = await(fx.ledger.transfer(alliance, UUID.randomUUID(), fund, wallet, 100, "reward_birthday"));
    Object issuer = await(fx.pool.preparedQuery("/* test */ select issuer_shop_id from ledger_lot where alliance_id = $1"
        + " and transfer_id = $2").execute(Tuple.of(alliance, reward.id()))).iterator().next().getValue(0);
    assertNull(issuer, "a lot the fund issued has no issuing shop");

    clock.set(Instant.parse("2026-05-03T02:00:00Z"));
    await(fx.ledger.transfer(alliance, UUID.randomUUID(), wallet, fx.open(alliance, AccountKind.MERCHANT_ACCEPTANCE, b).id(),
        60, "pos_redeem"));
    clock.set(Instant.parse("2026-05-04T02:00:00Z"));
    await(fx.ledger.submit(TransferCommand.reversal(alliance, UUID.randomUUID(), reward, 10, "pos_refund")));

    clock.set(Instant.parse("2026-06-01T02:00:00Z"));
    Periods periods = new Periods(fx.pool, clock);
    Periods.Period may = await(new SettlementRun(fx.pool, clock).run(alliance, await(periods.create(alliance, "2026-05")).id()));
    Statements.PeriodStatements all = await(new Statements(fx.pool, periods).all(alliance, may.id()));
    Map<Long, Statements.Statement> s = new HashMap<>();
    all.statements().forEach(statement -> s.put(statement.partyId(), statement));
    // The fund issued 100 and took 10 back: 90 points, 180 fen. 60 of them were spent at B: the
    // fund owes B 120 fen.
    assertStatement("fund", s.get(Parties.FUND), "issuedPoints", 90, "issuedFen", 180, "redeemedElsewhereFen", 120,
        "payableFen", 120, "netFen", -120);
    assertStatement("B", s.get(b), "acceptedPoints", 60, "acceptedFen", 120, "acceptedFromOthersFen", 120,
        "receivableFen", 120, "netFen", 120);
    assertEquals(0L, all.sumOfNetFen());
    var netting = await(new Statements(fx.pool, periods).netting(alliance, may.id())).transfers();
    assertEquals(1, netting.size());
    assertEquals(Parties.FUND, netting.get(0).payer());
    assertEquals(b, netting.get(0).payee());
    assertEquals(120L, netting.get(0).amountFen());
    assertTrue(await(new Reconciliation(fx.pool, periods).report(alliance, may.id())).ok());
  }
}
