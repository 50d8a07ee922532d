package io.linkpoints.notifications;

import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SSRF through the API of a service as configured by default: push endpoints on loopback, private
 * and link-local addresses, or names resolving to them, or plain http, are refused with
 * {@code push_endpoint_refused} and nothing is kept.
 */
class PushEndpointRefusalTest {
  @Test
  void internalEndpointsAreRefusedByADefaultService() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ApiFixture api = new ApiFixture(vertx)) {
      PosWorld world = new PosWorld(api, "ssrf");
      Person member = world.member();
      PushReceiver.Browser browser = new PushReceiver.Browser();
      for (String endpoint : List.of("https://127.0.0.1/push/x", "https://10.0.0.8/push/x", "https://169.254.169.254/push/x",
          "https://[::1]/push/x", "https://localhost/push/x", "http://203.0.113.9/push/x")) {
        assertEquals("push_endpoint_refused", problemCode(api.post("/v1/members/me/push/subscriptions", member.token(),
            new JsonObject().put("endpoint", endpoint).put("keys", new JsonObject().put("p256dh", browser.p256dh())
                .put("auth", browser.authBase64())))), endpoint);
      }
      assertEquals(0, api.count("/* test */ select count(*) from push_subscription"));
    } finally {
      await(vertx.close());
    }
  }
}
