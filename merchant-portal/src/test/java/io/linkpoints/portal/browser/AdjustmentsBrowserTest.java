package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;

/**
 * Points adjustments in the portal, in real headless Chromium: the owner posts a small one at once
 * and proposes a large one; the admin's approvals list shows both pending ones with their proposer,
 * its own proposal's approve button disabled (and the server refusing it), approves the owner's;
 * a second admin approves the first admin's. The wallet moves by hand-computed figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdjustmentsBrowserTest {
  private Vertx vertx;
  private ApiFixture api;
  private String base;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    base = "http://localhost:" + api.app.port();
  }

  @AfterAll
  void stop() {
    try {
      api.close();
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void ownerProposesAdminsApproveFourEyes() {
    PosWorld world = new PosWorld(api, "adp");
    PosWorld.Till cafe = world.shop("街角咖啡");
    PosWorld.Person member = world.member();
    String adjustments = "/v1/alliances/" + world.allianceId + "/point-adjustments";

    try (Browser owner = new Browser(base, 1280, 1600)) {
      owner.staffSignIn(world.allianceId, "adp-owner1", "owner-password-1", "owner.html");
      owner.visible("#adj-handle");
      owner.waitText("#adj-help", "500");
      // 50 points of goodwill: within the threshold, posted at once.
      owner.type("#adj-handle", member.handle());
      owner.type("#adj-points", "50");
      owner.type("#adj-note", "咖啡凉了");
      owner.click("#adj-propose");
      owner.waitText("#adj-msg", "已入账");
      owner.wait.until(d -> d.findElements(By.cssSelector("#adj-table tr[data-status='posted']")).size() == 1);
      assertEquals(50, world.available(member));
      // 800 points: above 500, waits for the admin.
      owner.type("#adj-points", "800");
      owner.click("#adj-propose");
      owner.waitText("#adj-msg", "等待管理员审批");
      owner.wait.until(d -> d.findElements(By.cssSelector("#adj-table tr[data-status='pending']")).size() == 1);
      assertEquals(50, world.available(member));
      // Nothing to take back beyond the 50 held: refused in words, nothing recorded.
      owner.type("#adj-points", "-60");
      owner.click("#adj-propose");
      owner.wait.until(d -> "insufficient_points".equals(d.findElement(By.id("adj-msg")).getAttribute("data-code")));
      owner.waitText("#adj-msg", "积分不足");
      assertEquals(2, owner.driver.findElements(By.cssSelector("#adj-table tbody tr")).size());
      shot(owner, "adjustments", "owner-adjustments");
    }

    // The admin's own proposal, above the threshold.
    long own = expect(201, api.send(HttpMethod.POST, "/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId()
        + "/point-adjustments", world.adminToken, new JsonObject().put("memberHandle", member.handle())
        .put("points", 900).put("reason", "missing_earn"), Map.of("Idempotency-Key", "adp-own-1"))).getLong("id");

    try (Browser admin = new Browser(base, 1280, 1600)) {
      admin.staffSignIn(world.allianceId, "adp-admin", "admin-password-1", "admin.html");
      admin.wait.until(d -> d.findElements(By.cssSelector("#appr-table tbody tr")).size() == 2);
      admin.waitText("#adj-" + own + " .proposer", "adp-admin (admin)");
      assertFalse(admin.visible("#adj-" + own + " .appr-approve").isEnabled(), "the admin's own: disabled");
      assertEquals("self_approval", problemCode(api.post(adjustments + "/" + own + "/approve", world.adminToken, null)));
      String ownersId = admin.driver.findElements(By.cssSelector("#appr-table tbody tr")).stream()
          .map(r -> r.getAttribute("id")).filter(id -> !id.equals("adj-" + own)).findFirst().orElseThrow();
      admin.waitText("#" + ownersId + " .proposer", "adp-owner1 (owner)");
      assertTrue(admin.visible("#" + ownersId + " .appr-approve").isEnabled());
      shot(admin, "approvals", "admin-approvals");
      admin.click("#" + ownersId + " .appr-approve");
      admin.waitText("#appr-msg", "已批准并入账");
      admin.wait.until(d -> d.findElements(By.cssSelector("#appr-table tbody tr")).size() == 1);
      assertEquals(850, world.available(member)); // 50 + 800

      // The second pair of eyes: the admin adds another admin on the Shops page (a taken name is refused).
      admin.type("#a-username", "adp-owner1");
      admin.type("#a-password", "admin-password-1");
      admin.click("#admin-form button[type=submit]");
      admin.wait.until(d -> "username_taken".equals(d.findElement(By.id("admins-msg")).getAttribute("data-code")));
      admin.type("#a-username", "adp-admin-two");
      admin.type("#a-password", "admin-password-1");
      admin.click("#admin-form button[type=submit]");
      admin.wait.until(d -> d.findElements(By.cssSelector("#admin-table tr[data-username='adp-admin-two']")).size() == 1);
      shot(admin, "shops", "admin-admins");
    }

    try (Browser second = new Browser(base, 1280, 1600)) {
      second.staffSignIn(world.allianceId, "adp-admin-two", "admin-password-1", "admin.html");
      second.wait.until(d -> d.findElements(By.cssSelector("#appr-table tbody tr")).size() == 1);
      second.click("#adj-" + own + " .appr-approve");
      second.waitText("#appr-msg", "已批准并入账");
      second.wait.until(d -> d.findElements(By.cssSelector("#appr-table tbody tr")).isEmpty());
      assertEquals(1_750, world.available(member)); // 850 + 900
      shot(second, "approvals", "admin-approvals-done");
    }
    api.assertLedgerOk();
  }

  /** A screenshot with the section in view, as target/screenshots/{name}.png. */
  private static void shot(Browser page, String section, String name) {
    page.driver.executeScript("document.getElementById('" + section + "').scrollIntoView()");
    try {
      java.nio.file.Files.createDirectories(Browser.SCREENSHOTS);
      java.nio.file.Files.copy(page.driver.getScreenshotAs(org.openqa.selenium.OutputType.FILE).toPath(),
          Browser.SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
