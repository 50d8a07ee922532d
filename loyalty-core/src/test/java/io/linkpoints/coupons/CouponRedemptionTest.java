package io.linkpoints.coupons;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.linkpoints.web.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coupon at the till: reserve, commit, release, each idempotent; refused at shops the
 * campaign does not name, outside its window, when paused, below the minimum spend, or twice;
 * and every redemption's funding records add up to its benefit exactly.
 */
@ExtendWith(VertxExtension.class)
class CouponRedemptionTest {
  private CouponWorld w;
  private long cafe;
  private long bookshop;
  private long bakery;
  private long member;

  @BeforeEach
  void setUp(Vertx vertx) {
    w = new CouponWorld(vertx);
    cafe = w.shop("café");
    bookshop = w.shop("bookshop");
    bakery = w.shop("bakery");
    member = w.member();
  }

  @AfterEach
  void tearDown() {
    w.close(); // runs the ledger invariant check
  }

  private static String code(Throwable t) {
    return assertInstanceOf(ApiException.class, t).code();
  }

  /** A cross-promotion: issued at the café, honoured at the bookshop, funded 70/30; accepted and live. */
  private long crossPromotion(JsonObject body) {
    long id = w.create(cafe, body.put("autoIssueMinSpendFen", 0).put("perMemberLimit", 100)
        .put("issuingShopIds", new JsonArray().add(cafe)).put("honouringShopIds", new JsonArray().add(bookshop))
        .put("funding", new JsonArray().add(new JsonObject().put("shopId", cafe).put("basisPoints", 7000))
            .add(new JsonObject().put("shopId", bookshop).put("basisPoints", 3000)))).id();
    await(w.coupons.campaigns().accept(w.alliance, bookshop, id));
    return id;
  }

  private String coupon(String order) {
    return await(w.coupons.issuer().issueForPurchase(w.alliance, cafe, member, 6000, order)).get(0).code();
  }

  private Future<CouponTill.Hold> reserve(long shop, String key, String code, long spend) {
    return w.coupons.till().reserve(w.alliance, shop, key, code, spend, "order-" + key);
  }

  @Test
  void reserveThenCommitRedeemsAndRecordsAFundingSplitThatAddsUp() {
    crossPromotion(w.body().put("benefit", new JsonObject().put("kind", "percent_off").put("percent", 15)
        .put("capFen", 1000)));
    String code = coupon("o-1");
    CouponTill.Hold hold = await(reserve(bookshop, "r-1", code, 3333));
    assertEquals("held", hold.state());
    assertEquals(499, hold.discountFen(), "floor(3333 * 15 / 100)");
    assertEquals(499, hold.benefitFen());
    UUID holdId = hold.holdId();

    CouponTill.Hold committed = await(w.coupons.till().commit(w.alliance, bookshop, holdId, "c-1"));
    assertEquals("committed", committed.state());
    assertEquals(List.of(new FundingSplit.Part(cafe, 7000, 349), new FundingSplit.Part(bookshop, 3000, 150)),
        committed.funding());
    assertEquals(499, w.count("/* test */ select sum(amount_fen) from coupon_funding where honouring_shop_id = $1", bookshop));
    assertEquals("redeemed", await(w.coupons.memberCoupons().mine(w.alliance, member, 0, 50)).items().get(0)
        .coupon().state());

    // The till retries the commit: same answer, nothing written twice; any other resolution is refused.
    assertEquals(committed, await(w.coupons.till().commit(w.alliance, bookshop, holdId, "c-1")));
    assertEquals(2, w.count("/* test */ select count(*) from coupon_funding"));
    assertEquals("hold_already_resolved", code(failure(w.coupons.till().commit(w.alliance, bookshop, holdId, "c-2"))));
    assertEquals("hold_already_resolved", code(failure(w.coupons.till().release(w.alliance, bookshop, holdId, "c-1"))));
    assertEquals("hold_not_found", code(failure(w.coupons.till().commit(w.alliance, cafe, holdId, "c-1"))),
        "another shop cannot touch this shop's hold");
    // Twice: a redeemed coupon is refused.
    assertEquals("coupon_already_used", code(failure(reserve(bookshop, "r-2", code, 3333))));
  }

