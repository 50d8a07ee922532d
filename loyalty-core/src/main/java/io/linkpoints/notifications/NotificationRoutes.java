package io.linkpoints.notifications;

import io.linkpoints.auth.Principal;
import io.linkpoints.notifications.NotificationText.Group;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.EnumMap;
import java.util.Map;

/** HTTP for the member's inbox, choices and push subscriptions: the member comes from the token. */
public final class NotificationRoutes implements ApiRoutes {
  private final Notifications notifications;
  private final PushSubscriptions subscriptions;
  private final VapidKeys vapid;
  private final boolean smsAvailable;

  public NotificationRoutes(Notifications notifications, PushSubscriptions subscriptions, VapidKeys vapid,
      boolean smsAvailable) {
    this.notifications = notifications;
    this.subscriptions = subscriptions;
    this.vapid = vapid;
    this.smsAvailable = smsAvailable;
  }

  @Override
  public void mount(RouterBuilder builder) {
    ApiRoutes.on(builder, "getMyNotifications", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      Long cursor = Params.optionalPositiveLong(ctx, "cursor");
      int limit = Params.intInRange(ctx, "limit", 1, 100, 20);
      return notifications.page(me.allianceId(), me.subjectId(), cursor, limit).map(NotificationRoutes::page);
    }));
    ApiRoutes.on(builder, "markMyNotificationRead", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      long id = Params.positiveLong(ctx, "notificationId");
      return notifications.markRead(me.allianceId(), me.subjectId(), id).compose(item ->
          notifications.unread(me.allianceId(), me.subjectId())
              .map(unread -> new JsonObject().put("notification", item(item)).put("unreadCount", unread)));
    }));
    ApiRoutes.on(builder, "markAllMyNotificationsRead", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return notifications.markAllRead(me.allianceId(), me.subjectId())
          .map(n -> new JsonObject().put("marked", n).put("unreadCount", 0));
    }));
    ApiRoutes.on(builder, "getMyNotificationSettings", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return notifications.preferences(me.allianceId(), me.subjectId()).map(this::settings);
    }));
    ApiRoutes.on(builder, "putMyNotificationSettings", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      NotificationPreferences chosen = preferences(JsonHandlers.body(ctx));
      return notifications.choose(me.allianceId(), me.subjectId(), chosen).map(this::settings);
    }));
    ApiRoutes.on(builder, "getVapidPublicKey", JsonHandlers.reply(200, ctx ->
        Future.succeededFuture(new JsonObject().put("publicKey", vapid.publicKeyBase64Url()))));
    ApiRoutes.on(builder, "addMyPushSubscription", JsonHandlers.reply(201, ctx -> {
      Principal me = Principal.of(ctx);
      JsonObject body = JsonHandlers.body(ctx);
      JsonObject keys = body.getJsonObject("keys");
      PushSubscriptions.Subscription s = new PushSubscriptions.Subscription(body.getString("endpoint"),
          keys.getString("p256dh"), keys.getString("auth"));
      return subscriptions.subscribe(me.allianceId(), me.subjectId(), s)
          .map(id -> new JsonObject().put("id", id).put("endpoint", s.endpoint()));
    }));
    ApiRoutes.on(builder, "deleteMyPushSubscription", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      String endpoint = ctx.queryParams().get("endpoint");
      if (endpoint == null || endpoint.isEmpty()) {
        throw ProblemCode.INVALID_PARAMETER.refuse("endpoint is required");
      }
      return subscriptions.unsubscribe(me.allianceId(), me.subjectId(), endpoint)
          .map(v -> new JsonObject().put("deleted", true));
    }));
  }

  private static JsonObject page(Notifications.Page p) {
    JsonArray items = new JsonArray();
    p.items().forEach(i -> items.add(item(i)));
    return new JsonObject().put("items", items).put("nextCursor", p.nextCursor()).put("unreadCount", p.unreadCount());
  }

  private static JsonObject item(Notifications.Item i) {
    return new JsonObject().put("id", i.id()).put("kind", i.kind()).put("group", i.group().json)
        .put("titleZh", i.text().titleZh()).put("bodyZh", i.text().bodyZh())
        .put("titleEn", i.text().titleEn()).put("bodyEn", i.text().bodyEn()).put("data", i.data())
        .put("createdAt", i.createdAt().toString()).put("readAt", i.readAt() == null ? null : i.readAt().toString());
  }

  private JsonObject settings(NotificationPreferences p) {
    JsonObject groups = new JsonObject();
    for (Group g : Group.values()) {
      groups.put(g.json, p.groups().getOrDefault(g, g.onByDefault));
    }
    return new JsonObject().put("allOff", p.allOff()).put("groups", groups)
        .put("channels", new JsonObject().put("inbox", true).put("push", p.push()).put("sms", p.sms()))
        .put("smsAvailable", smsAvailable);
  }

  private static NotificationPreferences preferences(JsonObject body) {
    JsonObject groups = body.getJsonObject("groups");
    JsonObject channels = body.getJsonObject("channels");
    if (Boolean.FALSE.equals(channels.getBoolean("inbox", true))) {
      throw ProblemCode.INVALID_PARAMETER.refuse("the inbox is always on");
    }
    Map<Group, Boolean> on = new EnumMap<>(Group.class);
    for (Group g : Group.values()) {
      on.put(g, groups.getBoolean(g.json));
    }
    return new NotificationPreferences(on, body.getBoolean("allOff"), channels.getBoolean("push"),
        channels.getBoolean("sms"));
  }
}
