package io.linkpoints.coupons;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * A coupon as its member sees it. {@code state}: pending_payment, issued, reserved, redeemed or
 * voided, or (in the member's list) expired for an issued coupon past its campaign's window.
 */
public record Coupon(long id, long campaignId, String code, String state, String source, long pointsPaid,
    Instant issuedAt, Instant redeemedAt, Long redeemedShopId) {

  /** From a row with {@link CouponIssuer#COUPON_COLUMNS} (or at least these). */
  static Coupon fromRow(Row row) {
    OffsetDateTime redeemed = row.getOffsetDateTime("redeemed_at");
    return new Coupon(row.getLong("id"), row.getLong("campaign_id"), row.getString("code"), row.getString("state"),
        row.getString("source"), row.getLong("points_paid"), row.getOffsetDateTime("issued_at").toInstant(),
        redeemed == null ? null : redeemed.toInstant(), row.getLong("redeemed_shop_id"));
  }
}
