package io.linkpoints.coupons;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.HoldTimeouts;
import io.linkpoints.ledger.LedgerException;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.web.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coupon market on real PostgreSQL and the real ledger: an exchange takes the points and
 * issues the coupon, or neither, under concurrency, on retries, and across a crash half way.
 */
@ExtendWith(VertxExtension.class)
class CouponMarketTest {
  private static final long PRICE = 40;
  private CouponWorld w;
  private long cafe;
  private long campaign;

  @BeforeEach
  void setUp(Vertx vertx) {
    w = new CouponWorld(vertx);
    cafe = w.shop("café");
    campaign = w.create(cafe, w.body().put("marketPricePoints", PRICE).put("perMemberLimit", 100)).id();
  }

  @AfterEach
  void tearDown() {
    w.close(); // runs the ledger invariant check
  }

  private static String code(Throwable t) {
    return t instanceof LedgerException le ? le.code() : assertInstanceOf(ApiException.class, t).code();
  }

  /** Points out of wallets = points into escrow = the price of every issued market coupon. */
  private void assertPointsMatchCoupons(long expectedCoupons) {
    assertEquals(expectedCoupons, w.count("/* test */ select count(*) from coupon where source = 'market' and state = 'issued'"));
    assertEquals(0, w.count("/* test */ select count(*) from coupon where state = 'pending_payment'"));
    assertEquals(expectedCoupons * PRICE, w.escrowCredits());
    assertEquals(expectedCoupons * PRICE, w.count("/* test */ select coalesce(sum(points_paid), 0) from coupon"
        + " where source = 'market' and state = 'issued'"));
    assertEquals(expectedCoupons, w.count("/* test */ select issued from coupon_campaign where id = $1", campaign));
    assertEquals(0, w.count("/* test */ select count(*) from ledger_open_hold"), "no points left on hold");
  }

