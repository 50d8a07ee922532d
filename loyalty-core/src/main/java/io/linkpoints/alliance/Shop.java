package io.linkpoints.alliance;

import io.vertx.sqlclient.Row;
import java.time.Instant;

/** A shop of an alliance: {@code active}, or {@code suspended} (since {@code suspendedAt}) by the alliance's admin. */
public record Shop(long id, long allianceId, String name, String status, Instant suspendedAt, Instant createdAt) {

  /** From a row of {@code Shops.SHOP_COLUMNS}. */
  static Shop of(long allianceId, Row row) {
    return new Shop(row.getLong("id"), allianceId, row.getString("name"), row.getString("status"),
        row.getOffsetDateTime("suspended_at") == null ? null : row.getOffsetDateTime("suspended_at").toInstant(),
        row.getOffsetDateTime("created_at").toInstant());
  }
}
