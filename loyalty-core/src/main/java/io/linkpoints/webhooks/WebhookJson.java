package io.linkpoints.webhooks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Webhook endpoints and their delivery log as the API answers them (openapi.yaml, tag webhooks). */
final class WebhookJson {
  private WebhookJson() {
  }

  static JsonObject endpoint(WebhookEndpoints.Endpoint e) {
    JsonObject json = new JsonObject()
        .put("id", e.id().toString())
        .put("shopId", e.shopId())
        .put("url", e.url())
        .put("eventTypes", new JsonArray(List.copyOf(e.eventTypes())))
        .put("status", e.status())
        .put("createdAt", e.createdAt().toString())
        .put("updatedAt", e.updatedAt().toString());
    if (e.disabledReason() != null) {
      json.put("disabledReason", e.disabledReason());
    }
    if (e.previousSecretUntil() != null) {
      json.put("previousSecretUntil", e.previousSecretUntil().toString());
    }
    return json;
  }

  /** The endpoint with its secret, shown this once. */
  static JsonObject withSecret(WebhookEndpoints.WithSecret made) {
    return endpoint(made.endpoint()).put("secret", made.secret());
  }

  static JsonObject endpoints(List<WebhookEndpoints.Endpoint> list) {
    JsonArray items = new JsonArray();
    list.forEach(e -> items.add(endpoint(e)));
    return new JsonObject().put("items", items);
  }

  static JsonObject deliveries(WebhookEndpoints.DeliveryPage page) {
    JsonArray items = new JsonArray();
    for (WebhookEndpoints.Delivery d : page.items()) {
      JsonArray log = new JsonArray();
      for (WebhookEndpoints.Attempt a : d.log()) {
        JsonObject attempt = new JsonObject().put("attempt", a.n()).put("at", a.at().toString())
            .put("durationMs", a.durationMs());
        if (a.statusCode() != null) {
          attempt.put("statusCode", a.statusCode());
        }
        if (a.error() != null) {
          attempt.put("error", a.error());
        }
        log.add(attempt);
      }
      JsonObject json = new JsonObject()
          .put("id", d.id().toString())
          .put("eventId", d.eventId().toString())
          .put("eventType", d.eventType())
          .put("status", d.status())
          .put("attempts", d.attempts())
          .put("nextAttemptAt", d.nextAttemptAt().toString())
          .put("createdAt", d.createdAt().toString())
          .put("log", log);
      if (d.lastStatusCode() != null) {
        json.put("lastStatusCode", d.lastStatusCode());
      }
      if (d.lastError() != null) {
        json.put("lastError", d.lastError());
      }
      if (d.finishedAt() != null) {
        json.put("finishedAt", d.finishedAt().toString());
      }
      items.add(json);
    }
    JsonObject json = new JsonObject().put("items", items);
    if (page.nextBefore() != null) {
      json.put("nextBefore", page.nextBefore());
    }
    return json;
  }

  /** The request's event types, as strings (the contract has checked each against the list). */
  static List<String> eventTypes(JsonObject body) {
    return body.getJsonArray("eventTypes").stream().map(String.class::cast).toList();
  }
}
