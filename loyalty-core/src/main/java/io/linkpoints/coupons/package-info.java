/**
 * Campaigns and cross-promotions: issuing coupons, the coupon market, coupons at the till, the funding
 * split and the coupon invariants. The services return records; {@code CouponJson} writes them for
 * {@code CouponRoutes} (and for pos). A feature: may import the floor, {@code ledger} and {@code qr}.
 */
package io.linkpoints.coupons;
