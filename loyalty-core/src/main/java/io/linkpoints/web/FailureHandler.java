package io.linkpoints.web;

import io.linkpoints.platform.DatabaseOutage;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every failure a route did not answer itself becomes a problem+json response (a
 * {@link Problem} document) with a stable code from the {@link ProblemCode} catalogue.
 */
public final class FailureHandler {
  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

  private FailureHandler() {
  }

  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof Refusal refused) {
      Problem.send(ctx, Problem.document(refused));
    } else if (failure instanceof DecodeException) {
      Problem.send(ctx, Problem.document(ProblemCode.MALFORMED_JSON, "the body is not valid JSON"));
    } else if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException invalid) {
      // The OpenAPI router refused the request against the contract's schemas.
      Problem.send(ctx, Problem.document(ProblemCode.VALIDATION_FAILED, invalid.getMessage()));
    } else if (failure instanceof HttpException http) {
      bare(ctx, http.getStatusCode(), http.getPayload() != null ? http.getPayload() : "request refused");
    } else if (DatabaseOutage.is(failure)) {
      // Stopped, restarting or cut off: nothing was done that the caller was told of; retrying is
      // safe. (The writer and the jobs say so in the log; one line per request would drown it.)
      log.debug("Database unavailable on {} {}: {}", ctx.request().method(), ctx.request().path(), failure.toString());
      ctx.response().putHeader("Retry-After", "1");
      Problem.send(ctx, Problem.document(ProblemCode.LEDGER_UNAVAILABLE,
          "the database is unavailable for a moment; retry (with the same Idempotency-Key)"));
    } else if (failure == null) {
      bare(ctx, ctx.statusCode() > 0 ? ctx.statusCode() : 500, "request refused");
    } else {
      log.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      Problem.send(ctx, Problem.document(ProblemCode.INTERNAL_ERROR,
          "an unexpected error occurred; it has been logged"));
    }
  }

  /**
   * A bare HTTP status the router answered without us: its generic code, but the status as it came
   * (a status the catalogue has no code for is sent as it is, with {@code internal_error}).
   */
  private static void bare(RoutingContext ctx, int status, String detail) {
    Problem.send(ctx, Problem.document(status, ProblemCode.forStatus(status).code(), detail));
  }
}
