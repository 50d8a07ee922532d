/**
 * Campaigns and cross-promotions: issuing coupons, the coupon market, coupons at the till, the funding
 * split and the coupon invariants. A feature: may import the floor, {@code ledger} and {@code qr}.
 */
package io.linkpoints.coupons;
