package io.linkpoints.ledger;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** An immutable movement of points from one account to another. */
public record Transfer(
    long allianceId,
    UUID id,
    long debitAccountId,
    long creditAccountId,
    long amount,
    int flags,
    String code,
    UUID pendingId,
    UUID reversesId,
    Instant timeoutAt,
    JsonObject metadata,
    Instant createdAt) {

  /** A hold: reserves the amount until posted, voided or timed out. */
  public static final int PENDING = 1;
  /** Captures all or part of a hold. */
  public static final int POST_PENDING = 2;
  /** Releases a hold. */
  public static final int VOID_PENDING = 4;

  static final String COLUMNS = "alliance_id, id, debit_account_id, credit_account_id, amount, flags, code, "
      + "pending_id, reverses_id, timeout_at, metadata, created_at";

  static Transfer fromRow(Row row) {
    OffsetDateTime timeout = row.getOffsetDateTime("timeout_at");
    Object metadata = row.getValue("metadata");
    return new Transfer(row.getLong("alliance_id"), row.getUUID("id"), row.getLong("debit_account_id"),
        row.getLong("credit_account_id"), row.getLong("amount"), row.getInteger("flags"), row.getString("code"),
        row.getUUID("pending_id"), row.getUUID("reverses_id"), timeout == null ? null : timeout.toInstant(),
        metadata instanceof JsonObject json ? json : null, row.getOffsetDateTime("created_at").toInstant());
  }

  public boolean isPending() {
    return (flags & PENDING) != 0;
  }

  public boolean isPost() {
    return (flags & POST_PENDING) != 0;
  }

  public boolean isVoid() {
    return (flags & VOID_PENDING) != 0;
  }

  /** Single-phase transfers and posts move posted balances; holds and voids do not. */
  public boolean movesPostedBalance() {
    return !isPending() && !isVoid();
  }

  public String type() {
    if (isPending()) {
      return "pending";
    }
    if (isPost()) {
      return "post_pending";
    }
    if (isVoid()) {
      return "void_pending";
    }
    return "single_phase";
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
