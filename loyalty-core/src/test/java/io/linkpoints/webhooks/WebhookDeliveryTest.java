package io.linkpoints.webhooks;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.WebhookOptions;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Webhooks delivered by the service's own dispatcher to a real local receiver (private targets
 * allowed for it; retries from 100 ms, at most 1 s apart, given up after 4 s). Each test has its own
 * shop, so its endpoints see its events only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryTest {
  static final WebhookOptions FAST = WebhookOptions.DEFAULT
      .withRetries(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(4))
      .withPollInterval(Duration.ofMillis(50));

  private Vertx vertx;
  private ApiFixture fx;
  private PosWorld w;
  private Receiver receiver;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    fx = new ApiFixture(vertx, c -> c.withAllowPrivateTargets(true).withWebhooks(FAST));
    w = new PosWorld(fx, "wh");
    receiver = new Receiver(vertx, 0, (path, before) -> switch (path) {
      case "/flaky" -> before < 3 ? 500 : 200;
      case "/always-500" -> 500;
      default -> 200;
    });
  }

  @AfterAll
  void stop() {
    w.assertLedgerOk();
    receiver.close();
    fx.close();
    await(vertx.close());
  }

  private String base() {
    return "/v1/alliances/" + w.allianceId + "/webhooks";
  }

  /** Registers an endpoint as {@code token}; the receiver learns its secret. */
  private JsonObject register(String token, String url, String... types) {
    JsonObject made = expect(201, fx.post(base(), token, new JsonObject().put("url", url)
        .put("eventTypes", new JsonArray(List.of((Object[]) types)))));
    receiver.secrets.add(made.getString("secret"));
    return made;
  }

  private JsonArray deliveries(String token, String endpointId) {
    return expect(200, fx.get(base() + "/" + endpointId + "/deliveries", token)).getJsonArray("items");
  }

  @Test
  void aDeliveryArrivesSignedWithItsEventOnce() throws InterruptedException {
    PosWorld.Till shop = w.shop("Signed Café");
    JsonObject endpoint = register(shop.ownerToken(), receiver.url("/signed"), "points.earned");
    PosWorld.Person member = w.member();
    w.grant(member, shop, 300);

    until(() -> receiver.at("/signed").size() == 1, 10, "the earn arrives");
    Receiver.Arrival a = receiver.at("/signed").get(0);
    assertTrue(a.signatureValid(), "signed with the endpoint's secret");
    assertTrue(a.timely(), "timestamp within the receiver's tolerance");
    assertEquals(1, a.signatures().size(), "one secret, one v1");
    JsonObject body = a.body();
    assertEquals(a.eventId(), body.getString("id"), "Linkpoints-Event-Id is the body's id");
    assertEquals("points.earned", body.getString("type"));
    assertEquals(w.allianceId, body.getLong("allianceId"));
    assertEquals(shop.shopId(), body.getLong("shopId"));
    assertEquals(300L, body.getJsonObject("data").getLong("points"));
    assertEquals(member.handle(), body.getJsonObject("data").getString("member"));
    // A signature over another body (or another secret) does not verify.
    assertNotEquals(a.signatures().get(0), Signatures.hmacHex(endpoint.getString("secret"), a.timestamp() + "." + body
        .copy().put("shopId", 0).encode()));

    Thread.sleep(500); // ten polls: a succeeded delivery is not sent again
    assertEquals(1, receiver.at("/signed").size());
    JsonArray log = deliveries(shop.ownerToken(), endpoint.getString("id"));
    assertEquals(1, log.size());
    assertEquals("succeeded", log.getJsonObject(0).getString("status"));
    assertEquals(200, log.getJsonObject(0).getJsonArray("log").getJsonObject(0).getInteger("statusCode"));
  }

  @Test
  void aReceiverAnswering500ThreeTimesGetsTheEventFourTimesThenNoMore() throws InterruptedException {
    PosWorld.Till shop = w.shop("Flaky Café");
    JsonObject endpoint = register(shop.ownerToken(), receiver.url("/flaky"), "points.earned");
    w.grant(w.member(), shop, 5);

    until(() -> receiver.at("/flaky").size() == 4, 10, "three failures and a success");
    Thread.sleep(1_500); // past the longest backoff (1 s) and many polls
    List<Receiver.Arrival> arrivals = receiver.at("/flaky");
    assertEquals(4, arrivals.size(), "500, 500, 500, 200: four arrivals, none after the success");
    assertEquals(1, arrivals.stream().map(Receiver.Arrival::eventId).distinct().count(), "one event, one id");
    JsonObject delivery = deliveries(shop.ownerToken(), endpoint.getString("id")).getJsonObject(0);
    assertEquals("succeeded", delivery.getString("status"));
    assertEquals(4, delivery.getInteger("attempts"));
    assertEquals(List.of(500, 500, 500, 200), delivery.getJsonArray("log").stream()
        .map(x -> ((JsonObject) x).getInteger("statusCode")).toList());
  }

  @Test
  void aReceiverDownForAWhileGetsEverythingInOrderWhenItComesBack() throws InterruptedException {
    PosWorld.Till shop = w.shop("Sleepy Café");
    int port = Receiver.freePort(vertx);
    JsonObject endpoint = register(shop.ownerToken(), "http://127.0.0.1:" + port + "/back", "points.earned");
    PosWorld.Person member = w.member();
    for (int points = 1; points <= 6; points++) {
      w.grant(member, shop, points);
    }
    // Down: the first delivery fails (connection refused) and is retried; the others wait behind it.
    until(() -> {
      JsonArray log = deliveries(shop.ownerToken(), endpoint.getString("id"));
      return log.size() == 6 && log.getJsonObject(5).getInteger("attempts") >= 2;
    }, 10, "the first delivery has failed twice");
    JsonArray log = deliveries(shop.ownerToken(), endpoint.getString("id"));
    for (int i = 0; i < 5; i++) {
      assertEquals(0, log.getJsonObject(i).getInteger("attempts"), "later events wait for the first");
    }
    try (Receiver back = new Receiver(vertx, port, (path, before) -> 200)) {
      back.secrets.addAll(receiver.secrets);
      until(() -> back.arrivals.size() == 6, 10, "all six arrive once it is back");
      Thread.sleep(300);
      assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), back.arrivals.stream()
          .map(a -> a.body().getJsonObject("data").getLong("points")).toList(), "in order, each once");
      assertTrue(back.arrivals.stream().allMatch(Receiver.Arrival::signatureValid));
    }
  }

  @Test
  void anEndpointThatKeepsFailingIsDisabledAndItsOwnerTold() throws InterruptedException {
    PosWorld.Till shop = w.shop("Broken Café");
    JsonObject broken = register(shop.ownerToken(), receiver.url("/always-500"), "points.earned");
    register(shop.ownerToken(), receiver.url("/owner-alerts"), "webhook.endpoint_disabled");
    w.grant(w.member(), shop, 7);

    until(() -> "disabled".equals(expect(200, fx.get(base() + "/" + broken.getString("id"), shop.ownerToken()))
        .getString("status")), 15, "the endpoint is disabled after the give-up time (4 s)");
    JsonObject now = expect(200, fx.get(base() + "/" + broken.getString("id"), shop.ownerToken()));
    assertTrue(now.getString("disabledReason").contains("answered 500"), now.encode());
    JsonObject delivery = deliveries(shop.ownerToken(), broken.getString("id")).getJsonObject(0);
    assertEquals("given_up", delivery.getString("status"));
    int attempts = delivery.getInteger("attempts");
    assertEquals(attempts, receiver.at("/always-500").size(), "every attempt logged");

    until(() -> receiver.at("/owner-alerts").size() == 1, 10, "the owner is told");
    JsonObject told = receiver.at("/owner-alerts").get(0).body();
    assertEquals("webhook.endpoint_disabled", told.getString("type"));
    assertEquals(broken.getString("id"), told.getJsonObject("data").getString("endpointId"));
    assertEquals(shop.shopId(), told.getLong("shopId"));

    // Disabled: no more attempts, and new events are not queued for it. Enabled again: it is sent.
    w.grant(w.member(), shop, 8);
    Thread.sleep(500);
    assertEquals(attempts, receiver.at("/always-500").size());
    assertEquals(1, deliveries(shop.ownerToken(), broken.getString("id")).size());
    // The owner replays the given-up delivery after fixing the receiver... here it still fails, once more.
    expect(200, fx.post(base() + "/" + broken.getString("id") + "/enable", shop.ownerToken(), null));
    expect(202, fx.post(base() + "/" + broken.getString("id") + "/deliveries/" + delivery.getString("id") + "/replay",
        shop.ownerToken(), null));
    until(() -> receiver.at("/always-500").size() > attempts, 10, "the replay is sent");
  }

  @Test
  void afterARotationBothSecretsSignForTheOverlap() throws InterruptedException {
    PosWorld.Till shop = w.shop("Rotating Café");
    JsonObject endpoint = register(shop.ownerToken(), receiver.url("/rotated"), "points.earned");
    String old = endpoint.getString("secret");
    JsonObject rotated = expect(200, fx.post(base() + "/" + endpoint.getString("id") + "/rotate-secret",
        shop.ownerToken(), null));
    String fresh = rotated.getString("secret");
    assertNotEquals(old, fresh);
    w.grant(w.member(), shop, 9);
    until(() -> receiver.at("/rotated").size() == 1, 10, "the earn arrives");
    Receiver.Arrival a = receiver.at("/rotated").get(0);
    String signed = a.timestamp() + "." + a.body().encode();
    assertEquals(List.of(Signatures.hmacHex(fresh, signed), Signatures.hmacHex(old, signed)), a.signatures(),
        "two v1: the new secret's first, then the old one's");
    assertTrue(IntStream.range(0, 1).allMatch(i -> a.signatureValid()));
  }
}
