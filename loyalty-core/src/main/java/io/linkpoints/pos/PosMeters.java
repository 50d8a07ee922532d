package io.linkpoints.pos;

import io.linkpoints.web.ProblemCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;

/**
 * The POS API's answers as an operator counts them: calls by operation and outcome ({@code ok},
 * {@code replayed} for a retry answered from its record, else the problem code), and member
 * codes presented at the till, accepted or refused by reason. Counted at the edge, from the very
 * answer the till gets, so the figures cannot disagree with what tills saw.
 */
final class PosMeters {
  /** The refusals that are about the member code itself. */
  private static final Set<String> CODE_REFUSALS = Set.of(ProblemCode.CODE_INVALID.code(),
      ProblemCode.CODE_EXPIRED.code(), ProblemCode.CODE_ALREADY_USED.code(), ProblemCode.TOO_MANY_ATTEMPTS.code());

  private final MeterRegistry registry;

  PosMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** {@code withCode}: the request carried a member code (not a visit). */
  void answered(String operation, RecordedAnswer answer, boolean withCode) {
    String outcome = answer.replayed() ? "replayed"
        : answer.isProblem() ? answer.body().getString("code", "unknown") : "ok";
    // Micrometer caches meters by name and tags: a lookup, not a new meter per call.
    Counter.builder("linkpoints.pos.requests").description("POS calls by operation and outcome")
        .tag("operation", operation).tag("outcome", outcome).register(registry).increment();
    if (withCode && !answer.replayed()) {
      String result = !answer.isProblem() ? "accepted" : CODE_REFUSALS.contains(outcome) ? outcome : null;
      if (result != null) {
        Counter.builder("linkpoints.member.codes").description("Member codes presented at tills, by result")
            .tag("result", result).register(registry).increment();
      }
    }
  }

  /** A call that ended in an error the till may retry (not recorded for its key). */
  void failed(String operation, String code) {
    Counter.builder("linkpoints.pos.requests").description("POS calls by operation and outcome")
        .tag("operation", operation).tag("outcome", code).register(registry).increment();
    if (CODE_REFUSALS.contains(code)) {
      Counter.builder("linkpoints.member.codes").description("Member codes presented at tills, by result")
          .tag("result", code).register(registry).increment();
    }
  }
}