  @Test
  void twentyConcurrentExchangesWithPointsForThreeIssueThreeAndTakeExactlyTheirPrice() {
    long member = w.member();
    w.earn(cafe, member, 3 * PRICE + PRICE / 2);
    List<Future<Coupon>> exchanges = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Coupons instance = i % 2 == 0 ? w.coupons : w.coupons2;
      exchanges.add(instance.market().exchange(w.alliance, member, campaign, "ex-" + i));
    }
    await(Future.join(exchanges).otherwiseEmpty());
    Map<String, Integer> outcomes = new HashMap<>();
    exchanges.forEach(f -> outcomes.merge(f.succeeded() ? "issued" : code(f.cause()), 1, Integer::sum));
    assertEquals(Map.of("issued", 3, "insufficient_points", 17), outcomes);
    assertEquals(PRICE / 2, w.wallet(member));
    assertPointsMatchCoupons(3);
    assertEquals(3, w.count("/* test */ select claimed from coupon_member_claims where member_id = $1", member));
  }

  @Test
  void racingForTheLastCouponsTakesPointsOnlyFromTheWinners() {
    long small = w.create(cafe, w.body().put("marketPricePoints", PRICE).put("inventory", 5)).id();
    campaign = small;
    List<Long> members = w.members(20);
    for (long m : members) {
      w.earn(cafe, m, PRICE);
    }
    List<Future<Coupon>> exchanges = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Coupons instance = i % 2 == 0 ? w.coupons : w.coupons2;
      exchanges.add(instance.market().exchange(w.alliance, members.get(i), small, "buy"));
    }
    await(Future.join(exchanges).otherwiseEmpty());
    int winners = 0;
    for (int i = 0; i < members.size(); i++) {
      Future<Coupon> f = exchanges.get(i);
      if (f.succeeded()) {
        winners++;
        assertEquals(0, w.wallet(members.get(i)));
      } else {
        assertEquals("campaign_sold_out", code(f.cause()));
        assertEquals(PRICE, w.wallet(members.get(i)), "a refused exchange takes nothing");
      }
    }
    assertEquals(5, winners);
    assertPointsMatchCoupons(5);
  }

  @Test
  void aRetriedExchangeReturnsTheSameCouponAndChargesOnce() {
    long member = w.member();
    w.earn(cafe, member, 10 * PRICE);
    List<Future<Coupon>> same = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      same.add((i % 2 == 0 ? w.coupons : w.coupons2).market().exchange(w.alliance, member, campaign, "once"));
    }
    await(Future.all(same));
    long id = same.get(0).result().id();
    same.forEach(f -> assertEquals(id, f.result().id()));
    assertEquals("issued", same.get(0).result().state());
    assertEquals(9 * PRICE, w.wallet(member));
    assertPointsMatchCoupons(1);

    long other = w.create(cafe, w.body().put("marketPricePoints", PRICE)).id();
    assertEquals("idempotency_key_reused", code(failure(w.coupons.market().exchange(w.alliance, member, other, "once"))));
    assertEquals("campaign_not_in_market", code(failure(w.coupons.market().exchange(w.alliance, member,
        w.create(cafe, w.body()).id(), "free"))));
    assertEquals(9 * PRICE, w.wallet(member));
  }

  @Test
  void withoutEnoughPointsNothingIsReservedOrIssued() {
    long member = w.member();
    w.earn(cafe, member, PRICE - 1);
    assertEquals("insufficient_points", code(failure(w.coupons.market().exchange(w.alliance, member, campaign, "k"))));
    assertEquals(PRICE - 1, w.wallet(member));
    assertEquals(0, w.count("/* test */ select count(*) from coupon"));
    assertPointsMatchCoupons(0);
  }

  /** The first two steps of an exchange, then the process "dies" before capturing the hold. */
  private Row crashBeforeCapture(long member, String key) {
    UUID hold = CouponMarket.exchangeHoldId(w.alliance, member, key);
    long wallet = w.fx.open(w.alliance, AccountKind.MEMBER_WALLET, member).id();
    long escrow = w.fx.open(w.alliance, AccountKind.COUPON_ESCROW, 0).id();
    await(w.fx.ledger.submit(TransferCommand.hold(w.alliance, hold, wallet, escrow, PRICE, CouponMarket.TRANSFER_CODE,
        CouponMarket.HOLD_SECONDS).withMetadata(new JsonObject().put("campaignId", String.valueOf(campaign))
        .put("memberId", String.valueOf(member)))));
    return await(w.fx.pool.withTransaction(conn -> CouponIssuer.issueOne(conn, w.alliance, campaign, member, "market",
        CouponMarket.sourceRef(member, key), new CouponIssuer.Payment(hold, PRICE), w.clock.instant())));
  }

  @Test
  void anExchangeCutOffBeforeCaptureIsCompletedByTheSweeper() {
    long member = w.member();
    w.earn(cafe, member, PRICE);
    Row pending = crashBeforeCapture(member, "crash-1");
    assertEquals("pending_payment", pending.getString("state"));
    assertEquals(0, w.wallet(member), "the points are held");
    assertEquals(0, await(w.coupons2.market().sweep(100)), "a fresh pending exchange is left to its request");
    w.clock.advance(CouponMarket.SWEEP_AFTER.plusSeconds(1));
    assertEquals(1, await(w.coupons2.market().sweep(100)));
    assertEquals(1, w.count("/* test */ select count(*) from coupon where state = 'issued'"));
    assertEquals(0, w.wallet(member));
    assertPointsMatchCoupons(1);
    // The member's retry of the same exchange now finds it done.
    assertEquals(pending.getLong("id"), await(w.coupons.market().exchange(w.alliance, member, campaign, "crash-1"))
        .id());
    assertPointsMatchCoupons(1);
  }

  @Test
  void anExchangeWhosePointsHoldTimedOutIsUndoneAndGivesTheInventoryBack() {
    long member = w.member();
    w.earn(cafe, member, PRICE);
    crashBeforeCapture(member, "crash-2");
    assertEquals(1, w.count("/* test */ select issued from coupon_campaign where id = $1", campaign));
    w.clock.advance(Duration.ofSeconds(CouponMarket.HOLD_SECONDS + 1));
    assertEquals(1, await(new HoldTimeouts(w.fx.ledger, w.clock).runOnce(100)), "the ledger gives the points back");
    assertEquals(PRICE, w.wallet(member));
    await(w.coupons.market().sweep(100));
    assertEquals(1, w.count("/* test */ select count(*) from coupon where state = 'voided' and void_reason = 'payment_not_captured'"));
    assertEquals(0, w.count("/* test */ select count(*) from coupon where state <> 'voided'"));
    assertEquals(0, w.count("/* test */ select claimed from coupon_member_claims where member_id = $1", member));
    assertPointsMatchCoupons(0);
    assertEquals("exchange_failed", code(failure(w.coupons.market().exchange(w.alliance, member, campaign, "crash-2"))));
    // A new exchange with a new key works: the inventory and the limit were given back.
    assertEquals("issued", await(w.coupons.market().exchange(w.alliance, member, campaign, "again")).state());
    assertPointsMatchCoupons(1);
    assertTrue(w.wallet(member) == 0);
  }

  @Test
  void theCouponInvariantCheckNamesRowsThatDisagree() {
    long member = w.member();
    w.earn(cafe, member, PRICE);
    Coupon coupon = await(w.coupons.market().exchange(w.alliance, member, campaign, "k"));
    assertTrue(await(new CouponInvariants(w.fx.pool).violations()).isEmpty());
    // Break each kind of agreement in turn, see it named, and put it back.
    String[][] breaks = {
        {"/* test */ update coupon_campaign set issued = issued + 1", "/* test */ update coupon_campaign set issued = issued - 1",
            "inventory_matches_coupons"},
        {"/* test */ update coupon_member_claims set claimed = claimed + 1", "/* test */ update coupon_member_claims set claimed = claimed - 1",
            "member_counts_match_coupons"},
        {"/* test */ update coupon set points_paid = points_paid + 1", "/* test */ update coupon set points_paid = points_paid - 1",
            "market_coupons_paid_exactly"},
        {"/* test */ update coupon set state = 'reserved'", "/* test */ update coupon set state = 'issued'", "reserved_coupons_held_once"},
    };
    for (String[] b : breaks) {
      await(w.fx.pool.query(b[0]).execute());
      List<CouponInvariants.Violation> broken = await(new CouponInvariants(w.fx.pool).violations());
      assertTrue(broken.stream().anyMatch(v -> v.invariant().equals(b[2])), b[2] + " after " + b[0] + ": " + broken);
      await(w.fx.pool.query(b[1]).execute());
    }
    assertTrue(await(new CouponInvariants(w.fx.pool).violations()).isEmpty());
    assertEquals("issued", coupon.state());
  }
}
