package io.linkpoints.ledger;

/** Why the ledger refused a command. The codes are part of the API: never rename one. */
public enum LedgerError {
  INVALID_COMMAND("invalid_command", 400),
  INVALID_AMOUNT("invalid_amount", 400),
  ACCOUNTS_MUST_DIFFER("accounts_must_differ", 400),
  ACCOUNT_NOT_FOUND("account_not_found", 404),
  INSUFFICIENT_POINTS("insufficient_points", 409),
  DEBITS_EXCEED_CREDITS("debits_exceed_credits", 409),
  CREDITS_EXCEED_DEBITS("credits_exceed_debits", 409),
  IDEMPOTENCY_KEY_REUSED("idempotency_key_reused", 409),
  PENDING_TRANSFER_NOT_FOUND("pending_transfer_not_found", 404),
  NOT_A_HOLD("not_a_hold", 409),
  HOLD_ALREADY_RESOLVED("hold_already_resolved", 409),
  HOLD_EXPIRED("hold_expired", 409),
  POST_EXCEEDS_HOLD("post_exceeds_hold", 409),
  ACCOUNTS_MISMATCH("accounts_mismatch", 409),
  REVERSAL_TARGET_NOT_FOUND("reversal_target_not_found", 404),
  REVERSAL_TARGET_INVALID("reversal_target_invalid", 409),
  REVERSAL_EXCEEDS_ORIGINAL("reversal_exceeds_original", 409),
  LEDGER_BUSY("ledger_busy", 503),
  LEDGER_UNAVAILABLE("ledger_unavailable", 503);

  private final String code;
  private final int httpStatus;

  LedgerError(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
