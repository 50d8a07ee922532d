package io.linkpoints.pos;

import io.vertx.core.json.JsonObject;

/** What a POS call answered: a status and a JSON body (a problem document for a refusal). */
public record Outcome(int status, JsonObject body, boolean replayed) {
  public static Outcome ok(JsonObject body) {
    return new Outcome(200, body, false);
  }

  public boolean isProblem() {
    return status >= 400;
  }

  public Outcome asReplay() {
    return new Outcome(status, body, true);
  }

  public static Outcome problem(int status, String code, String detail) {
    return new Outcome(status, new JsonObject()
        .put("type", "https://linkpoints.dev/problems/" + code)
        .put("title", status == 404 ? "Not Found" : status == 409 ? "Conflict" : status == 422
            ? "Unprocessable Content" : "Bad Request")
        .put("status", status).put("code", code).put("detail", detail), false);
  }
}
