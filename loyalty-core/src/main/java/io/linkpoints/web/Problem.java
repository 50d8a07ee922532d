package io.linkpoints.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An RFC 9457 problem document with our stable {@code code}: the one way a refusal becomes
 * problem+json, whether {@link FailureHandler} answers it or the POS API stores it to replay. A
 * document is made without {@code instance}, which {@link #send} adds: the path of the request
 * being answered (a stored POS answer is the same document for every retry).
 */
public final class Problem {
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://linkpoints.dev/problems/";

  private Problem() {
  }

  /** The document of a refusal: its status, code and message. */
  public static JsonObject document(Refusal refusal) {
    return document(refusal.status(), refusal.code(), refusal.getMessage());
  }

  /** The document of a refusal of this kind, at its catalogued status. */
  public static JsonObject document(ProblemCode problem, String detail) {
    return document(problem.status(), problem.code(), detail);
  }

  /** Any status with any code: only for a bare HTTP status the router answered (see FailureHandler). */
  static JsonObject document(int status, String code, String detail) {
    return new JsonObject()
        .put("type", TYPE_BASE + code)
        .put("title", title(status))
        .put("status", status)
        .put("code", code)
        .put("detail", detail);
  }

  /** Answers with the document (its {@code status}), adding {@code instance}; a response already begun is cut off. */
  public static void send(RoutingContext ctx, JsonObject document) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    JsonObject body = document.copy().put("instance", ctx.request().path());
    ctx.response().setStatusCode(document.getInteger("status")).putHeader("Content-Type", CONTENT_TYPE)
        .end(body.encode());
  }

  private static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }
}
