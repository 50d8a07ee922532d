package io.linkpoints.alliance;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/** A shop's POS terminal: enrolled once with its one-time secret, usable until its shop revokes it. */
public record Terminal(long id, long shopId, String name, Status status, Instant enrolledAt, Instant revokedAt,
    Instant createdAt) {

  public enum Status { AWAITING_ENROLMENT, ACTIVE, REVOKED }

  /** From a row of {@code Terminals.COLUMNS}. */
  static Terminal of(Row row) {
    Instant enrolled = instant(row.getOffsetDateTime("enrolled_at"));
    Instant revoked = instant(row.getOffsetDateTime("revoked_at"));
    Status status = revoked != null ? Status.REVOKED : enrolled != null ? Status.ACTIVE : Status.AWAITING_ENROLMENT;
    return new Terminal(row.getLong("id"), row.getLong("shop_id"), row.getString("name"), status, enrolled, revoked,
        row.getOffsetDateTime("created_at").toInstant());
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