  @Test
  void refusedAtShopsTheCampaignDoesNotNameBeforeAndAfterItsWindowAndBelowTheMinimum() {
    Instant now = w.clock.instant();
    crossPromotion(w.body().put("minSpendFen", 3000)
        .put("validFrom", now.plus(Duration.ofDays(1)).toString()).put("validUntil", now.plus(Duration.ofDays(3)).toString()));
    String code = coupon("o-1"); // handed out today, good from tomorrow

    assertEquals("coupon_not_valid_here", code(failure(reserve(bakery, "a", code, 5000))));
    assertEquals("coupon_not_valid_here", code(failure(reserve(cafe, "b", code, 5000))), "issuing is not honouring");
    assertEquals("coupon_not_active", code(failure(reserve(bookshop, "c", code, 5000))), "before its window");
    w.clock.advance(Duration.ofDays(1));
    assertEquals("minimum_spend_not_met", code(failure(reserve(bookshop, "d", code, 2999))));
    assertEquals("coupon_invalid", code(failure(reserve(bookshop, "e", "LPC-00000000000000000000000000", 5000))));
    w.clock.advance(Duration.ofDays(2));
    assertEquals("coupon_expired", code(failure(reserve(bookshop, "f", code, 5000))), "after its window");
    assertEquals("expired", await(w.coupons.memberCoupons().mine(w.alliance, member, 0, 50)).items().get(0)
        .coupon().state());
    assertEquals(0, w.count("/* test */ select count(*) from coupon_hold"));
    assertEquals(0, w.count("/* test */ select count(*) from coupon_funding"));
  }

  @Test
  void aReservedCouponIsTakenUntilReleasedAndAPausedCampaignHonoursNothing() {
    long campaign = crossPromotion(w.body());
    String code = coupon("o-1");
    CouponTill.Hold hold = await(reserve(bookshop, "r-1", code, 5000));
    assertEquals(1000, hold.discountFen());
    assertEquals("coupon_already_used", code(failure(reserve(bookshop, "r-2", code, 5000))), "reserved: used");
    // The same key again is the same reservation; with other fields, a reused key.
    assertEquals(hold.holdId(), await(reserve(bookshop, "r-1", code, 5000)).holdId());
    assertEquals("idempotency_key_reused", code(failure(reserve(bookshop, "r-1", code, 5100))));

    UUID holdId = hold.holdId();
    assertEquals("released", await(w.coupons.till().release(w.alliance, bookshop, holdId, "x")).state());
    assertEquals("released", await(w.coupons.till().release(w.alliance, bookshop, holdId, "x")).state());
    assertEquals("hold_already_resolved", code(failure(w.coupons.till().commit(w.alliance, bookshop, holdId, "y"))));

    await(w.coupons.campaigns().pause(w.alliance, cafe, campaign));
    assertEquals("coupon_not_active", code(failure(reserve(bookshop, "r-3", code, 5000))));
    await(w.coupons.campaigns().resume(w.alliance, cafe, campaign));
    CouponTill.Hold again = await(reserve(bookshop, "r-4", code, 800));
    assertEquals(800, again.discountFen(), "a fixed benefit never exceeds the spend");
    await(w.coupons.till().commit(w.alliance, bookshop, again.holdId(), "z"));
    assertEquals(800, w.count("/* test */ select sum(amount_fen) from coupon_funding"));
    assertEquals(0, w.count("/* test */ select count(*) from coupon_funding where amount_fen not in (560, 240)"));
  }

  @Test
  void anUnresolvedHoldTimesOutAndTheCouponComesBack() {
    crossPromotion(w.body());
    String code = coupon("o-1");
    UUID holdId = await(reserve(bookshop, "r-1", code, 5000)).holdId();
    w.clock.advance(CouponTill.HOLD_TTL.plusSeconds(1));
    assertEquals("hold_expired", code(failure(w.coupons.till().commit(w.alliance, bookshop, holdId, "late"))));
    assertEquals(1, w.count("/* test */ select count(*) from coupon where state = 'issued'"), "released by the late commit");
    UUID second = await(reserve(bookshop, "r-2", code, 5000)).holdId();
    w.clock.advance(CouponTill.HOLD_TTL.plusSeconds(1));
    assertEquals(1, await(w.coupons2.till().releaseExpired(100)));
    assertEquals("hold_already_resolved", code(failure(w.coupons.till().commit(w.alliance, bookshop, second, "late"))));
    assertEquals(0, w.count("/* test */ select count(*) from coupon_funding"));
    assertEquals(1, w.count("/* test */ select count(*) from coupon where state = 'issued'"));
  }

