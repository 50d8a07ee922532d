package io.linkpoints.member;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;

/** One of a member's phones; {@code revokedBy} is member, owner or admin once revoked. */
public record MemberDevice(long id, String label, Instant createdAt, Instant lastUsedAt, Instant revokedAt,
    String revokedBy) {

  /** From a row of {@code MemberDevices.COLUMNS}. */
  static MemberDevice of(Row r) {
    return new MemberDevice(r.getLong("id"), r.getString("label"), instant(r.getOffsetDateTime("created_at")),
        instant(r.getOffsetDateTime("last_used_at")), instant(r.getOffsetDateTime("revoked_at")),
        r.getString("revoked_by"));
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
