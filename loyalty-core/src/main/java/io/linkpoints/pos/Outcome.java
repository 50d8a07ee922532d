package io.linkpoints.pos;

import io.linkpoints.web.Problem;
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

  /** A refusal's problem document, as {@link Problem} makes it for every answer (instance is added when sent). */
  public static Outcome problem(JsonObject document) {
    return new Outcome(document.getInteger("status"), document, false);
  }
}
