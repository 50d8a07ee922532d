/**
 * The POS API for terminals: idempotency records, member resolution, visits, holds, accruals under
 * caps, refunds and housekeeping. A feature: may import the floor, {@code ledger}, {@code alliance},
 * {@code qr} and {@code coupons}.
 */
package io.linkpoints.pos;
