/**
 * The POS API for terminals: idempotency records ({@code PosRequests}, each call's {@code
 * RecordedAnswer}), member resolution, visits, redemptions (hold, commit, release), accruals under
 * caps, refunds and housekeeping. Services answer records; {@code PosRoutes} renders them
 * ({@code PosJson}). A feature: may import the floor, {@code ledger}, {@code alliance}, {@code qr}
 * and {@code coupons}.
 */
package io.linkpoints.pos;
