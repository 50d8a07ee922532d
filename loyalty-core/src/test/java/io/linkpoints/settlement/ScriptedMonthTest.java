package io.linkpoints.settlement;

import static io.linkpoints.settlement.StatementFigures.assertStatement;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.coupons.Benefit;
import io.linkpoints.coupons.Campaign;
import io.linkpoints.coupons.Campaigns;
import io.linkpoints.coupons.CouponTill;
import io.linkpoints.coupons.Coupons;
import io.linkpoints.coupons.FundingSplit;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.LotExpiry;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.linkpoints.web.ApiException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A scripted May 2026 across four shops (café A, bookshop B, bakery C, studio D), three members,
 * through the real ledger writer and the real coupon services, at 2 fen a point: earns, redemptions
 * at other shops and at home, a partial refund of a redemption, an earn refunded, two coupon
 * campaigns with funding splits (one three-way, largest remainder), a market coupon bought with
 * points, and expiry; plus activity just outside the month. The expected statements are worked
 * out by hand below (not by the code under test), once per breakage rule.
 */
@ExtendWith(VertxExtension.class)
class ScriptedMonthTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-04-01T00:00:00Z"));
  private Vertx vertx;
  private LedgerFixture fx;
  private Coupons coupons;
  private long alliance;
  private long a;
  private long b;
  private long c;
  private long d;
  private final Map<Long, Long> wallets = new HashMap<>();

  @AfterEach
  void tearDown() {
    if (fx != null) {
      try {
        fx.assertInvariants();
      } finally {
        fx.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
      }
    }
  }

  private void at(String instant) {
    clock.set(Instant.parse(instant));
  }

  private long shop(String name) {
    long id = await(fx.pool.preparedQuery("/* test */ insert into shop (alliance_id, name) values ($1, $2) returning id")
        .execute(Tuple.of(alliance, name))).iterator().next().getLong(0);
    fx.open(alliance, AccountKind.MERCHANT_ISSUANCE, id);
    fx.open(alliance, AccountKind.MERCHANT_ACCEPTANCE, id);
    return id;
  }

  private long member(String phone) {
    long id = await(fx.pool.preparedQuery("/* test */ insert into member (alliance_id, phone, handle) values ($1, $2, md5($2))"
        + " returning id").execute(Tuple.of(alliance, phone))).iterator().next().getLong(0);
    wallets.put(id, fx.open(alliance, AccountKind.MEMBER_WALLET, id).id());
    // The member consents to share visit data (the cross-visit insight counts only those who do).
    await(fx.pool.preparedQuery("/* test */ insert into member_consent (alliance_id, member_id, purpose, granted,"
        + " text_version, recorded_at) values ($1, $2, 'visit_sharing', true, 'v1', now())")
        .execute(Tuple.of(alliance, id)));
    return id;
  }

  private long account(AccountKind kind, long owner) {
    return fx.open(alliance, kind, owner).id();
  }

  private Transfer earn(long shop, long member, long points, Instant lotExpiry) {
    TransferCommand cmd = TransferCommand.transfer(alliance, UUID.randomUUID(), account(AccountKind.MERCHANT_ISSUANCE, shop),
        wallets.get(member), points, "earn");
    return await(fx.ledger.submit(lotExpiry == null ? cmd : cmd.withLotExpiry(lotExpiry))).transfer();
  }

  private Transfer redeem(long member, long shop, long points) {
    return await(fx.ledger.transfer(alliance, UUID.randomUUID(), wallets.get(member),
        account(AccountKind.MERCHANT_ACCEPTANCE, shop), points, "redeem"));
  }

  private Transfer refund(Transfer original, long points) {
    return await(fx.ledger.submit(TransferCommand.reversal(alliance, UUID.randomUUID(), original, points, "refund")))
        .transfer();
  }

  /** A campaign of {@code amountFen} off, April to June, 100 coupons, 10 per member. */
  private Campaign campaign(long creator, String name, long amountFen, Long autoIssueMinSpendFen,
      Long marketPricePoints, List<Long> issuers, List<Long> honouring, List<FundingSplit.Share> funding) {
    return await(coupons.campaigns().create(alliance, creator, new Campaigns.Draft(name, Benefit.fixedOff(amountFen), 0,
        Instant.parse("2026-04-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"), 100, 10, autoIssueMinSpendFen,
        marketPricePoints, false, issuers, honouring, funding)));
  }

  private static FundingSplit.Share fund(long shop, int bps) {
    return new FundingSplit.Share(shop, bps);
  }

  private void redeemCoupon(long shop, String code, String key) {
    CouponTill.Hold hold = await(coupons.till().reserve(alliance, shop, key, code, 5000, "order-" + key));
    await(coupons.till().commit(alliance, shop, hold.holdId(), key));
  }

  /** The month, as it happens. Returns the May period. */
  private Periods.Period script(String breakageRule) {
    vertx = Vertx.vertx();
    fx = new LedgerFixture(vertx, clock);
    coupons = Coupons.create(fx.pool, fx.ledger, clock);
    alliance = fx.alliance("Riverside");
    await(fx.pool.preparedQuery("/* test */ update alliance set price_per_point_fen = 2, breakage_rule = $2 where id = $1")
        .execute(Tuple.of(alliance, breakageRule)));
    a = shop("café");
    b = shop("bookshop");
    c = shop("bakery");
    d = shop("studio");
    long m1 = member("+8613900000001");
    long m2 = member("+8613900000002");
    long m3 = member("+8613900000003");
    long m4 = member("+8613900000004");
    Instant may20 = Instant.parse("2026-05-19T16:00:00Z"); // 20 May 00:00 in Shanghai

    at("2026-04-30T15:00:00Z"); // 30 April 23:00 in Shanghai: April, not in the period
    earn(d, m4, 77, null);

    at("2026-05-02T02:00:00Z");
    earn(a, m1, 1000, null);                        // L1: A, 1000
    at("2026-05-03T02:00:00Z");
    earn(b, m2, 500, null);                         // L2: B, 500
    at("2026-05-04T02:00:00Z");
    earn(c, m3, 300, may20);                        // L3: C, 300, expires 20 May
    at("2026-05-04T03:00:00Z");
    earn(a, m3, 200, may20);                        // L4: A, 200, expires 20 May
    at("2026-05-05T02:00:00Z");
    Transfer r5 = redeem(m1, b, 400);               // L1 (A) 400 accepted at B
    at("2026-05-06T02:00:00Z");
    redeem(m2, a, 200);                             // L2 (B) 200 accepted at A
    at("2026-05-07T02:00:00Z");
    redeem(m1, a, 100);                             // L1 (A) 100 back at A itself: a figure, no money
    at("2026-05-08T02:00:00Z");
    redeem(m3, d, 100);                             // L3 (C) 100: same expiry as L4, older
    at("2026-05-10T02:00:00Z");
    refund(r5, 150);                                // B gives 150 of A's points back to m1
    at("2026-05-11T02:00:00Z");
    Transfer e11 = earn(b, m2, 100, null);
    at("2026-05-12T02:00:00Z");
    refund(e11, 100);                               // the purchase was refunded: the earn is undone

    // Cross-promotion 1: created by A, handed out at A, honoured at C, funded A 70% / C 30%, 10 yuan off.
    at("2026-05-13T02:00:00Z");
    long c1 = campaign(a, "coffee for bread", 1000, 0L, null, List.of(a), List.of(c),
        List.of(fund(a, 7000), fund(c, 3000))).id();
    await(coupons.campaigns().accept(alliance, c, c1));
    String coupon1 = await(coupons.issuer().issueForPurchase(alliance, a, m1, 6000, "a-order-1")).get(0).code();
    redeemCoupon(c, coupon1, "c-1");                // A 700, C 300 (own)

    // Campaign 2: created by D, honoured at D, 10.01 yuan off funded B 3334 / C 3333 / D 3333 bps:
    // floors 333/333/333, two fen left by largest remainder: B (.7334), then C (.6333, tie with D, lower id).
    at("2026-05-14T02:00:00Z");
    long c2 = campaign(d, "portrait treat", 1001, 0L, null, List.of(d), List.of(d),
        List.of(fund(b, 3334), fund(c, 3333), fund(d, 3333))).id();
    await(coupons.campaigns().accept(alliance, b, c2));
    await(coupons.campaigns().accept(alliance, c, c2));
    String coupon2 = await(coupons.issuer().issueForPurchase(alliance, d, m3, 6000, "d-order-1")).get(0).code();
    redeemCoupon(d, coupon2, "d-1");                // B 334, C 334, D 333 (own)

    // Campaign 3: B's coupon in the market for 50 points, 5 yuan off at B, funded by B.
    at("2026-05-15T02:00:00Z");
    long c3 = campaign(b, "book token", 500, null, 50L, null, null, null).id();
    String coupon3 = await(coupons.market().exchange(alliance, m2, c3, "x-1")).code(); // 50 of L2 (B)
    redeemCoupon(b, coupon3, "b-1");                // B funds its own coupon: no money

    // A hold that is voided moves nothing.
    at("2026-05-16T02:00:00Z");
    UUID hold = UUID.randomUUID();
    await(fx.ledger.submit(TransferCommand.hold(alliance, hold, wallets.get(m1), account(AccountKind.MERCHANT_ACCEPTANCE, d),
        50, "redeem", 600)));
    await(fx.ledger.submit(TransferCommand.voidHold(alliance, UUID.randomUUID(), hold, "release")));

    // 20 May: what is left of L3 (C, 200) and L4 (A, 200) expires.
    at("2026-05-20T01:00:00Z");
    assertEquals(400L, await(new LotExpiry(fx.ledger, clock).runOnce(100)));

    at("2026-05-31T16:00:00Z"); // 1 June 00:00 in Shanghai: June, not in the period
    earn(a, m2, 999, null);

    at("2026-06-01T02:00:00Z");
    Periods periods = new Periods(fx.pool, clock);
    Periods.Period may = await(periods.create(alliance, "2026-05"));
    assertEquals(Instant.parse("2026-04-30T16:00:00Z"), may.start());
    assertEquals(Instant.parse("2026-05-31T16:00:00Z"), may.end());
    return await(new SettlementRun(fx.pool, clock).run(alliance, may.id()));
  }

  private Map<Long, Statements.Statement> statements(long period) {
    Statements.PeriodStatements all = await(new Statements(fx.pool, new Periods(fx.pool, clock)).all(alliance, period));
    assertEquals(0L, all.sumOfNetFen(), "statements sum to zero");
    Map<Long, Statements.Statement> byParty = new HashMap<>();
    all.statements().forEach(s -> byParty.put(s.partyId(), s));
    assertEquals(5, byParty.size(), "four shops and the fund");
    return byParty;
  }

  @ParameterizedTest
  @ValueSource(strings = {"issuing_shop", "alliance_fund"})
  void theMonthSettlesToTheHandComputedFigures(String rule) {
    Periods.Period may = script(rule);
    boolean fundRule = rule.equals("alliance_fund");
    Map<Long, Statements.Statement> s = statements(may.id());

    // Café A: issued L1 1000 + L4 200 = 1200 points = 2400 fen. Accepted 200 of B's points (m2) and
    // 100 of its own (m1) = 300 points, 600 fen, 400 of it from another shop. Its points spent
    // elsewhere: 400 at B, less the 150 B refunded = 250 points = 500 fen. Funds 700 of coupon 1
    // at C. L4's 200 points expired (400 fen), paid to the fund only under 'alliance_fund'.
    // Receivable 400 (B, redemption) + 300 (B, refund) = 700; payable 800 + 700 (+400) = 1500 (1900).
    assertStatement("A", s.get(a), "issuedPoints", 1200, "issuedFen", 2400, "acceptedPoints", 300, "acceptedFen", 600,
        "acceptedFromOthersFen", 400, "redeemedElsewhereFen", 500, "expiredPoints", 200, "expiredFen", 400,
        "breakagePaidFen", fundRule ? 400 : 0, "couponFundingPaidFen", 700, "receivableFen", 700,
        "payableFen", fundRule ? 1900 : 1500, "netFen", fundRule ? -1200 : -800);
    // Bookshop B: issued 500 + 100 - 100 (refunded earn) = 500 points, 1000 fen. Accepted 400 of A's
    // points less 150 refunded = 250 points, 500 fen, all from A. 200 of its points spent at A (400
    // fen). Its 50 points paid for a market coupon: 100 fen to the fund. Funds 334 fen of coupon 2.
    // Receivable 800; payable 400 + 300 + 100 + 334 = 1134.
    assertStatement("B", s.get(b), "issuedPoints", 500, "issuedFen", 1000, "acceptedPoints", 250, "acceptedFen", 500,
        "acceptedFromOthersFen", 500, "redeemedElsewhereFen", 400, "marketCouponFen", -100,
        "couponFundingPaidFen", 334, "receivableFen", 800, "payableFen", 1134, "netFen", -334);
    // Bakery C: issued L3 300 = 600 fen; 100 of them spent at D (200 fen); 200 expired (400 fen);
    // receives 700 from A for coupon 1, pays 334 of coupon 2. Receivable 700; payable 200 + 334 (+400).
    assertStatement("C", s.get(c), "issuedPoints", 300, "issuedFen", 600, "redeemedElsewhereFen", 200,
        "expiredPoints", 200, "expiredFen", 400, "breakagePaidFen", fundRule ? 400 : 0, "couponFundingPaidFen", 334,
        "couponFundingReceivedFen", 700, "receivableFen", 700, "payableFen", fundRule ? 934 : 534,
        "netFen", fundRule ? -234 : 166);
    // Studio D: accepted 100 of C's points (200 fen); receives 334 + 334 for coupon 2. Its April
    // earn is not in May.
    assertStatement("D", s.get(d), "acceptedPoints", 100, "acceptedFen", 200, "acceptedFromOthersFen", 200,
        "couponFundingReceivedFen", 668, "receivableFen", 868, "netFen", 868);
    // The fund: 100 fen of market coupon points, plus 800 fen of breakage under 'alliance_fund'.
    assertStatement("fund", s.get(Parties.FUND), "marketCouponFen", 100, "breakageReceivedFen", fundRule ? 800 : 0,
        "receivableFen", fundRule ? 900 : 100, "netFen", fundRule ? 900 : 100);

    Statements read = new Statements(fx.pool, new Periods(fx.pool, clock));
    List<Netting.Owed> netted = await(read.netting(alliance, may.id())).transfers();
    // Largest debtor pays largest creditor, by hand:
    // issuing_shop: A -800, B -334, C +166, D +868, fund +100 -> A->D 800, B->C 166, B->fund 100, B->D 68.
    // alliance_fund: A -1200, B -334, C -234, D +868, fund +900 -> A->fund 900; now B (334) is the largest
    // debtor, A (300) next: B->D 334, A->D 300, C->D 234.
    assertEquals(fundRule
        ? List.of(new Netting.Owed(a, 0, 900), new Netting.Owed(b, d, 334), new Netting.Owed(a, d, 300), new Netting.Owed(c, d, 234))
        : List.of(new Netting.Owed(a, d, 800), new Netting.Owed(b, c, 166), new Netting.Owed(b, 0, 100), new Netting.Owed(b, d, 68)),
        netted);

    // The matrix before netting (issuing_shop): A->B 800, A->C 700, B->A 700, B->D 334, B->fund 100, C->D 534.
    Map<String, Long> owed = new HashMap<>();
    await(read.matrix(alliance, may.id())).entries().forEach(o -> owed.put(o.payer() + ">" + o.payee(), o.amountFen()));
    Map<String, Long> expectedMatrix = new HashMap<>(Map.of(a + ">" + b, 800L, a + ">" + c, 700L, b + ">" + a, 700L,
        b + ">" + d, 334L, b + ">0", 100L, c + ">" + d, 534L));
    if (fundRule) {
      expectedMatrix.put(a + ">0", 400L);
      expectedMatrix.put(c + ">0", 400L);
    }
    assertEquals(expectedMatrix, owed);

    // Every figure is traceable: A's payable items name their transfers and lots (or coupon).
    List<Statements.Item> items = await(read.items(alliance, may.id(), a, "redemption", 0, 200)).items();
    assertTrue(items.stream().allMatch(i -> i.transferId() != null && i.lot() != null), items.toString());
    assertEquals(1, await(read.items(alliance, may.id(), c, "coupon_funding", 0, 200)).items().stream()
        .filter(i -> i.payerId() == a && i.amountFen() == 700).count());

    // Reconciliation: ledger invariants and every settlement check hold.
    Reconciliation.Report report = await(new Reconciliation(fx.pool, new Periods(fx.pool, clock))
        .report(alliance, may.id()));
    assertTrue(report.ok(), report.toString());

    // Cross-visits: earned at A {m1, m3}, at B {m2}, at C {m3}; spent at A {m1, m2}, B {m1}, D {m3}.
    List<CrossVisits.Pair> pairs = await(new CrossVisits(fx.pool, new Periods(fx.pool, clock)).of(alliance, may.id()))
        .pairs();
    assertEquals(List.of(new CrossVisits.Pair(a, a, 1), new CrossVisits.Pair(a, b, 1), new CrossVisits.Pair(a, d, 1),
        new CrossVisits.Pair(b, a, 1), new CrossVisits.Pair(c, d, 1)), pairs);

    // Liability on 1 June: A's L1 has 1000 - 400 - 100 = 500 left plus the 150 refunded lot, and
    // the 999 earned in June: 1649 points, 3298 fen; B's L2 has 500 - 200 - 50 = 250 (500 fen);
    // C's points expired; D's April 77 points (m4) are untouched: 154 fen.
    Map<Long, Long> outstanding = new HashMap<>();
    await(new Liability(fx.pool, clock).of(alliance, null)).shops()
        .forEach(l -> outstanding.put(l.shopId(), l.outstandingFen()));
    assertEquals(Map.of(a, 3298L, b, 500L, c, 0L, d, 154L), outstanding);
  }

  @ParameterizedTest
  @ValueSource(strings = {"issuing_shop"})
  void aClosedPeriodCannotChangeAndCorrectionsGoIntoTheNext(String rule) {
    Periods.Period may = script(rule);
    Periods periods = new Periods(fx.pool, clock);
    SettlementRun run = new SettlementRun(fx.pool, clock);
    Map<Long, Statements.Statement> before = statements(may.id());
    assertEquals("closed", await(periods.close(alliance, may.id())).status());

    assertEquals("period_closed", code(failure(run.run(alliance, may.id()))));
    assertEquals("period_closed", code(failure(periods.close(alliance, may.id()))));
    assertEquals("period_closed", code(failure(new Adjustments(fx.pool, periods, clock).add(alliance, may.id(),
        new Adjustments.Correction(a, b, 1, "late", null)))));
    // The database refuses too, whoever asks.
    for (String sql : List.of(
        "/* test */ update settlement_statement set net_fen = net_fen + 1, receivable_fen = receivable_fen + 1 where alliance_id = $1",
        "/* test */ delete from settlement_item where alliance_id = $1",
        "/* test */ insert into settlement_item (alliance_id, period_id, n, category, payer_id, payee_id, amount_fen)"
            + " select $1, id, 9999, 'adjustment', 1, 2, 5 from settlement_period where alliance_id = $1",
        "/* test */ update settlement_period set status = 'draft', closed_at = null where alliance_id = $1",
        "/* test */ delete from settlement_period where alliance_id = $1")) {
      Throwable refused = failure(fx.pool.preparedQuery(sql).execute(Tuple.of(alliance)));
      assertInstanceOf(PgException.class, refused, sql);
      assertTrue(refused.getMessage().contains("is closed"), refused.getMessage());
    }

    // A late transfer stamped inside May (a clock behind) changes nothing of the closed period...
    at("2026-05-25T02:00:00Z");
    earn(a, wallets.keySet().iterator().next(), 10, null);
    assertEquals(before, statements(may.id()));
    // ...but reconciliation names the discrepancy: A's issued points no longer match the ledger.
    Reconciliation.Report report = await(new Reconciliation(fx.pool, periods).report(alliance, may.id()));
    assertEquals(false, report.ok());
    Reconciliation.CheckResult issued = report.settlementChecks().stream()
        .filter(x -> x.name().equals("issued_matches_ledger")).findFirst().orElseThrow();
    assertEquals(List.of(new JsonObject().put("party_id", a).put("issued_points", 1200L).put("adjusted_points", 0L)
        .put("ledger_issued_points", 1210L)), issued.discrepancies());

    // The correction goes into June as an adjustment (A owes B 20 fen, say), and June settles it.
    at("2026-07-01T02:00:00Z");
    Periods.Period june = await(periods.create(alliance, "2026-06"));
    await(new Adjustments(fx.pool, periods, clock).add(alliance, june.id(),
        new Adjustments.Correction(a, b, 20, "late May transfer", may.id())));
    await(run.run(alliance, june.id()));
    Map<Long, Statements.Statement> juneStatements = statements(june.id());
    assertEquals(-20L, juneStatements.get(a).adjustmentFen());
    assertEquals(20L, juneStatements.get(b).adjustmentFen());
    assertEquals(before, statements(may.id()), "May is still what it was");
  }

  private static String code(Throwable t) {
    return assertInstanceOf(ApiException.class, t).code();
  }
}
