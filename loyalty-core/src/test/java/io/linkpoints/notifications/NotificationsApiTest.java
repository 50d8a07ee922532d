package io.linkpoints.notifications;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.Await;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The member's inbox, settings and Web Push through the API on a real PostgreSQL, with a local push
 * service ({@link PushReceiver}) that checks the VAPID JWT and decrypts each message as a browser
 * would. The service runs with private endpoints allowed (the receiver is on 127.0.0.1); what a
 * default service refuses is {@code web.OutboundTargetsTest}'s. Notifications are written through
 * {@link Notifications#notifyMember}, the entry point the outbox calls, in a transaction of the test's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationsApiTest {
  private static final Pattern VAPID = Pattern.compile("^vapid t=([A-Za-z0-9_.-]+), k=([A-Za-z0-9_-]+)$");

  private Vertx vertx;
  private ApiFixture api;
  private ApiFixture second;
  private PosWorld world;
  private PushReceiver receiver;
  private Notifications notifications;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx, c -> c.withAllowPrivateTargets(true));
    second = api.anotherInstance();
    world = new PosWorld(api, "notify");
    receiver = new PushReceiver(vertx);
    notifications = new Notifications(api.app.pool(), api.clock, false);
  }

  @AfterEach
  void ledgerStillAddsUp() {
    api.assertLedgerOk();
  }

  @AfterAll
  void stop() {
    receiver.close();
    second.close();
    api.close();
    await(vertx.close());
  }

  private Optional<Long> tell(Person p, String kind, JsonObject data, UUID eventId) {
    return await(api.app.pool().withTransaction(conn ->
        notifications.notifyMember(conn, world.allianceId, p.memberId(), kind, data, eventId)));
  }

  private long subscribe(Person p, String path, PushReceiver.Browser browser) {
    return expect(201, api.post("/v1/members/me/push/subscriptions", p.token(), new JsonObject()
        .put("endpoint", receiver.url(path)).put("expirationTime", null)
        .put("keys", new JsonObject().put("p256dh", browser.p256dh()).put("auth", browser.authBase64()))))
        .getLong("id");
  }

  private long queued(long notificationId) {
    return api.count("/* test */ select count(*) from notification_delivery where notification_id = " + notificationId);
  }

  @Test
  void aPushArrivesSignedWithVapidAndTheBrowserDecryptsTheEvent() throws Exception {
    Person member = world.member();
    PushReceiver.Browser browser = new PushReceiver.Browser();
    subscribe(member, "/push/e2e", browser);
    UUID eventId = UUID.randomUUID();
    long id = tell(member, "points_earned", new JsonObject().put("points", 120).put("shopName", "Cafe"), eventId)
        .orElseThrow();
    assertEquals(1, queued(id), "one delivery for the member's one subscription");

    Await.until(() -> receiver.on("/push/e2e").size() == 1, 20, "the push at the local push service");
    PushReceiver.Received push = receiver.on("/push/e2e").get(0);
    assertEquals("aes128gcm", push.headers().get("Content-Encoding"));
    assertNotNull(push.headers().get("TTL"));

    // VAPID (RFC 8292): the JWT verifies with the key the wallet is given, for the endpoint's origin.
    String vapidKey = expect(200, api.get("/v1/members/me/push/vapid-public-key", member.token())).getString("publicKey");
    Matcher m = VAPID.matcher(push.headers().get("Authorization"));
    assertTrue(m.matches(), push.headers().get("Authorization"));
    assertEquals(vapidKey, m.group(2));
    Claims claims = Jwts.parser().verifyWith(WebPushCrypto.decodePoint(Base64.getUrlDecoder().decode(vapidKey)))
        .build().parseSignedClaims(m.group(1)).getPayload();
    assertEquals(java.util.Set.of(receiver.origin()), claims.getAudience());
    assertTrue(claims.getSubject().startsWith("mailto:"), claims.getSubject());
    Instant exp = claims.getExpiration().toInstant();
    assertTrue(exp.isAfter(Instant.now()) && exp.isBefore(Instant.now().plus(Duration.ofHours(24))), "exp " + exp);

    // RFC 8291: the browser's own keys open it, and it is the event told.
    JsonObject payload = new JsonObject(browser.decrypt(push.body()));
    assertEquals(id, payload.getLong("id"));
    assertEquals(eventId.toString(), payload.getString("eventId"));
    assertEquals("points_earned", payload.getString("kind"));
    assertEquals("You earned 120 points", payload.getString("titleEn"));
    assertEquals("获得 120 积分", payload.getString("titleZh"));
    Await.until(() -> api.count("/* test */ select count(*) from notification_delivery where notification_id = " + id
        + " and delivered_at is not null") == 1, 10, "the delivery marked delivered");

    // Another browser's keys cannot open it.
    PushReceiver.Browser stranger = new PushReceiver.Browser();
    assertTrue(failsToDecrypt(stranger, push.body()), "a message for one subscription opens for another's keys");
  }

  private static boolean failsToDecrypt(PushReceiver.Browser b, byte[] body) {
    try {
      b.decrypt(body);
      return false;
    } catch (Exception expected) {
      return true;
    }
  }

  @Test
  void aGoneSubscriptionIsDeletedAndAFailingServiceIsRetriedWithBackoff() throws Exception {
    Person member = world.member();
    long gone = subscribe(member, "/push/gone", new PushReceiver.Browser());
    long flaky = subscribe(member, "/push/flaky", new PushReceiver.Browser());
    receiver.script("/push/gone", 410);
    receiver.script("/push/flaky", 503);
    long id = tell(member, "coupon_issued", new JsonObject().put("couponTitle", "¥10 off"), UUID.randomUUID()).orElseThrow();
    assertEquals(2, queued(id));

    Await.until(() -> api.count("/* test */ select count(*) from push_subscription where id = " + gone) == 0, 20,
        "the subscription the push service called gone (410) deleted");
    Await.until(() -> api.count("/* test */ select count(*) from notification_delivery where subscription_id = " + flaky
        + " and attempts = 1 and last_error is not null and delivered_at is null") == 1, 20, "the 503 recorded");
    // Not again before the backoff (10 s after the first attempt): the clock has not moved.
    assertEquals(1, receiver.on("/push/flaky").size());
    api.clock.advance(Duration.ofSeconds(11));
    Await.until(() -> api.count("/* test */ select count(*) from notification_delivery where subscription_id = " + flaky
        + " and delivered_at is not null") == 1, 20, "delivered on the second attempt");
    assertEquals(2, receiver.on("/push/flaky").size(), "one retry after the 503, none after the 201");
    assertEquals(1, receiver.on("/push/gone").size());
  }

  @Test
  void pushesQueuedOnceAreSentOnceByTenRunsOnTwoInstancesAtOnce() throws Exception {
    Person member = world.member();
    subscribe(member, "/push/many", new PushReceiver.Browser());
    VapidKeys vapid = VapidKeys.loadOrCreate(api.dataDir.resolve("vapid-keys"), "mailto:test@linkpoints.invalid");
    List<NotificationDeliveries> senders = new ArrayList<>();
    for (ApiFixture instance : List.of(api, second)) {
      senders.add(new NotificationDeliveries(vertx, instance.app.pool(), vertx.createHttpClient(), vapid,
          new io.linkpoints.web.OutboundTargets(true), null, api.clock));
    }
    // 200: enough for the claims of concurrent runs to overlap (without the skip-locked claim, 1,600 were sent).
    int told = 200;
    for (int i = 0; i < told; i++) {
      tell(member, "points_earned", new JsonObject().put("points", i + 1), UUID.randomUUID()).orElseThrow();
    }
    // Ten runs at once, alternating instances (and the services' own periodic runs besides).
    List<io.vertx.core.Future<NotificationDeliveries.Outcome>> runs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // Begun on an event loop, as the job is: the sends' answers are then always handled there.
      io.vertx.core.Promise<NotificationDeliveries.Outcome> run = io.vertx.core.Promise.promise();
      NotificationDeliveries sender = senders.get(i % 2);
      vertx.runOnContext(v -> sender.runAlliance(world.allianceId, told).onComplete(run));
      runs.add(run.future());
    }
    await(io.vertx.core.Future.all(runs));
    Await.until(() -> api.count("/* test */ select count(*) from notification_delivery d join push_subscription s"
        + " on s.alliance_id = d.alliance_id and s.id = d.subscription_id where s.endpoint like '%/push/many'"
        + " and d.delivered_at is not null") == told, 20, "all delivered");
    assertEquals(told, receiver.on("/push/many").size(), "each queued push sent once");
  }

  @Test
  void settingsAreRespected() throws Exception {
    Person member = world.member();
    subscribe(member, "/push/settings", new PushReceiver.Browser());
    JsonObject defaults = expect(200, api.get("/v1/members/me/notification-settings", member.token()));
    assertFalse(defaults.getBoolean("allOff"));
    assertEquals(new JsonObject().put("expiryReminders", true).put("pointsActivity", true).put("coupons", true)
        .put("tiersAndRewards", true).put("marketing", false), defaults.getJsonObject("groups"));
    assertEquals(new JsonObject().put("inbox", true).put("push", true).put("sms", false), defaults.getJsonObject("channels"));

    // Marketing is off by default: not even kept in the inbox.
    assertEquals(Optional.empty(), tell(member, "marketing", new JsonObject().put("titleEn", "Sale"), UUID.randomUUID()));
    assertEquals(0, page(member, "").getJsonArray("items").size());

    // Turned on by the member: kept and pushed.
    JsonObject on = defaults.copy();
    on.remove("smsAvailable");
    on.getJsonObject("groups").put("marketing", true);
    expect(200, api.send(HttpMethod.PUT, "/v1/members/me/notification-settings", member.token(), on));
    long marketing = tell(member, "marketing", new JsonObject().put("titleEn", "Sale"), UUID.randomUUID()).orElseThrow();
    assertEquals(1, queued(marketing));

    // A group off: in the inbox, not pushed.
    JsonObject coupons = on.copy();
    coupons.getJsonObject("groups").put("coupons", false);
    expect(200, api.send(HttpMethod.PUT, "/v1/members/me/notification-settings", member.token(), coupons));
    long coupon = tell(member, "coupon_issued", new JsonObject().put("couponTitle", "x"), UUID.randomUUID()).orElseThrow();
    assertEquals(0, queued(coupon));

    // All off: nothing pushed, marketing not kept, the member's own points still in the inbox.
    JsonObject allOff = on.copy().put("allOff", true);
    JsonObject stored = expect(200, api.send(HttpMethod.PUT, "/v1/members/me/notification-settings", member.token(), allOff));
    assertTrue(stored.getBoolean("allOff"));
    long earned = tell(member, "points_earned", new JsonObject().put("points", 5), UUID.randomUUID()).orElseThrow();
    assertEquals(0, queued(earned));
    assertEquals(Optional.empty(), tell(member, "marketing", new JsonObject(), UUID.randomUUID()));
    assertEquals(3, page(member, "").getJsonArray("items").size(), "marketing (while on), the coupon, the points");

    // The inbox cannot be turned off.
    JsonObject noInbox = on.copy();
    noInbox.getJsonObject("channels").put("inbox", false);
    assertEquals("validation_failed", problemCode(api.send(HttpMethod.PUT, "/v1/members/me/notification-settings",
        member.token(), noInbox)));
  }

  private JsonObject page(Person p, String query) {
    return expect(200, api.get("/v1/members/me/notifications" + query, p.token()));
  }

  @Test
  void theInboxPagesNewestFirstAndCountsUnread() {
    Person member = world.member();
    Person other = world.member();
    UUID first = UUID.randomUUID();
    long[] ids = new long[5];
    for (int i = 0; i < 5; i++) {
      ids[i] = tell(member, "points_earned", new JsonObject().put("points", 10 * (i + 1)).put("shopName", "Cafe"),
          i == 0 ? first : UUID.randomUUID()).orElseThrow();
    }
    // The same event told again (an outbox redelivery) writes nothing.
    assertEquals(Optional.empty(), tell(member, "points_earned", new JsonObject().put("points", 10), first));

    JsonObject p1 = page(member, "?limit=2");
    assertEquals(5, p1.getLong("unreadCount"));
    assertEquals(new JsonArray().add(ids[4]).add(ids[3]), idsOf(p1));
    assertEquals("You earned 50 points", p1.getJsonArray("items").getJsonObject(0).getString("titleEn"));
    JsonObject p2 = page(member, "?limit=2&cursor=" + p1.getLong("nextCursor"));
    assertEquals(new JsonArray().add(ids[2]).add(ids[1]), idsOf(p2));
    JsonObject p3 = page(member, "?limit=2&cursor=" + p2.getLong("nextCursor"));
    assertEquals(new JsonArray().add(ids[0]), idsOf(p3));
    assertNull(p3.getValue("nextCursor"));

    JsonObject read = expect(200, api.post("/v1/members/me/notifications/" + ids[2] + "/read", member.token(), null));
    assertEquals(4, read.getLong("unreadCount"));
    String readAt = read.getJsonObject("notification").getString("readAt");
    assertNotNull(readAt);
    api.clock.advance(Duration.ofSeconds(5));
    JsonObject again = expect(200, api.post("/v1/members/me/notifications/" + ids[2] + "/read", member.token(), null));
    assertEquals(readAt, again.getJsonObject("notification").getString("readAt"), "read once: the first time stays");
    assertEquals(4, again.getLong("unreadCount"));

    // Another member's notification, and no notification at all: 404, and nothing changes.
    assertEquals("not_found", problemCode(api.post("/v1/members/me/notifications/" + ids[0] + "/read", other.token(), null)));
    assertEquals("not_found", problemCode(api.post("/v1/members/me/notifications/999999999/read", member.token(), null)));
    assertEquals(0, page(other, "").getJsonArray("items").size());
    assertEquals(4, page(member, "").getLong("unreadCount"));

    JsonObject all = expect(200, api.post("/v1/members/me/notifications/read-all", member.token(), null));
    assertEquals(4, all.getInteger("marked"));
    assertEquals(0, page(member, "").getLong("unreadCount"));
  }

  private static JsonArray idsOf(JsonObject page) {
    JsonArray ids = new JsonArray();
    page.getJsonArray("items").forEach(i -> ids.add(((JsonObject) i).getLong("id")));
    return ids;
  }

  @Test
  void subscriptionsAreCheckedAndForgotten() throws Exception {
    Person member = world.member();
    PushReceiver.Browser browser = new PushReceiver.Browser();
    JsonObject bad = new JsonObject().put("endpoint", receiver.url("/push/bad"))
        .put("keys", new JsonObject().put("p256dh", Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[65]))
            .put("auth", browser.authBase64()));
    assertEquals("invalid_parameter", problemCode(api.post("/v1/members/me/push/subscriptions", member.token(), bad)));
    subscribe(member, "/push/forget", browser);
    String endpoint = URLEncoder.encode(receiver.url("/push/forget"), StandardCharsets.UTF_8);
    assertTrue(expect(200, api.send(HttpMethod.DELETE, "/v1/members/me/push/subscriptions?endpoint=" + endpoint,
        member.token(), null)).getBoolean("deleted"));
    assertEquals("not_found", problemCode(api.send(HttpMethod.DELETE,
        "/v1/members/me/push/subscriptions?endpoint=" + endpoint, member.token(), null)));
  }
}
