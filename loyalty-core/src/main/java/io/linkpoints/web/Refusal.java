package io.linkpoints.web;

/**
 * A failure that is a refusal named in the catalogue ({@link ProblemCode}). {@link FailureHandler}
 * answers any of them as problem+json, so web need not know the features that throw them (the
 * ledger's {@code LedgerException}, for one). Implemented by exceptions: {@code getMessage()} is the
 * problem's detail.
 */
public interface Refusal {
  ProblemCode problem();

  String getMessage();

  default int status() {
    return problem().status();
  }

  default String code() {
    return problem().code();
  }
}
