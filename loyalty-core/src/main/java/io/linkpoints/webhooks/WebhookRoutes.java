package io.linkpoints.webhooks;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.Principal;
import io.linkpoints.auth.Role;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.UUID;

/**
 * HTTP for webhook endpoints (tag {@code webhooks}): the admin's reach is the alliance, an owner's
 * its shop ({@link #scope}); the access gate has checked the role and the alliance.
 */
public final class WebhookRoutes implements ApiRoutes {
  private final WebhookEndpoints endpoints;

  public WebhookRoutes(WebhookEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "listWebhooks", JsonHandlers.reply(200, ctx ->
        endpoints.list(alliance(ctx), scope(ctx)).map(WebhookJson::endpoints)));
    on(b, "createWebhook", JsonHandlers.reply(201, ctx -> {
      JsonObject body = JsonHandlers.body(ctx);
      return endpoints.register(alliance(ctx), scope(ctx), body.getString("url"), WebhookJson.eventTypes(body))
          .map(WebhookJson::withSecret);
    }));
    on(b, "getWebhook", JsonHandlers.reply(200, ctx ->
        endpoints.get(alliance(ctx), scope(ctx), webhook(ctx)).map(WebhookJson::endpoint)));
    on(b, "deleteWebhook", JsonHandlers.reply(200, ctx -> {
      UUID id = webhook(ctx);
      return endpoints.delete(alliance(ctx), scope(ctx), id)
          .map(v -> new JsonObject().put("id", id.toString()).put("deleted", true));
    }));
    on(b, "disableWebhook", JsonHandlers.reply(200, ctx ->
        endpoints.disable(alliance(ctx), scope(ctx), webhook(ctx)).map(WebhookJson::endpoint)));
    on(b, "enableWebhook", JsonHandlers.reply(200, ctx ->
        endpoints.enable(alliance(ctx), scope(ctx), webhook(ctx)).map(WebhookJson::endpoint)));
    on(b, "rotateWebhookSecret", JsonHandlers.reply(200, ctx ->
        endpoints.rotateSecret(alliance(ctx), scope(ctx), webhook(ctx)).map(WebhookJson::withSecret)));
    on(b, "listWebhookDeliveries", JsonHandlers.reply(200, ctx -> {
      String before = ctx.queryParams().get("before");
      return endpoints.deliveries(alliance(ctx), scope(ctx), webhook(ctx),
              before == null || before.isEmpty() ? null : Params.positiveLong(ctx, "before"),
              Params.intInRange(ctx, "limit", 1, 100, 20))
          .map(WebhookJson::deliveries);
    }));
    on(b, "replayWebhookDelivery", JsonHandlers.reply(202, ctx -> {
      UUID delivery = Params.uuid(ctx, "deliveryId");
      return endpoints.replay(alliance(ctx), scope(ctx), webhook(ctx), delivery)
          .map(v -> new JsonObject().put("id", delivery.toString()).put("status", "pending"));
    }));
  }

  /** The caller's reach: null (the whole alliance) for the admin, the owner's shop otherwise. */
  private static Long scope(RoutingContext ctx) {
    Principal p = Principal.of(ctx);
    return p.role() == Role.ADMIN ? null : p.shopId();
  }

  private static long alliance(RoutingContext ctx) {
    return Params.positiveLong(ctx, "allianceId");
  }

  private static UUID webhook(RoutingContext ctx) {
    return Params.uuid(ctx, "webhookId");
  }
}
