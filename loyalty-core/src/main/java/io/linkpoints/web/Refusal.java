package io.linkpoints.web;

/**
 * A failure that is a refusal with an HTTP status and a stable problem code. {@link FailureHandler}
 * answers any of them as problem+json, so web need not know the features that throw them (the
 * ledger's {@code LedgerException}, for one). Implemented by exceptions: {@code getMessage()} is the
 * problem's detail.
 */
public interface Refusal {
  int status();

  String code();

  String getMessage();
}
