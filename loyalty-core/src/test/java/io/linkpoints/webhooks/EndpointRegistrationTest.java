package io.linkpoints.webhooks;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Registering and managing endpoints on a service with the default options (private targets not
 * allowed): the SSRF refusals, the secret shown once, rotation, reach (an owner sees its shop's
 * endpoints only), disable, enable and delete.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointRegistrationTest {
  private Vertx vertx;
  private ApiFixture fx;
  private PosWorld w;
  private PosWorld.Till cafe;
  private PosWorld.Till books;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    fx = new ApiFixture(vertx);
    w = new PosWorld(fx, "er");
    cafe = w.shop("Registry Café");
    books = w.shop("Registry Books");
  }

  @AfterAll
  void stop() {
    fx.close();
    await(vertx.close());
  }

  private String base() {
    return "/v1/alliances/" + w.allianceId + "/webhooks";
  }

  private HttpResponse<Buffer> register(String token, String url) {
    return fx.post(base(), token, new JsonObject().put("url", url).put("eventTypes", new JsonArray().add("points.earned")));
  }

  @Test
  void nonPublicTargetsAreRefused() {
    List<String> refused = List.of(
        "https://127.0.0.1/hook", "https://127.8.9.10:8080/hook", "https://10.1.2.3/hook", "https://172.16.5.4/hook",
        "https://192.168.1.20/hook", "https://169.254.169.254/latest/meta-data", "https://[::1]/hook",
        "https://[fe80::1]/hook", "https://[fc00::5]/hook", "https://[::ffff:10.0.0.1]/hook", "https://0.0.0.0/hook",
        "https://100.64.0.7/hook", "https://224.0.0.1/hook", "https://localhost:8080/hook",
        "https://[64:ff9b::a00:1]/hook", "http://93.184.215.14/hook", "ftp://93.184.215.14/hook",
        "file:///etc/passwd", "https://user:pw@93.184.215.14/hook", "https://no-such-host.invalid/hook");
    for (String url : refused) {
      HttpResponse<Buffer> r = register(cafe.ownerToken(), url);
      assertEquals(400, r.statusCode(), url + ": " + r.bodyAsString());
      assertEquals("endpoint_not_allowed", problemCode(r), url);
    }
    String all = expect(200, fx.get(base(), w.adminToken)).encode();
    for (String url : refused) {
      assertFalse(all.contains(url), "not made: " + url);
    }
  }

  @Test
  void theSecretIsShownOnceAndRotatesWithAnOverlap() {
    JsonObject made = expect(201, register(cafe.ownerToken(), "https://93.184.215.14/hooks?shop=cafe"));
    String id = made.getString("id");
    assertTrue(made.getString("secret").startsWith("whsec_"));
    assertEquals(cafe.shopId(), made.getLong("shopId"));
    JsonObject read = expect(200, fx.get(base() + "/" + id, cafe.ownerToken()));
    assertFalse(read.containsKey("secret"), "the secret is not shown again");
    assertFalse(expect(200, fx.get(base(), cafe.ownerToken())).encode().contains(made.getString("secret")));

    JsonObject rotated = expect(200, fx.post(base() + "/" + id + "/rotate-secret", cafe.ownerToken(), null));
    assertNotEquals(made.getString("secret"), rotated.getString("secret"));
    // The old secret signs until 24 h after the rotation (the service's clock).
    assertEquals(fx.clock.instant().plus(Duration.ofHours(24)),
        Instant.parse(rotated.getString("previousSecretUntil")).plusNanos(fx.clock.instant().getNano() % 1000));
  }

  @Test
  void anOwnerReachesItsShopsEndpointsOnlyAndTheAdminAll() {
    String cafes = expect(201, register(cafe.ownerToken(), "https://93.184.215.14/cafe")).getString("id");
    String admins = expect(201, register(w.adminToken, "https://93.184.215.14/all")).getString("id");
    assertEquals(null, expect(200, fx.get(base() + "/" + admins, w.adminToken)).getLong("shopId"),
        "the admin's endpoint is the alliance's");
    assertEquals("webhook_not_found", problemCode(fx.get(base() + "/" + cafes, books.ownerToken())));
    assertEquals("webhook_not_found", problemCode(fx.get(base() + "/" + admins, cafe.ownerToken())));
    assertEquals("webhook_not_found", problemCode(fx.send(HttpMethod.DELETE, base() + "/" + cafes,
        books.ownerToken(), null)));
    assertFalse(expect(200, fx.get(base(), books.ownerToken())).encode().contains(cafes));
    assertTrue(expect(200, fx.get(base(), w.adminToken)).encode().contains(cafes));

    assertEquals("disabled", expect(200, fx.post(base() + "/" + cafes + "/disable", cafe.ownerToken(), null))
        .getString("status"));
    assertEquals("active", expect(200, fx.post(base() + "/" + cafes + "/enable", w.adminToken, null))
        .getString("status"));
    assertEquals("delivery_not_found", problemCode(fx.post(base() + "/" + cafes + "/deliveries/"
        + java.util.UUID.randomUUID() + "/replay", cafe.ownerToken(), null)));
    expect(200, fx.send(HttpMethod.DELETE, base() + "/" + cafes, cafe.ownerToken(), null));
    assertEquals("webhook_not_found", problemCode(fx.get(base() + "/" + cafes, cafe.ownerToken())));
  }

  @Test
  void unknownEventTypesAreRefusedByTheContract() {
    HttpResponse<Buffer> r = fx.post(base(), cafe.ownerToken(), new JsonObject().put("url", "https://93.184.215.14/x")
        .put("eventTypes", new JsonArray().add("points.stolen")));
    assertEquals(400, r.statusCode());
    assertEquals("validation_failed", problemCode(r));
  }
}
