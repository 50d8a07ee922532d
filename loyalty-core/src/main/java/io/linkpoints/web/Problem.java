package io.linkpoints.web;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** An RFC 9457 problem document with our stable {@code code}. */
public final class Problem {
  public static final String CONTENT_TYPE = "application/problem+json";

  private Problem() {
  }

  public static void send(RoutingContext ctx, int status, String code, String detail) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    JsonObject body = new JsonObject()
        .put("type", "https://linkpoints.dev/problems/" + code)
        .put("title", title(status))
        .put("status", status)
        .put("code", code)
        .put("detail", detail)
        .put("instance", ctx.request().path());
    ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(body.encode());
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
