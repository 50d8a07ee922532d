package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.WebhookOptions;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.webhooks.Signatures;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Webhooks in the portal, in real headless Chromium: the owner registers an endpoint (a refused URL
 * first, in words), keeps the secret shown once, which then verifies a real delivery's signature at
 * a local receiver; opens the delivery log, sends one delivery again, rotates the secret. The admin
 * sees the shop's endpoint among the alliance's. Private targets are allowed for the local receiver.
 */
class WebhooksBrowserTest extends BrowserTestBase {
  private HttpServer receiver;
  /** Each arrival: its signature header and body. */
  private final List<String[]> arrivals = new CopyOnWriteArrayList<>();

  @Override
  protected ApiFixture startService(Vertx vertx) {
    return new ApiFixture(vertx, c -> c.withAllowPrivateTargets(true).withWebhooks(WebhookOptions.DEFAULT
        .withRetries(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(5))
        .withPollInterval(Duration.ofMillis(100))));
  }

  @BeforeAll
  void startTheReceiver() {
    receiver = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      arrivals.add(new String[] {req.getHeader(Signatures.HEADER), body.toString()});
      req.response().setStatusCode(200).end();
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  void stopTheReceiver() {
    await(receiver.close());
  }

  private static boolean verifies(String[] arrival, String secret) {
    long t = -1;
    boolean any = false;
    for (String part : arrival[0].split(",")) {
      if (part.startsWith("t=")) {
        t = Long.parseLong(part.substring(2));
      }
    }
    for (String part : arrival[0].split(",")) {
      if (part.startsWith("v1=")) {
        any |= part.substring(3).equals(Signatures.hmacHex(secret, t + "." + arrival[1]));
      }
    }
    return any;
  }

  @Test
  void ownerRegistersKeepsTheSecretReadsTheLogReplaysAndRotates() {
    PosWorld world = new PosWorld(api, "whp");
    PosWorld.Till cafe = world.shop("街角咖啡");
    String hooks = "/v1/alliances/" + world.allianceId + "/webhooks";
    String url = "http://127.0.0.1:" + receiver.actualPort() + "/linkpoints";

    try (Browser owner = owner(world.allianceId, "whp-owner1", 1280, 1600)) {
      owner.visible("#wh-url");

      // Not https: refused by the server, said in words.
      owner.type("#wh-url", "ftp://files.example.com/in");
      owner.click("#wh-create");
      owner.wait.until(d -> "endpoint_not_allowed".equals(d.findElement(By.id("wh-msg")).getAttribute("data-code")));
      owner.waitText("#wh-msg", "须为 https");

      // The receiver's URL, earns and refunds: made, and its secret shown this once.
      owner.type("#wh-url", url);
      owner.click("#wh-types input[value='points.refunded']");
      owner.click("#wh-create");
      owner.waitText("#wh-msg", "已创建");
      String secret = owner.visible("#wh-secret-value").getText();
      assertTrue(secret.startsWith("whsec_"), secret);
      JsonObject made = expect(200, api.get(hooks, cafe.ownerToken())).getJsonArray("items").getJsonObject(0);
      assertEquals(url, made.getString("url"));
      assertEquals(new JsonArray().add("points.earned").add("points.refunded"), made.getJsonArray("eventTypes"));
      String id = made.getString("id");
      owner.waitText("#wh-" + id + " .status", "启用中");
      owner.click("#wh-secret-done");
      owner.wait.until(d -> d.findElements(By.cssSelector("#wh-secret-value")).isEmpty());

      // An earn arrives signed with the secret the page showed.
      world.grant(world.member(), cafe, 120);
      owner.wait.until(d -> arrivals.size() == 1);
      assertTrue(verifies(arrivals.get(0), secret), "the page's secret verifies the delivery");

      // The log: one succeeded delivery; sent again on request.
      owner.click("#wh-" + id + " .wh-log");
      owner.wait.until(d -> d.findElements(By.cssSelector("#wh-log-table tbody tr")).size() == 1);
      owner.waitText("#wh-log-table tbody tr .status", "成功");
      owner.waitText("#wh-log-table tbody tr", "HTTP 200");
      owner.click("#wh-log-table .wh-replay");
      owner.waitText("#wh-msg", "已安排重新推送");
      owner.wait.until(d -> arrivals.size() == 2);
      assertEquals(arrivals.get(0)[1], arrivals.get(1)[1], "the same event, sent again");
      owner.click("#wh-" + id + " .wh-log");
      owner.wait.until(d -> "2".equals(d.findElement(By.cssSelector("#wh-log-table tbody tr")).getAttribute("data-attempts")));
      shot(owner, "owner-webhooks");

      // Rotation: a new secret shown once; the next delivery verifies with either.
      owner.click("#wh-" + id + " .wh-rotate");
      owner.waitText("#wh-msg", "已更换密钥");
      String fresh = owner.visible("#wh-secret-value").getText();
      assertNotEquals(secret, fresh);
      world.grant(world.member(), cafe, 30);
      owner.wait.until(d -> arrivals.size() == 3);
      assertTrue(verifies(arrivals.get(2), fresh) && verifies(arrivals.get(2), secret), "both secrets sign");

      // Disabled from the page, as the API says.
      owner.click("#wh-" + id + " .wh-disable");
      owner.wait.until(d -> "disabled".equals(d.findElement(By.id("wh-" + id)).getAttribute("data-status")));
      assertEquals("disabled", expect(200, api.get(hooks + "/" + id, cafe.ownerToken())).getString("status"));
    }

    try (Browser admin = admin(world.allianceId, "whp-admin", 1280, 1600)) {
      admin.waitText("#wh-table", url);
      shot(admin, "admin-webhooks");
    }
  }

  private static void shot(Browser page, String name) {
    page.screenshotOf("webhooks", name);
  }
}
