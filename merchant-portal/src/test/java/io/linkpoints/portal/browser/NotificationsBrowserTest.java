package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.notifications.Notifications;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Issue 17 in the wallet, in real headless Chromium against the real service: the inbox (unread
 * badge, list newest first, mark one read, mark all read, both languages) and the notification
 * settings (defaults, saved as the API then reads them). Notifications are written through
 * {@link Notifications#notifyMember}, as the outbox will. The push permission flow is not driven
 * (headless Chromium has no push service); the page works without it.
 */
class NotificationsBrowserTest extends BrowserTestBase {

  @Test
  void walletShowsTheInboxMarksReadAndSavesTheSettings() {
    PosWorld world = new PosWorld(api, "nbw");
    String phone = "+8613703" + String.format("%06d", ProcessHandle.current().pid() % 1_000_000);
    Notifications notifications = new Notifications(api.app.pool(), api.clock, false);

    try (Browser page = wallet(world.allianceId, phone, 412, 915)) {
      page.waitText("#inbox", "暂无消息");
      assertEquals("true", page.driver.findElement(By.id("unread-badge")).getAttribute("hidden"));
      String token = page.memberToken();
      long memberId = expect(200, api.get("/v1/members/me", token)).getLong("id");

      // Three events told, oldest first; the page lists them newest first with the badge at 3.
      tell(notifications, world, memberId, "points_earned", new JsonObject().put("points", 120).put("shopName", "街角咖啡"));
      tell(notifications, world, memberId, "coupon_issued", new JsonObject().put("couponTitle", "半山书店 立减 10 元"));
      tell(notifications, world, memberId, "points_expiring", new JsonObject().put("points", 500).put("thresholdDays", 30)
          .put("expiresOn", "2027-12-31"));
      page.driver.navigate().refresh();
      page.wait.until(d -> "3".equals(d.findElement(By.id("unread-badge")).getAttribute("data-unread")));
      assertEquals(3, page.driver.findElements(By.cssSelector("#inbox .note.unread")).size());
      assertEquals("points_expiring", page.driver.findElements(By.cssSelector("#inbox .note")).get(0).getAttribute("data-kind"));
      page.waitText("#inbox", "您有 500 积分将于 2027-12-31 过期");
      page.waitText("#inbox", "您在街角咖啡获得 120 积分");

      // Mark the newest read: the badge and the API agree.
      page.click("#inbox .note .mark-read");
      page.wait.until(d -> "2".equals(d.findElement(By.id("unread-badge")).getAttribute("data-unread")));
      assertEquals(2, expect(200, api.get("/v1/members/me/notifications", token)).getLong("unreadCount"));
      page.screenshotOf("inbox-section", "wallet-inbox");

      // Settings: the defaults (expiry reminders on, marketing off), then marketing on and everything off, saved.
      assertTrue(page.driver.findElement(By.id("ns-expiryReminders")).isSelected());
      assertFalse(page.driver.findElement(By.id("ns-marketing")).isSelected());
      assertFalse(page.driver.findElement(By.id("ns-sms")).isEnabled(), "no SMS gateway configured");
      page.click("#ns-marketing");
      page.click("#ns-coupons");
      page.click("#ns-save");
      page.waitText("#ns-msg", "已保存");
      JsonObject saved = expect(200, api.get("/v1/members/me/notification-settings", token));
      assertEquals(new JsonObject().put("expiryReminders", true).put("pointsActivity", true).put("coupons", false)
          .put("tiersAndRewards", true).put("marketing", true), saved.getJsonObject("groups"));
      assertFalse(saved.getBoolean("allOff"));
      page.click("#ns-allOff");
      page.click("#ns-save");
      page.wait.until(d -> "true".equals(d.findElement(By.id("notify-settings")).getAttribute("data-all-off")));
      assertTrue(expect(200, api.get("/v1/members/me/notification-settings", token)).getBoolean("allOff"));
      page.screenshotOf("notify-settings-section", "wallet-notification-settings");

      // Mark all read, then the English page.
      page.click("#read-all");
      page.wait.until(d -> "0".equals(d.findElement(By.id("unread-badge")).getAttribute("data-unread")));
      assertEquals(0, expect(200, api.get("/v1/members/me/notifications", token)).getLong("unreadCount"));
      JsonArray items = expect(200, api.get("/v1/members/me/notifications", token)).getJsonArray("items");
      items.forEach(i -> assertTrue(((JsonObject) i).getString("readAt") != null));
      page.click("#lang");
      page.waitText("#inbox", "500 points expire soon");
      page.waitText("#notify-settings-section", "Marketing (off by default)");
      page.screenshotOf("inbox-section", "wallet-inbox-en");
    }
    world.assertLedgerOk();
  }

  private void tell(Notifications notifications, PosWorld world, long memberId, String kind, JsonObject data) {
    await(api.app.pool().withTransaction(conn ->
        notifications.notifyMember(conn, world.allianceId, memberId, kind, data, UUID.randomUUID())));
  }
}
