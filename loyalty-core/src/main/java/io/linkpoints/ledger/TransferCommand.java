package io.linkpoints.ledger;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What a caller asks the ledger to do. The id is the caller's idempotency key: the same id with
 * the same fields returns the first result, with other fields {@code idempotency_key_reused}.
 *
 * <p>For a post or void the accounts may be left 0: they come from the hold. For a post a null
 * amount captures the whole hold.
 */
public record TransferCommand(
    Kind kind,
    long allianceId,
    UUID id,
    long debitAccountId,
    long creditAccountId,
    Long amount,
    int flags,
    String code,
    UUID pendingId,
    UUID reversesId,
    long timeoutSeconds,
    JsonObject metadata,
    Instant lotExpiresAt) {

  /** Largest amount one transfer may carry; keeps every sum far from overflow. */
  public static final long MAX_AMOUNT = 1_000_000_000_000L;
  public static final long MAX_TIMEOUT_SECONDS = 7L * 24 * 3600;
  private static final int MAX_METADATA_CHARS = 2048;

  public enum Kind {
    /** An ordinary transfer: single-phase, hold, post, void, or reversal. */
    TRANSFER,
    /** Moves whatever is left of a member's expired lots to the alliance breakage account. */
    EXPIRE_LOTS
  }

  public TransferCommand {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(code, "code");
  }

  public static TransferCommand transfer(long allianceId, UUID id, long debit, long credit, long amount, String code) {
    return new TransferCommand(Kind.TRANSFER, allianceId, id, debit, credit, amount, 0, code, null, null, 0, null, null);
  }

  public static TransferCommand hold(long allianceId, UUID id, long debit, long credit, long amount, String code,
      long timeoutSeconds) {
    return new TransferCommand(Kind.TRANSFER, allianceId, id, debit, credit, amount, Transfer.PENDING, code, null, null,
        timeoutSeconds, null, null);
  }

  /** Captures {@code amount} of the hold (null: all of it); the rest goes back. */
  public static TransferCommand post(long allianceId, UUID id, UUID pendingId, Long amount, String code) {
    return new TransferCommand(Kind.TRANSFER, allianceId, id, 0, 0, amount, Transfer.POST_PENDING, code, pendingId,
        null, 0, null, null);
  }

  public static TransferCommand voidHold(long allianceId, UUID id, UUID pendingId, String code) {
    return new TransferCommand(Kind.TRANSFER, allianceId, id, 0, 0, null, Transfer.VOID_PENDING, code, pendingId, null,
        0, null, null);
  }

  /** Undoes (part of) a posted transfer with a new transfer the other way, linked to it. */
  public static TransferCommand reversal(long allianceId, UUID id, Transfer original, long amount, String code) {
    return new TransferCommand(Kind.TRANSFER, allianceId, id, original.creditAccountId(), original.debitAccountId(),
        amount, 0, code, null, original.id(), 0, null, null);
  }

  public static TransferCommand expireLots(long allianceId, UUID id, long memberAccount, long breakageAccount) {
    return new TransferCommand(Kind.EXPIRE_LOTS, allianceId, id, memberAccount, breakageAccount, null, 0, "expiry",
        null, null, 0, null, null);
  }

  public TransferCommand withMetadata(JsonObject metadata) {
    return new TransferCommand(kind, allianceId, id, debitAccountId, creditAccountId, amount, flags, code, pendingId,
        reversesId, timeoutSeconds, metadata, lotExpiresAt);
  }

  public TransferCommand withLotExpiry(Instant expiresAt) {
    return new TransferCommand(kind, allianceId, id, debitAccountId, creditAccountId, amount, flags, code, pendingId,
        reversesId, timeoutSeconds, metadata, expiresAt);
  }

  public boolean isPost() {
    return flags == Transfer.POST_PENDING;
  }

  public boolean isVoid() {
    return flags == Transfer.VOID_PENDING;
  }

  public boolean isHold() {
    return flags == Transfer.PENDING;
  }

  boolean resolvesHold() {
    return isPost() || isVoid();
  }

  /** Checks what can be checked without the database. Null when the command is well formed. */
  LedgerException validate() {
    if (allianceId <= 0) {
      return invalid("allianceId must be positive");
    }
    if (!code.matches("[a-z][a-z0-9_]{0,31}")) {
      return invalid("code must be 1-32 characters of a-z, 0-9 and _, starting with a letter");
    }
    if (metadata != null && metadata.encode().length() > MAX_METADATA_CHARS) {
      return invalid("metadata must encode to at most " + MAX_METADATA_CHARS + " characters");
    }
    if (flags != 0 && flags != Transfer.PENDING && flags != Transfer.POST_PENDING && flags != Transfer.VOID_PENDING) {
      return invalid("flags must be one of 0, pending, post_pending, void_pending");
    }
    if (kind == Kind.EXPIRE_LOTS) {
      return flags == 0 && amount == null && reversesId == null && pendingId == null
          ? accountsDiffer() : invalid("an expiry carries no amount, flags or links");
    }
    if (resolvesHold()) {
      if (pendingId == null) {
        return invalid("a post or void names the hold in pendingId");
      }
      if (reversesId != null || timeoutSeconds != 0 || lotExpiresAt != null) {
        return invalid("a post or void carries no reversal, timeout or lot expiry");
      }
      if (isVoid() && amount != null) {
        return invalid("a void releases the whole hold: no amount");
      }
      if (amount != null && (amount <= 0 || amount > MAX_AMOUNT)) {
        return new LedgerException(LedgerError.INVALID_AMOUNT, "amount must be 1.." + MAX_AMOUNT);
      }
      if ((debitAccountId != 0 || creditAccountId != 0) && debitAccountId == creditAccountId) {
        return new LedgerException(LedgerError.ACCOUNTS_MUST_DIFFER, "debit and credit accounts must differ");
      }
      return null;
    }
    if (pendingId != null) {
      return invalid("pendingId is only for a post or void");
    }
    if (amount == null || amount <= 0 || amount > MAX_AMOUNT) {
      return new LedgerException(LedgerError.INVALID_AMOUNT, "amount must be 1.." + MAX_AMOUNT);
    }
    if (isHold()) {
      if (timeoutSeconds < 0 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
        return invalid("timeoutSeconds must be 0 (none) .. " + MAX_TIMEOUT_SECONDS);
      }
      if (reversesId != null) {
        return invalid("a reversal cannot be a hold");
      }
    } else if (timeoutSeconds != 0) {
      return invalid("only a hold has a timeout");
    }
    if (debitAccountId <= 0 || creditAccountId <= 0) {
      return new LedgerException(LedgerError.ACCOUNT_NOT_FOUND, "debit and credit accounts are required");
    }
    return accountsDiffer();
  }

  private LedgerException accountsDiffer() {
    return debitAccountId == creditAccountId
        ? new LedgerException(LedgerError.ACCOUNTS_MUST_DIFFER, "debit and credit accounts must differ") : null;
  }

  private static LedgerException invalid(String message) {
    return new LedgerException(LedgerError.INVALID_COMMAND, message);
  }
}
