package io.linkpoints.ledger;

import io.linkpoints.web.ProblemCode;
import io.linkpoints.web.Refusal;

/** A refused ledger command. Nothing of it was applied. A {@link Refusal}: its error's entry in the catalogue. */
public final class LedgerException extends RuntimeException implements Refusal {
  private static final long serialVersionUID = 1L;
  private final LedgerError error;

  public LedgerException(LedgerError error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  public LedgerError error() {
    return error;
  }

  @Override
  public ProblemCode problem() {
    return error.problem();
  }
}
