package io.linkpoints.till.client;

/**
 * No answer for a call, and {@code status} could not tell either (the network stayed down, or the
 * server still had no outcome). The call may or may not have taken effect; its key is kept so the
 * till can ask again later with {@link PosClient#status}.
 */
public final class OutcomeUnknownException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String idempotencyKey;

  public OutcomeUnknownException(String operation, String idempotencyKey, Throwable last) {
    super(operation + " (key " + idempotencyKey + "): no outcome known: " + (last == null ? "" : last.getMessage()), last);
    this.idempotencyKey = idempotencyKey;
  }

  public String idempotencyKey() {
    return idempotencyKey;
  }
}
