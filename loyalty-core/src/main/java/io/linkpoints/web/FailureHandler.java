package io.linkpoints.web;

import io.linkpoints.platform.DatabaseOutage;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.ValidatorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where every failure becomes a problem+json response with a stable code. */
public final class FailureHandler {
  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

  /** The code of a database outage: the ledger's {@code LEDGER_UNAVAILABLE}, which callers know. */
  public static final String UNAVAILABLE_CODE = "ledger_unavailable";

  private FailureHandler() {
  }

  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof Refusal refused) {
      Problem.send(ctx, refused.status(), refused.code(), refused.getMessage());
    } else if (failure instanceof DecodeException) {
      Problem.send(ctx, 400, "malformed_json", "the body is not valid JSON");
    } else if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException invalid) {
      // The OpenAPI router refused the request against the contract's schemas.
      Problem.send(ctx, 400, "validation_failed", invalid.getMessage());
    } else if (failure instanceof HttpException http) {
      Problem.send(ctx, http.getStatusCode(), codeFor(http.getStatusCode()),
          http.getPayload() != null ? http.getPayload() : "request refused");
    } else if (DatabaseOutage.is(failure)) {
      // Stopped, restarting or cut off: nothing was done that the caller was told of; retrying is
      // safe. (The writer and the jobs say so in the log; one line per request would drown it.)
      log.debug("Database unavailable on {} {}: {}", ctx.request().method(), ctx.request().path(), failure.toString());
      ctx.response().putHeader("Retry-After", "1");
      Problem.send(ctx, 503, UNAVAILABLE_CODE,
          "the database is unavailable for a moment; retry (with the same Idempotency-Key)");
    } else if (failure == null) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      Problem.send(ctx, status, codeFor(status), "request refused");
    } else {
      log.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      Problem.send(ctx, 500, "internal_error", "an unexpected error occurred; it has been logged");
    }
  }

  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "body_too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "too_many_requests";
      case 503 -> "unavailable";
      default -> "internal_error";
    };
  }
}
