package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.notifications.Notifications;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;

/**
 * Issue 17 in the wallet, in real headless Chromium against the real service: the inbox (unread
 * badge, list newest first, mark one read, mark all read, both languages) and the notification
 * settings (defaults, saved as the API then reads them). Notifications are written through
 * {@link Notifications#notifyMember}, as the outbox will. The push permission flow is not driven
 * (headless Chromium has no push service); the page works without it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationsBrowserTest {
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
  void walletShowsTheInboxMarksReadAndSavesTheSettings() {
    PosWorld world = new PosWorld(api, "nbw");
    String phone = "+8613703" + String.format("%06d", ProcessHandle.current().pid() % 1_000_000);
    Notifications notifications = new Notifications(api.app.pool(), api.clock, false);

    try (Browser page = new Browser(base, 412, 915)) {
      page.open("/portal/wallet.html?a=" + world.allianceId);
      page.type("#phone", phone);
      page.click("#send-code");
      page.waitText("#msg", "验证码已发送");
      page.type("#code", api.codes.last(world.allianceId, phone));
      page.click("#member-sign-in");
      page.wait.until(d -> d.findElement(By.id("member-code")).getAttribute("data-code") != null);
      page.waitText("#inbox", "暂无消息");
      assertEquals("true", page.driver.findElement(By.id("unread-badge")).getAttribute("hidden"));
      String token = String.valueOf(page.driver.executeScript("return JSON.parse(sessionStorage.getItem('lp.session')).token"));
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
      shot(page, "inbox-section", "wallet-inbox");

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
      shot(page, "notify-settings-section", "wallet-notification-settings");

      // Mark all read, then the English page.
      page.click("#read-all");
      page.wait.until(d -> "0".equals(d.findElement(By.id("unread-badge")).getAttribute("data-unread")));
      assertEquals(0, expect(200, api.get("/v1/members/me/notifications", token)).getLong("unreadCount"));
      JsonArray items = expect(200, api.get("/v1/members/me/notifications", token)).getJsonArray("items");
      items.forEach(i -> assertTrue(((JsonObject) i).getString("readAt") != null));
      page.click("#lang");
      page.waitText("#inbox", "500 points expire soon");
      page.waitText("#notify-settings-section", "Marketing (off by default)");
      shot(page, "inbox-section", "wallet-inbox-en");
    }
    world.assertLedgerOk();
  }

  private void tell(Notifications notifications, PosWorld world, long memberId, String kind, JsonObject data) {
    await(api.app.pool().withTransaction(conn ->
        notifications.notifyMember(conn, world.allianceId, memberId, kind, data, UUID.randomUUID())));
  }

  /** A screenshot of the window scrolled to the section, as target/screenshots/{name}.png. */
  private static void shot(Browser page, String sectionId, String name) {
    page.driver.executeScript("document.getElementById(arguments[0]).scrollIntoView()", sectionId);
    try {
      Files.createDirectories(Browser.SCREENSHOTS);
      Files.copy(page.driver.getScreenshotAs(OutputType.FILE).toPath(), Browser.SCREENSHOTS.resolve(name + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