  @Test
  void concurrentReservationsOfOneCouponHoldItOnce() {
    crossPromotion(w.body());
    String code = coupon("o-1");
    List<Future<CouponTill.Hold>> tries = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tries.add((i % 2 == 0 ? w.coupons : w.coupons2).till().reserve(w.alliance, bookshop, "k" + i, code, 5000, "o" + i));
    }
    await(Future.join(tries).otherwiseEmpty());
    assertEquals(1, tries.stream().filter(Future::succeeded).count());
    tries.stream().filter(Future::failed).forEach(f -> assertEquals("coupon_already_used", code(f.cause())));
    assertEquals(1, w.count("/* test */ select count(*) from coupon_hold"));
  }

  @Test
  void everyRedemptionsFundingAddsUpToItsBenefitAcrossSponsorsAndBenefits() {
    long joint = w.create(cafe, w.body().put("autoIssueMinSpendFen", 0).put("perMemberLimit", 100).put("inventory", 1000)
        .put("benefit", new JsonObject().put("kind", "percent_off").put("percent", 7).put("capFen", 100_000))
        .put("issuingShopIds", new JsonArray().add(cafe)).put("honouringShopIds", new JsonArray().add(bookshop).add(bakery))
        .put("funding", new JsonArray().add(new JsonObject().put("shopId", cafe).put("basisPoints", 3334))
            .add(new JsonObject().put("shopId", bookshop).put("basisPoints", 3333))
            .add(new JsonObject().put("shopId", bakery).put("basisPoints", 3333)))).id();
    await(w.coupons.campaigns().accept(w.alliance, bookshop, joint));
    assertEquals("live", await(w.coupons.campaigns().accept(w.alliance, bakery, joint)).status());
    long gift = crossPromotion(w.body().put("benefit", new JsonObject().put("kind", "gift").put("giftName", "a cookie")
        .put("valueFen", 601)));
    long[] spends = {0, 14, 15, 29, 1, 1000, 3333, 99_999, 1_000_001, 7};
    int redeemed = 0;
    for (int i = 0; i < spends.length; i++) {
      List<Coupon> issued = await(w.coupons.issuer().issueForPurchase(w.alliance, cafe, member, 6000, "bulk-" + i));
      for (int j = 0; j < issued.size(); j++) {
        String code = issued.get(j).code();
        long shop = issued.get(j).campaignId() == joint && i % 2 == 0 ? bakery : bookshop;
        CouponTill.Hold hold = await(reserve(shop, "bulk-" + i + "-" + j, code, spends[i]));
        CouponTill.Hold done = await(w.coupons.till().commit(w.alliance, shop, hold.holdId(), "c"));
        long sum = done.funding().stream().mapToLong(FundingSplit.Part::amountFen).sum();
        assertEquals(done.benefitFen(), sum, done.toString());
        redeemed++;
      }
    }
    assertEquals(20, redeemed);
    // From the stored rows: every redemption's funding sums to its hold's benefit, in integers.
    assertEquals(0, w.count("/* test */ select count(*) from coupon_hold h where h.state = 'committed' and h.benefit_fen <>"
        + " (select sum(f.amount_fen) from coupon_funding f where f.alliance_id = h.alliance_id and f.coupon_id = h.coupon_id)"));
    assertEquals(10 * 601, w.count("/* test */ select sum(amount_fen) from coupon_funding where campaign_id = $1", gift));
    assertEquals(0, w.count("/* test */ select count(*) from coupon_hold where discount_fen > spend_fen"));
    Row sample = await(w.fx.pool.query("/* test */ select benefit_fen, discount_fen from coupon_hold h join coupon k"
        + " on k.alliance_id = h.alliance_id and k.id = h.coupon_id where k.campaign_id = " + gift + " limit 1").execute())
        .iterator().next();
    assertEquals(601, sample.getLong("benefit_fen"));
    assertEquals(0, sample.getLong("discount_fen"), "a gift takes nothing off the bill");
  }
}
