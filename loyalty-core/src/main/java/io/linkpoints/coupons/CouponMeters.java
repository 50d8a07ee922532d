package io.linkpoints.coupons;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * Coupons issued (by source: a purchase, the market, a shop's claim code) and redeemed at a till,
 * counted once their transaction has committed, and only by the call that made them (a retry
 * that finds its coupon already made counts nothing).
 */
public final class CouponMeters {
  /** Counts nothing: for services built without an operator to tell. */
  public static final CouponMeters NONE = new CouponMeters(new CompositeMeterRegistry());

  private final MeterRegistry registry;
  private final Counter redeemed;

  public CouponMeters(MeterRegistry registry) {
    this.registry = registry;
    this.redeemed = Counter.builder("linkpoints.coupons.redeemed").description("Coupons redeemed at tills")
        .register(registry);
  }

  void issued(String source) {
    Counter.builder("linkpoints.coupons.issued").description("Coupons issued, by source").tag("source", source)
        .register(registry).increment();
  }

  void redeemed() {
    redeemed.increment();
  }
}
