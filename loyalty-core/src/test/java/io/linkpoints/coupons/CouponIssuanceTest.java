package io.linkpoints.coupons;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.web.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issuance against real PostgreSQL, with claims racing from two service instances: inventory and
 * per-member limits hold exactly, consent and pauses stop issuance, and each source issues once.
 */
@ExtendWith(VertxExtension.class)
class CouponIssuanceTest {
  private CouponWorld w;
  private long cafe;
  private long bookshop;

  @BeforeEach
  void setUp(Vertx vertx) {
    w = new CouponWorld(vertx);
    cafe = w.shop("café");
    bookshop = w.shop("bookshop");
  }

  @AfterEach
  void tearDown() {
    w.close(); // runs the ledger invariant check
  }

  private static String code(Throwable t) {
    return assertInstanceOf(ApiException.class, t).code();
  }

  private Coupons instance(int i) {
    return i % 2 == 0 ? w.coupons : w.coupons2;
  }

  @Test
  void fiveHundredConcurrentClaimsForOneHundredCouponsIssueExactlyOneHundred() {
    long campaign = w.create(cafe, w.body().put("autoIssueMinSpendFen", 0)).id();
    List<Long> members = w.members(500);
    List<Future<List<Coupon>>> claims = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      claims.add(instance(i).issuer().issueForPurchase(w.alliance, cafe, members.get(i), 5000, "order-" + i));
    }
    await(Future.join(claims).otherwiseEmpty());
    long issuedByCalls = claims.stream().mapToLong(f -> f.result().size()).sum();
    assertTrue(claims.stream().allMatch(Future::succeeded), "a sold-out campaign is skipped, not an error");
    assertEquals(100, issuedByCalls);
    assertEquals(100, w.count("/* test */ select count(*) from coupon where alliance_id = $1 and campaign_id = $2", w.alliance, campaign));
    assertEquals(100, w.count("/* test */ select issued from coupon_campaign where alliance_id = $1 and id = $2", w.alliance, campaign));
    assertEquals(100, w.count("/* test */ select count(distinct member_id) from coupon where campaign_id = $1", campaign));
    assertEquals(100, w.count("/* test */ select sum(claimed) from coupon_member_claims where campaign_id = $1", campaign));
    Throwable soldOut = failure(w.fx.pool.withTransaction(conn -> CouponIssuer.issueOne(conn, w.alliance, campaign,
        members.get(0), "purchase", "one-more", null, w.clock.instant())));
    assertEquals("campaign_sold_out", code(soldOut));
  }

  @Test
  void aMemberAtTheLimitOfACampaignWithCouponsLeftIsToldSoAndNothingChanges() {
    long campaign = w.create(cafe, w.body().put("autoIssueMinSpendFen", 0).put("inventory", 10).put("perMemberLimit", 2))
        .id();
    long member = w.member();
    for (int i = 0; i < 2; i++) {
      int n = i;
      await(w.fx.pool.withTransaction(conn -> CouponIssuer.issueOne(conn, w.alliance, campaign, member, "purchase",
          "limit-" + n, null, w.clock.instant())));
    }
    Throwable third = failure(w.fx.pool.withTransaction(conn -> CouponIssuer.issueOne(conn, w.alliance, campaign,
        member, "purchase", "limit-2", null, w.clock.instant())));
    assertEquals("member_limit_reached", code(third));
    assertEquals(2, w.count("/* test */ select issued from coupon_campaign where id = $1", campaign));
    assertEquals(2, w.count("/* test */ select claimed from coupon_member_claims where campaign_id = $1 and member_id = $2",
        campaign, member));
    assertEquals(2, w.count("/* test */ select count(*) from coupon where campaign_id = $1 and member_id = $2", campaign, member));
  }

  @Test
  void perMemberLimitHoldsUnderConcurrency() {
    long campaign = w.create(cafe, w.body().put("autoIssueMinSpendFen", 0).put("inventory", 1000).put("perMemberLimit", 3))
        .id();
    long member = w.member();
    long other = w.member();
    List<Future<List<Coupon>>> claims = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      claims.add(instance(i).issuer().issueForPurchase(w.alliance, cafe, i % 3 == 0 ? other : member, 5000,
          "order-" + i));
    }
    await(Future.join(claims).otherwiseEmpty());
    assertTrue(claims.stream().allMatch(Future::succeeded), () -> "failed: " + claims.stream().filter(Future::failed)
        .map(f -> String.valueOf(f.cause())).toList());
    assertEquals(3, w.count("/* test */ select count(*) from coupon where campaign_id = $1 and member_id = $2", campaign, member));
    assertEquals(3, w.count("/* test */ select count(*) from coupon where campaign_id = $1 and member_id = $2", campaign, other));
    assertEquals(6, w.count("/* test */ select issued from coupon_campaign where id = $1", campaign));
    assertEquals(3, w.count("/* test */ select claimed from coupon_member_claims where campaign_id = $1 and member_id = $2",
        campaign, member));
  }

  @Test
  void purchaseIssuanceIsOncePerOrderAndOnlyAtIssuingShopsAboveTheThreshold() {
    long campaign = w.create(cafe, w.body().put("autoIssueMinSpendFen", 5000).put("perMemberLimit", 5)
        .put("issuingShopIds", new JsonArray().add(cafe)).put("honouringShopIds", new JsonArray().add(cafe))).id();
    long member = w.member();
    assertEquals(0, await(w.coupons.issuer().issueForPurchase(w.alliance, cafe, member, 4999, "o-1")).size());
    assertEquals(0, await(w.coupons.issuer().issueForPurchase(w.alliance, bookshop, member, 9999, "o-2")).size(),
        "the bookshop does not issue this campaign");
    List<Coupon> first = await(w.coupons.issuer().issueForPurchase(w.alliance, cafe, member, 5000, "o-3"));
    assertEquals(1, first.size());
    assertEquals(campaign, first.get(0).campaignId());
    // The accrual is retried (from another instance, concurrently too): the same coupon, nothing more.
    List<Future<List<Coupon>>> retries = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      retries.add(instance(i).issuer().issueForPurchase(w.alliance, cafe, member, 5000, "o-3"));
    }
    await(Future.all(retries));
    for (Future<List<Coupon>> r : retries) {
      assertEquals(first.get(0).code(), r.result().get(0).code());
    }
    assertEquals(1, w.count("/* test */ select count(*) from coupon where campaign_id = $1", campaign));
    assertEquals(1, w.count("/* test */ select issued from coupon_campaign where id = $1", campaign));
    assertTrue(first.get(0).code().matches("LPC-[0-9A-Z]{26}"));
  }

  @Test
  void aCampaignNamingAnotherShopIssuesNothingUntilThatShopAccepts() {
    long stranger = w.shop("photo studio");
    Campaign created = w.create(cafe, w.body().put("autoIssueMinSpendFen", 0).put("marketPricePoints", 10)
        .put("shopCodes", true)
        .put("issuingShopIds", new JsonArray().add(cafe)).put("honouringShopIds", new JsonArray().add(bookshop))
        .put("funding", new JsonArray().add(new JsonObject().put("shopId", cafe).put("basisPoints", 7000))
            .add(new JsonObject().put("shopId", bookshop).put("basisPoints", 3000))));
    long campaign = created.id();
    assertEquals("awaiting_consent", created.status());
    long member = w.member();
    w.earn(cafe, member, 100);
    assertEquals(0, await(w.coupons.issuer().issueForPurchase(w.alliance, cafe, member, 9000, "o-1")).size());
    assertEquals("consent_required", code(failure(w.coupons.market().exchange(w.alliance, member, campaign, "x1"))));
    assertEquals("consent_required", code(failure(w.coupons.issuer().createClaimCode(w.alliance, cafe, campaign))));
    assertEquals(100, w.wallet(member), "no points taken");
    // A shop the campaign does not name can neither accept it nor see it.
    assertEquals("campaign_not_found", code(failure(w.coupons.campaigns().accept(w.alliance, stranger, campaign))));
    assertEquals(0, await(w.coupons.campaigns().list(w.alliance, stranger)).size());

    assertEquals("live", await(w.coupons.campaigns().accept(w.alliance, bookshop, campaign)).status());
    assertEquals(1, await(w.coupons.issuer().issueForPurchase(w.alliance, cafe, member, 9000, "o-2")).size());
    assertEquals(0, w.count("/* test */ select count(*) from coupon where campaign_id = $1 and source_ref like '%:oo-1'", campaign));
  }

  @Test
  void aPausedCampaignIssuesNothingAndEachSideLiftsOnlyItsOwnPause() {
    long campaign = w.create(cafe, w.body().put("autoIssueMinSpendFen", 0).put("marketPricePoints", 10)
        .put("shopCodes", true).put("perMemberLimit", 10).put("honouringShopIds", new JsonArray().add(bookshop))
        .put("funding", new JsonArray().add(new JsonObject().put("shopId", cafe).put("basisPoints", 10000))))
        .id();
    await(w.coupons.campaigns().accept(w.alliance, bookshop, campaign));
    String shopCode = await(w.coupons.issuer().createClaimCode(w.alliance, cafe, campaign)).code();
    long member = w.member();
    w.earn(cafe, member, 100);

    assertEquals("paused", await(w.coupons.campaigns().pause(w.alliance, bookshop, campaign)).status());
    assertEquals(0, await(w.coupons.issuer().issueForPurchase(w.alliance, cafe, member, 9000, "o-1")).size());
    assertEquals("campaign_not_live", code(failure(w.coupons.market().exchange(w.alliance, member, campaign, "x1"))));
    assertEquals("campaign_not_live", code(failure(w.coupons.issuer().claimCoupon(w.alliance, member, shopCode))));
    assertEquals("campaign_not_live", code(failure(w.coupons.issuer().createClaimCode(w.alliance, cafe, campaign))));
    assertEquals(0, w.count("/* test */ select count(*) from coupon where campaign_id = $1", campaign));
    assertEquals(100, w.wallet(member));
    assertEquals(0, w.count("/* test */ select count(*) from ledger_open_hold"), "a refused exchange holds no points");

    // The café also pauses; its resume does not lift the bookshop's pause.
    await(w.coupons.campaigns().pause(w.alliance, cafe, campaign));
    assertEquals("paused", await(w.coupons.campaigns().resume(w.alliance, cafe, campaign)).status());
    assertEquals(0, await(w.coupons.issuer().issueForPurchase(w.alliance, cafe, member, 9000, "o-2")).size());
    assertEquals("live", await(w.coupons.campaigns().resume(w.alliance, bookshop, campaign)).status());
    assertEquals(1, await(w.coupons.issuer().issueForPurchase(w.alliance, cafe, member, 9000, "o-3")).size());
    assertEquals("issued", await(w.coupons.issuer().claimCoupon(w.alliance, member, shopCode)).coupon().state());
  }

  @Test
  void aShopCodeIsClaimedExactlyOnce() {
    long campaign = w.create(cafe, w.body().put("shopCodes", true)).id();
    String shopCode = await(w.coupons.issuer().createClaimCode(w.alliance, cafe, campaign)).code();
    List<Long> members = w.members(12);
    List<Future<CouponIssuer.Claimed>> claims = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      claims.add(instance(i).issuer().claimCoupon(w.alliance, members.get(i), shopCode));
    }
    await(Future.join(claims).otherwiseEmpty());
    Map<String, Integer> outcomes = new HashMap<>();
    long winner = -1;
    for (int i = 0; i < claims.size(); i++) {
      Future<CouponIssuer.Claimed> c = claims.get(i);
      outcomes.merge(c.succeeded() ? "issued" : code(c.cause()), 1, Integer::sum);
      if (c.succeeded()) {
        winner = members.get(i);
      }
    }
    assertEquals(Map.of("issued", 1, "claim_code_used", 11), outcomes);
    assertEquals(1, w.count("/* test */ select count(*) from coupon where campaign_id = $1", campaign));
    // The winner scanning again gets the same coupon; an unknown code is refused.
    CouponIssuer.Claimed again = await(w.coupons.issuer().claimCoupon(w.alliance, winner, shopCode));
    assertEquals(claims.stream().filter(Future::succeeded).findFirst().orElseThrow().result().coupon().id(),
        again.coupon().id());
    assertEquals("claim_code_invalid", code(failure(w.coupons.issuer().claimCoupon(w.alliance, winner,
        "LPS-00000000000000000000000000"))));
    // A shop that does not issue the campaign cannot hand out its codes.
    assertEquals("campaign_not_found", code(failure(w.coupons.issuer().createClaimCode(w.alliance, bookshop, campaign))));
  }

  @Test
  void fundingMustSumToTenThousandAndNamedShopsMustExist() {
    assertEquals("invalid_funding", code(assertThrowsApi(() -> w.create(cafe, w.body().put("funding", new JsonArray()
        .add(new JsonObject().put("shopId", cafe).put("basisPoints", 6000))
        .add(new JsonObject().put("shopId", bookshop).put("basisPoints", 3000)))))));
    assertEquals("unknown_shop", code(assertThrowsApi(() -> w.create(cafe, w.body()
        .put("honouringShopIds", new JsonArray().add(999_999))))));
    assertEquals("creator_not_named", code(assertThrowsApi(() -> w.create(cafe, w.body()
        .put("issuingShopIds", new JsonArray().add(bookshop)).put("honouringShopIds", new JsonArray().add(bookshop))
        .put("funding", new JsonArray().add(new JsonObject().put("shopId", bookshop).put("basisPoints", 10000)))))));
    assertEquals(0, w.count("/* test */ select count(*) from coupon_campaign"));
  }

  private static Throwable assertThrowsApi(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("expected a refusal");
  }
}
