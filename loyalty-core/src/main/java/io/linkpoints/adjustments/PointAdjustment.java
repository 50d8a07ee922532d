package io.linkpoints.adjustments;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.UUID;

/**
 * One adjustment as stored, with its member's handle and its proposer's and decider's usernames;
 * {@code failureCode}: the ledger's refusal of a {@code failed} one.
 */
public record PointAdjustment(long id, long shopId, long memberId, String memberHandle, long points, String reason,
    String note, UUID accrualId, String status, String proposedRole, long proposedBy, String proposedByUsername,
    Instant proposedAt, Long decidedBy, String decidedByUsername, Instant decidedAt, UUID transferId,
    String failureCode) {

  /** The columns {@link #fromRow} reads; the query joins member {@code m}, staff {@code s} (proposer), {@code d} (decider). */
  static final String SELECT = "select j.id, j.shop_id, j.member_id, m.handle, j.points, j.reason, j.note, j.accrual_id,"
      + " j.status, j.proposed_role, j.proposed_by, s.username as proposed_username, j.proposed_at, j.decided_by,"
      + " d.username as decided_username, j.decided_at, j.transfer_id, j.failure_code"
      + " from point_adjustment j"
      + " join member m on m.alliance_id = j.alliance_id and m.id = j.member_id"
      + " join staff s on s.alliance_id = j.alliance_id and s.id = j.proposed_by"
      + " left join staff d on d.alliance_id = j.alliance_id and d.id = j.decided_by";

  static PointAdjustment fromRow(Row r) {
    return new PointAdjustment(r.getLong("id"), r.getLong("shop_id"), r.getLong("member_id"), r.getString("handle"),
        r.getLong("points"), r.getString("reason"), r.getString("note"), r.getUUID("accrual_id"), r.getString("status"),
        r.getString("proposed_role"), r.getLong("proposed_by"), r.getString("proposed_username"),
        instant(r, "proposed_at"), r.getLong("decided_by"), r.getString("decided_username"), instant(r, "decided_at"),
        r.getUUID("transfer_id"), r.getString("failure_code"));
  }

  private static Instant instant(Row r, String column) {
    var at = r.getOffsetDateTime(column);
    return at == null ? null : at.toInstant();
  }
}
