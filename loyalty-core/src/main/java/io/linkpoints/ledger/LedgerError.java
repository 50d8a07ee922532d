package io.linkpoints.ledger;

import io.linkpoints.web.ProblemCode;

/**
 * Why the ledger refused a command: the ledger's own closed list of results, which its callers
 * switch on. Each names its entry in the catalogue of refusals ({@link ProblemCode}, same name),
 * which gives its wire code and HTTP status.
 */
public enum LedgerError {
  INVALID_COMMAND(ProblemCode.INVALID_COMMAND),
  INVALID_AMOUNT(ProblemCode.INVALID_AMOUNT),
  ACCOUNTS_MUST_DIFFER(ProblemCode.ACCOUNTS_MUST_DIFFER),
  ACCOUNT_NOT_FOUND(ProblemCode.ACCOUNT_NOT_FOUND),
  INSUFFICIENT_POINTS(ProblemCode.INSUFFICIENT_POINTS),
  DEBITS_EXCEED_CREDITS(ProblemCode.DEBITS_EXCEED_CREDITS),
  CREDITS_EXCEED_DEBITS(ProblemCode.CREDITS_EXCEED_DEBITS),
  IDEMPOTENCY_KEY_REUSED(ProblemCode.IDEMPOTENCY_KEY_REUSED),
  PENDING_TRANSFER_NOT_FOUND(ProblemCode.PENDING_TRANSFER_NOT_FOUND),
  NOT_A_HOLD(ProblemCode.NOT_A_HOLD),
  HOLD_ALREADY_RESOLVED(ProblemCode.HOLD_ALREADY_RESOLVED),
  HOLD_EXPIRED(ProblemCode.HOLD_EXPIRED),
  POST_EXCEEDS_HOLD(ProblemCode.POST_EXCEEDS_HOLD),
  ACCOUNTS_MISMATCH(ProblemCode.ACCOUNTS_MISMATCH),
  REVERSAL_TARGET_NOT_FOUND(ProblemCode.REVERSAL_TARGET_NOT_FOUND),
  REVERSAL_TARGET_INVALID(ProblemCode.REVERSAL_TARGET_INVALID),
  REVERSAL_EXCEEDS_ORIGINAL(ProblemCode.REVERSAL_EXCEEDS_ORIGINAL),
  LEDGER_BUSY(ProblemCode.LEDGER_BUSY),
  LEDGER_UNAVAILABLE(ProblemCode.LEDGER_UNAVAILABLE);

  private final ProblemCode problem;

  LedgerError(ProblemCode problem) {
    this.problem = problem;
  }

  public ProblemCode problem() {
    return problem;
  }

  /** The wire code, as in the catalogue. */
  public String code() {
    return problem.code();
  }
}
