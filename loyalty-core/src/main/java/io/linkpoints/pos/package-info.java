/**
 * The POS API for terminals: idempotency records ({@code PosRequests}, each call's {@code
 * RecordedAnswer}), member resolution, visits, redemptions (hold, commit, release), accruals under
 * caps, refunds and housekeeping. Services take and answer records; {@code PosRoutes} reads each
 * request into one and renders the answer ({@code PosJson}). A feature: may import the floor,
 * {@code ledger}, {@code alliance}, {@code qr}, {@code coupons}, {@code promotions} (bonuses at the till) and
 * {@code tiers} (the member's tier in its answers).
 */
package io.linkpoints.pos;
