package io.linkpoints.exits;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * A shop's exit: {@code scheduled} until the end-date job completes it, then {@code completed} with
 * what it charged; or {@code cancelled} by the admin before its end. While scheduled, {@code outstandingPoints}/{@code outstandingFen} preview what
 * the shop's lots hold now (null once completed).
 */
public record ShopExit(long shopId, String shopName, String status, String mode, LocalDate endDate, Instant startsAt,
    Instant endsAt, String startedBy, Instant completedAt, Long chargedPoints, Long chargedFen, Long outstandingPoints,
    Long outstandingFen, Instant cancelledAt) {

  static final String COLUMNS = "x.shop_id, s.name as shop_name, x.mode, x.starts_at, x.ends_at, x.started_by,"
      + " x.completed_at, x.charged_points, x.charged_fen, x.cancelled_at, a.time_zone";

  /** From a row of {@link #COLUMNS}, with the preview (or nulls). */
  static ShopExit of(Row r, Long outstandingPoints, Long outstandingFen) {
    Instant endsAt = r.getOffsetDateTime("ends_at").toInstant();
    Instant completedAt = r.getOffsetDateTime("completed_at") == null ? null
        : r.getOffsetDateTime("completed_at").toInstant();
    Instant cancelledAt = r.getOffsetDateTime("cancelled_at") == null ? null
        : r.getOffsetDateTime("cancelled_at").toInstant();
    boolean scheduled = completedAt == null && cancelledAt == null;
    return new ShopExit(r.getLong("shop_id"), r.getString("shop_name"),
        completedAt != null ? "completed" : cancelledAt != null ? "cancelled" : "scheduled", r.getString("mode"),
        LocalDate.ofInstant(endsAt, ZoneId.of(r.getString("time_zone"))), r.getOffsetDateTime("starts_at").toInstant(),
        endsAt, r.getString("started_by"), completedAt, r.getLong("charged_points"), r.getLong("charged_fen"),
        scheduled ? outstandingPoints : null, scheduled ? outstandingFen : null, cancelledAt);
  }
}
