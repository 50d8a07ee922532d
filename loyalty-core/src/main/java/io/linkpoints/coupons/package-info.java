/**
 * Campaigns and cross-promotions: issuing coupons, the coupon market, coupons at the till, the funding
 * split and the coupon invariants. The services take and return records; {@code CouponJson} writes
 * the results for {@code CouponRoutes} (and for pos) and reads a new campaign's body into a
 * {@code Campaigns.Draft}. A feature: may import the floor, {@code ledger}, {@code qr} and {@code outbox}
 * (a cross-promotion's {@code promotion.proposed / accepted / paused} events).
 */
package io.linkpoints.coupons;
