package io.linkpoints.alliance;

import io.vertx.sqlclient.Row;
import java.time.Instant;

/**
 * An alliance as stored: its time zone, what a point costs, how points expire, where expired
 * points go ({@code breakageRule}), and the cap on what one member may earn in a day (null: none).
 */
public record Alliance(long id, String name, String timeZone, long pricePerPointFen, int expiryMonths,
    boolean expiryEndOfMonth, String breakageRule, Long memberDailyCapPoints, Instant createdAt) {

  /** From a row of {@link Alliances#COLUMNS}. */
  static Alliance of(Row row) {
    return new Alliance(row.getLong("id"), row.getString("name"), row.getString("time_zone"),
        row.getLong("price_per_point_fen"), row.getInteger("expiry_months"), row.getBoolean("expiry_end_of_month"),
        row.getString("breakage_rule"), row.getLong("member_daily_cap_points"),
        row.getOffsetDateTime("created_at").toInstant());
  }
}
