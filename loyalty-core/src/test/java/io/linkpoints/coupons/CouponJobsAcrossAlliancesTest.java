package io.linkpoints.coupons;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.TransferCommand;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coupon jobs work alliance by alliance: one run of the sweeper or of the till-hold release
 * reaches every alliance, each with its own limit, so a busy alliance does not hold back another.
 */
@ExtendWith(VertxExtension.class)
class CouponJobsAcrossAlliancesTest {
  private static final long PRICE = 40;
  private CouponWorld busy;
  private CouponWorld quiet;

  @BeforeEach
  void setUp(Vertx vertx) {
    busy = new CouponWorld(vertx);
    quiet = new CouponWorld(busy, "Quiet lane");
  }

  @AfterEach
  void tearDown() {
    busy.close(); // the ledger and coupon invariants over both alliances
  }

  @Test
  void stalledExchangesOfEveryAllianceAreSweptWithTheirOwnLimit() {
    crashBeforeCapture(busy, "b-1");
    crashBeforeCapture(busy, "b-2");
    busy.clock.advance(Duration.ofSeconds(1));
    crashBeforeCapture(quiet, "q-1");
    busy.clock.advance(CouponMarket.SWEEP_AFTER.plusSeconds(1));

    assertEquals(2, await(busy.coupons2.market().sweep(1)), "one stalled exchange of each alliance per run");
    assertEquals(1, issued(quiet), "the quiet alliance's exchange was finished in the first run");
    assertEquals(1, issued(busy));
    assertEquals(1, await(busy.coupons2.market().sweep(1)));
    assertEquals(0, await(busy.coupons2.market().sweep(1)));
    assertEquals(2, issued(busy));
  }

  @Test
  void expiredTillHoldsOfEveryAllianceAreReleasedWithTheirOwnLimit() {
    Till busyTill = new Till(busy);
    busyTill.reserve("b-1");
    busyTill.reserve("b-2");
    busy.clock.advance(Duration.ofSeconds(1));
    new Till(quiet).reserve("q-1");
    busy.clock.advance(CouponTill.HOLD_TTL.plusSeconds(1));

    assertEquals(2, await(busy.coupons2.till().releaseExpired(1)), "one expired hold of each alliance per run");
    assertEquals(0, reserved(quiet), "the quiet alliance's coupon came back in the first run");
    assertEquals(1, reserved(busy));
    assertEquals(1, await(busy.coupons2.till().releaseExpired(1)));
    assertEquals(0, await(busy.coupons2.till().releaseExpired(1)));
    assertEquals(0, reserved(busy));
  }

  private static long issued(CouponWorld w) {
    return w.count("/* test */ select count(*) from coupon where alliance_id = $1 and state = 'issued'", w.alliance);
  }

  private static long reserved(CouponWorld w) {
    return w.count("/* test */ select count(*) from coupon where alliance_id = $1 and state = 'reserved'", w.alliance);
  }

  /** The first two steps of a market exchange in {@code w}'s alliance, then the process "dies" before capture. */
  private static void crashBeforeCapture(CouponWorld w, String key) {
    long cafe = w.shop("café " + key);
    long campaign = w.create(cafe, w.body().put("marketPricePoints", PRICE)).id();
    long member = w.member();
    w.earn(cafe, member, PRICE);
    UUID hold = CouponMarket.exchangeHoldId(w.alliance, member, key);
    long wallet = w.fx.open(w.alliance, AccountKind.MEMBER_WALLET, member).id();
    long escrow = w.fx.open(w.alliance, AccountKind.COUPON_ESCROW, 0).id();
    await(w.fx.ledger.submit(TransferCommand.hold(w.alliance, hold, wallet, escrow, PRICE, CouponMarket.TRANSFER_CODE,
        CouponMarket.HOLD_SECONDS).withMetadata(new JsonObject().put("campaignId", String.valueOf(campaign))
        .put("memberId", String.valueOf(member)))));
    await(w.fx.pool.withTransaction(conn -> CouponIssuer.issueOne(conn, w.alliance, campaign, member, "market",
        CouponMarket.sourceRef(member, key), new CouponIssuer.Payment(hold, PRICE), w.clock.instant())));
  }

  /** A café issuing coupons honoured at a bookshop of {@code w}'s alliance, and a member to hold them. */
  private static final class Till {
    final CouponWorld w;
    final long cafe;
    final long bookshop;
    final long member;

    Till(CouponWorld w) {
      this.w = w;
      cafe = w.shop("café");
      bookshop = w.shop("bookshop");
      member = w.member();
      long campaign = w.create(cafe, w.body().put("autoIssueMinSpendFen", 0).put("perMemberLimit", 100)
          .put("issuingShopIds", new JsonArray().add(cafe)).put("honouringShopIds", new JsonArray().add(bookshop))
          .put("funding", new JsonArray().add(new JsonObject().put("shopId", cafe).put("basisPoints", 10000)))).id();
      await(w.coupons.campaigns().accept(w.alliance, bookshop, campaign));
    }

    void reserve(String key) {
      String code = await(w.coupons.issuer().issueForPurchase(w.alliance, cafe, member, 6000, "order-" + key)).get(0)
          .code();
      await(w.coupons.till().reserve(w.alliance, bookshop, key, code, 5000, "order-" + key));
    }
  }
}
