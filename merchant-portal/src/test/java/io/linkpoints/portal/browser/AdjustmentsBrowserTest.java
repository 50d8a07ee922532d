package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.PosWorld;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Points adjustments in the portal, in real headless Chromium: the owner posts a small one at once
 * and proposes a large one; the admin's approvals list shows both pending ones with their proposer,
 * its own proposal's approve button disabled (and the server refusing it), approves the owner's;
 * a second admin approves the first admin's. The wallet moves by hand-computed figures.
 */
class AdjustmentsBrowserTest extends BrowserTestBase {

  @Test
  void ownerProposesAdminsApproveFourEyes() {
    PosWorld world = new PosWorld(api, "adp");
    PosWorld.Till cafe = world.shop("街角咖啡");
    PosWorld.Person member = world.member();
    String adjustments = "/v1/alliances/" + world.allianceId + "/point-adjustments";

    try (Browser owner = owner(world.allianceId, "adp-owner1", 1280, 1600)) {
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
      owner.screenshotOf("adjustments", "owner-adjustments");
    }

    // The admin's own proposal, above the threshold.
    long own = expect(201, api.send(HttpMethod.POST, "/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId()
        + "/point-adjustments", world.adminToken, new JsonObject().put("memberHandle", member.handle())
        .put("points", 900).put("reason", "missing_earn"), Map.of("Idempotency-Key", "adp-own-1"))).getLong("id");

    try (Browser admin = admin(world.allianceId, "adp-admin", 1280, 1600)) {
      admin.wait.until(d -> d.findElements(By.cssSelector("#appr-table tbody tr")).size() == 2);
      admin.waitText("#adj-" + own + " .proposer", "adp-admin (admin)");
      assertFalse(admin.visible("#adj-" + own + " .appr-approve").isEnabled(), "the admin's own: disabled");
      assertEquals("self_approval", problemCode(api.post(adjustments + "/" + own + "/approve", world.adminToken, null)));
      String ownersId = admin.driver.findElements(By.cssSelector("#appr-table tbody tr")).stream()
          .map(r -> r.getAttribute("id")).filter(id -> !id.equals("adj-" + own)).findFirst().orElseThrow();
      admin.waitText("#" + ownersId + " .proposer", "adp-owner1 (owner)");
      assertTrue(admin.visible("#" + ownersId + " .appr-approve").isEnabled());
      admin.screenshotOf("approvals", "admin-approvals");
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
      admin.screenshotOf("shops", "admin-admins");
    }

    try (Browser second = admin(world.allianceId, "adp-admin-two", 1280, 1600)) {
      second.wait.until(d -> d.findElements(By.cssSelector("#appr-table tbody tr")).size() == 1);
      second.click("#adj-" + own + " .appr-approve");
      second.waitText("#appr-msg", "已批准并入账");
      second.wait.until(d -> d.findElements(By.cssSelector("#appr-table tbody tr")).isEmpty());
      assertEquals(1_750, world.available(member)); // 850 + 900
      second.screenshotOf("approvals", "admin-approvals-done");
    }
    api.assertLedgerOk();
  }
}
