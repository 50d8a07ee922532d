package io.linkpoints.coupons;

import io.linkpoints.ledger.Ledger;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * Coupons and cross-promotions as the rest of the service uses them. Stateless over PostgreSQL
 * and the ledger, so any number of instances may run side by side.
 *
 * <p>For the POS flow: {@link CouponIssuer#issueForPurchase} after an accrual, and
 * {@link CouponTill} reserve / commit / release next to the points hold.
 */
public record Coupons(Campaigns campaigns, CouponIssuer issuer, CouponMarket market, CouponTill till,
    MemberCoupons memberCoupons, CouponExpiring expiring) {

  public static Coupons create(Pool pool, Ledger ledger, Clock clock) {
    return create(pool, ledger, clock, CouponMeters.NONE);
  }

  public static Coupons create(Pool pool, Ledger ledger, Clock clock, CouponMeters meters) {
    return new Coupons(new Campaigns(pool, clock), new CouponIssuer(pool, clock, meters),
        new CouponMarket(pool, ledger, clock, meters), new CouponTill(pool, clock, meters), new MemberCoupons(pool, clock),
        new CouponExpiring(pool, clock));
  }

  /**
   * The periodic work of every instance: finish stalled exchanges, release timed-out till holds,
   * tell members of coupons expiring within 7 days (up to {@code limit} of each per alliance).
   */
  public Future<Integer> runJobsOnce(int limit) {
    return market.sweep(limit).compose(swept -> till.releaseExpired(limit).map(released -> swept + released))
        .compose(done -> expiring.runOnce(limit).map(told -> done + told));
  }
}
