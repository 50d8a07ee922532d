package io.linkpoints.pos;

import io.linkpoints.web.Problem;
import io.vertx.core.json.JsonObject;

/**
 * What a POS call answered, as {@link PosRequests} records it for its key: a status and a JSON body
 * (a {@link Problem} document for a refusal). {@code replayed}: this is the recorded answer of an
 * earlier run, sent again.
 */
public record RecordedAnswer(int status, JsonObject body, boolean replayed) {
  public static RecordedAnswer ok(JsonObject body) {
    return new RecordedAnswer(200, body, false);
  }

  /** A refusal's problem document, as {@link Problem} makes it for every answer (instance is added when sent). */
  public static RecordedAnswer problem(JsonObject document) {
    return new RecordedAnswer(document.getInteger("status"), document, false);
  }

  public boolean isProblem() {
    return status >= 400;
  }

  public RecordedAnswer asReplay() {
    return new RecordedAnswer(status, body, true);
  }
}
