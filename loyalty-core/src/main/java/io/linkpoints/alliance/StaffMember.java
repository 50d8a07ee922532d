package io.linkpoints.alliance;

import io.vertx.sqlclient.Row;
import java.time.Instant;

/** A person who signs in with a username and password: the alliance's admin (no shop), or a shop's owner or cashier. */
public record StaffMember(long id, String username, String role, Long shopId, Instant createdAt) {

  /** From a row of {@code id, username, role, shop_id, created_at}. */
  static StaffMember of(Row row) {
    return new StaffMember(row.getLong("id"), row.getString("username"), row.getString("role"), row.getLong("shop_id"),
        row.getOffsetDateTime("created_at").toInstant());
  }
}
