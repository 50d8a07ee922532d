package io.linkpoints.ledger;

/** A refused ledger command. Nothing of it was applied. */
public final class LedgerException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final LedgerError error;

  public LedgerException(LedgerError error, String message) {
    super(message, null, false, false);
    this.error = error;
  }

  public LedgerError error() {
    return error;
  }

  public String code() {
    return error.code();
  }
}
