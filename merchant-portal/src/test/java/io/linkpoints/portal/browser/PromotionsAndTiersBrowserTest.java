package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.PosWorld;
import io.linkpoints.tiers.TierReview;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Issue 16 in the portal, in real headless Chromium against the real service: the owner's
 * promotions and new-customer bounty, the admin's tier definitions, the wallet's tier and
 * progress. What each page shows or sends is checked against the API. One service for the
 * class, one alliance per test.
 */
class PromotionsAndTiersBrowserTest extends BrowserTestBase {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  @Test
  void ownerCreatesPromotionsSeesThemListedEndsOneAndSetsABounty() {
    PosWorld world = new PosWorld(api, "pro");
    PosWorld.Till cafe = world.shop("街角咖啡");
    String path = world.shopPath(cafe);
    LocalDate today = LocalDate.ofInstant(api.clock.instant(), SHANGHAI);
    long bonusId;

    try (Browser owner = owner(world.allianceId, "pro-owner1", 1280, 1600)) {
      owner.waitText("#bounty-now", "未开启");

      // A reversed window: the server refuses it (invalid_promotion) and the page says why, in words.
      owner.type("#p-name", "下午茶 1.5 倍积分");
      owner.type("#p-multiplier", "1.5");
      owner.click("#p-weekdays input[value='1']");
      owner.click("#p-weekdays input[value='3']");
      owner.setValue("#p-from", "17:00");
      owner.setValue("#p-until", "14:00");
      owner.type("#p-min", "20");
      owner.setValue("#p-starts", today.toString());
      owner.setValue("#p-ends", today.plusDays(30).toString());
      owner.click("#p-create");
      owner.wait.until(d -> "invalid_promotion".equals(d.findElement(By.id("promo-msg")).getAttribute("data-code")));
      owner.waitText("#promo-msg", "时段开始须早于结束");
      assertEquals(0, expect(200, api.get(path + "/promotions", cafe.ownerToken())).getJsonArray("items").size());

      // Put right, it is created and listed live, with what it adds.
      owner.setValue("#p-from", "14:00");
      owner.setValue("#p-until", "17:00");
      owner.click("#p-create");
      owner.waitText("#promo-msg", "已创建");
      JsonArray items = expect(200, api.get(path + "/promotions", cafe.ownerToken())).getJsonArray("items");
      assertEquals(1, items.size());
      JsonObject tea = items.getJsonObject(0);
      long teaId = tea.getLong("id");
      assertEquals("下午茶 1.5 倍积分", tea.getString("name"));
      assertEquals(1500, tea.getInteger("multiplierPermille"));
      assertEquals(new JsonArray().add(1).add(3), tea.getJsonArray("weekdays"));
      assertEquals("14:00", tea.getString("windowStart"));
      assertEquals("17:00", tea.getString("windowEnd"));
      assertEquals(2000, tea.getLong("minSpendFen"));
      assertEquals("live", tea.getString("status"));
      owner.wait.until(d -> "live".equals(d.findElement(By.id("promo-" + teaId)).getAttribute("data-status")));
      owner.waitText("#promo-" + teaId + " .adds", "×1.5");
      owner.waitText("#promo-" + teaId, "周一三");
      owner.waitText("#promo-" + teaId, "14:00–17:00");
      owner.waitText("#promo-" + teaId + " .status", "进行中");

      // A bonus promotion starting tomorrow: every day, all day, upcoming.
      owner.type("#p-name", "满百加 50 分");
      new org.openqa.selenium.support.ui.Select(owner.visible("#p-kind")).selectByValue("bonus");
      owner.type("#p-bonus", "50");
      assertFalse(owner.driver.findElement(By.id("p-multiplier")).isDisplayed(), "a bonus has no multiplier");
      owner.click("#p-weekdays input[value='1']");
      owner.click("#p-weekdays input[value='3']");
      owner.setValue("#p-from", "");
      owner.setValue("#p-until", "");
      owner.type("#p-min", "100");
      owner.setValue("#p-starts", today.plusDays(1).toString());
      owner.click("#p-create");
      owner.wait.until(d -> d.findElements(By.cssSelector("#promo-table tbody tr")).size() == 2);
      JsonObject bonus = expect(200, api.get(path + "/promotions", cafe.ownerToken())).getJsonArray("items").getJsonObject(0);
      assertEquals(50, bonus.getLong("bonusPoints"));
      assertEquals("scheduled", bonus.getString("status"));
      assertEquals(7, bonus.getJsonArray("weekdays").size(), bonus.encode()); // none ticked: every day
      bonusId = bonus.getLong("id");
      owner.waitText("#promo-" + bonusId + " .adds", "+50");
      owner.waitText("#promo-" + bonusId, "每天");
      owner.waitText("#promo-" + bonusId, "全天");
      owner.waitText("#promo-" + bonusId + " .status", "未开始");
      owner.screenshotOf("promotions", "owner-promotions");

      // Ending early asks once more, then the API has it ended from now.
      owner.click("#promo-end-" + teaId);
      owner.click("#promo-confirm-end-" + teaId);
      owner.wait.until(d -> "ended".equals(d.findElement(By.id("promo-" + teaId)).getAttribute("data-status")));
      JsonObject ended = expect(200, api.get(path + "/promotions/" + teaId, cafe.ownerToken()));
      assertEquals("ended", ended.getString("status"));
      assertNotNull(ended.getString("endedAt"));
      assertTrue(owner.driver.findElements(By.id("promo-end-" + teaId)).isEmpty());

      // The bounty: 200 points on a first purchase of at least ¥20, then switched off.
      owner.type("#b-points", "200");
      owner.type("#b-min", "20");
      owner.click("#b-save");
      owner.wait.until(d -> "200".equals(d.findElement(By.id("bounty-now")).getAttribute("data-points")));
      owner.waitText("#bounty-now", "首单满 ¥20.00 奖励 200 积分");
      JsonObject set = expect(200, api.get(path + "/bounty", cafe.ownerToken()));
      assertEquals(200, set.getLong("points"));
      assertEquals(2000, set.getLong("minSpendFen"));
      owner.screenshotOf("promotions", "owner-bounty");
      owner.click("#b-off");
      owner.wait.until(d -> "0".equals(d.findElement(By.id("bounty-now")).getAttribute("data-points")));
      assertEquals(0, expect(200, api.get(path + "/bounty", cafe.ownerToken())).getLong("points"));

      owner.click("#lang");
      owner.waitText("#promo-" + teaId + " .status", "Ended");
      owner.waitText("#promo-" + bonusId + " .status", "Upcoming");
      owner.waitText("#bounty-now", "Off");
      owner.screenshotOf("promotions", "owner-promotions-en");
    }

    // A cashier reads the promotions and the bounty, and has no form or button to change them.
    expect(201, api.post(path + "/staff", cafe.ownerToken(), new JsonObject().put("username", "pro-cashier")
        .put("password", "cashier-password-1").put("role", "cashier")));
    try (Browser cashier = cashier(world.allianceId, "pro-cashier", 1280, 1200)) {
      cashier.wait.until(d -> "scheduled".equals(d.findElement(By.id("promo-" + bonusId)).getAttribute("data-status")));
      cashier.waitText("#bounty-now", "未开启");
      assertFalse(cashier.driver.findElement(By.id("promo-form")).isDisplayed());
      assertFalse(cashier.driver.findElement(By.id("bounty-form")).isDisplayed());
      assertTrue(cashier.driver.findElements(By.id("promo-end-" + bonusId)).isEmpty());
    }
  }

  @Test
  void adminDefinesTwoTiersAfterDecreasingThresholdsAreRefused() {
    PosWorld world = new PosWorld(api, "tad");
    String tiers = "/v1/alliances/" + world.allianceId + "/tiers";

    try (Browser admin = admin(world.allianceId, "tad-admin", 1280, 1400)) {
      admin.waitText("#tiers-state", "尚未设置会员等级");
      level(admin, 1, "金卡", "Gold", "1000", "2");
      admin.click("#t-add");
      level(admin, 2, "银卡", "Silver", "300", "0");
      admin.click("#t-save");
      admin.wait.until(d -> "invalid_tiers".equals(d.findElement(By.id("tiers-msg")).getAttribute("data-code")));
      admin.waitText("#tiers-msg", "门槛必须逐级递增");
      assertEquals("tiers_not_defined", problemCode(api.get(tiers, world.adminToken)));
      admin.screenshotOf("tiers", "admin-tiers-refused");

      level(admin, 1, "银卡", "Silver", "300", "0");
      level(admin, 2, "金卡", "Gold", "1000", "2");
      admin.type("#t-window", "90");
      admin.type("#t-grace", "14");
      admin.click("#t-save");
      admin.wait.until(d -> "1".equals(d.findElement(By.id("tiers-state")).getAttribute("data-version")));
      JsonObject defs = expect(200, api.get(tiers, world.adminToken));
      assertEquals("points_earned", defs.getString("basis"));
      assertEquals(90, defs.getInteger("windowDays"));
      assertEquals(14, defs.getInteger("graceDays"));
      JsonArray levels = defs.getJsonArray("levels");
      assertEquals(2, levels.size());
      assertEquals("银卡/Silver/300/0", describe(levels.getJsonObject(0)));
      assertEquals("金卡/Gold/1000/2", describe(levels.getJsonObject(1)));
      admin.screenshotOf("tiers", "admin-tiers");
    }
  }

  @Test
  void walletShowsTheTierAndWhatTheNextLevelStillNeedsAfterSales() {
    PosWorld world = new PosWorld(api, "twl");
    PosWorld.Till cafe = world.shop("街角咖啡");
    PosWorld.Till books = world.shop("半山书店");
    String phone = "+8613702" + String.format("%06d", ProcessHandle.current().pid() % 1_000_000);
    JsonObject cafeSale;

    try (Browser phoneBrowser = wallet(world.allianceId, phone, 412, 915)) {
      phoneBrowser.waitText("#balance", "0");
      // No tiers in this alliance yet (404 tiers_not_defined): the wallet shows no tier at all.
      assertEquals("true", phoneBrowser.driver.findElement(By.id("tier-section")).getAttribute("hidden"));

      String token = phoneBrowser.memberToken();
      JsonObject me = expect(200, api.get("/v1/members/me", token));
      PosWorld.Person member = new PosWorld.Person(me.getLong("id"), me.getString("handle"), token);
      for (PosWorld.Till till : java.util.List.of(cafe, books)) {
        expect(200, api.send(HttpMethod.PUT, world.shopPath(till) + "/earn-rule", till.ownerToken(),
            new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor")));
      }
      expect(200, api.send(HttpMethod.PUT, "/v1/alliances/" + world.allianceId + "/tiers", world.adminToken,
          new JsonObject().put("basis", "points_earned").put("windowDays", 90).put("graceDays", 14).put("levels", new JsonArray()
              .add(new JsonObject().put("nameZh", "银卡").put("nameEn", "Silver").put("threshold", 300))
              .add(new JsonObject().put("nameZh", "金卡").put("nameEn", "Gold").put("threshold", 1000).put("minShops", 2)))));
      // ¥350 at the café (350 points: Silver at once), ¥100 at the bookshop: 450 points at 2 shops, 550 short of Gold.
      cafeSale = world.accrue(cafe, member, 35_000);
      assertEquals(1, cafeSale.getJsonObject("tier").getInteger("id"));
      world.accrue(books, member, 10_000);

      phoneBrowser.driver.navigate().refresh();
      phoneBrowser.visible("#tier-section");
      phoneBrowser.waitText("#tier-name", "银卡");
      JsonObject mine = expect(200, api.get("/v1/members/me/tier", token));
      assertEquals(450, mine.getJsonObject("figures").getLong("points"));
      assertEquals(2, mine.getJsonObject("figures").getInteger("shops"));
      assertEquals(550, mine.getLong("missing"));
      assertEquals(0, mine.getInteger("missingShops"));
      assertNull(mine.getString("graceUntil"));
      assertEquals("450", phoneBrowser.driver.findElement(By.id("tier-figures")).getAttribute("data-points"));
      assertEquals("2", phoneBrowser.driver.findElement(By.id("tier-figures")).getAttribute("data-shops"));
      phoneBrowser.waitText("#tier-figures", "近 90 天: 获得积分 450 · 到访店铺 2");
      phoneBrowser.waitText("#tier-next", "距离金卡还差: 550 积分");
      assertTrue(phoneBrowser.driver.findElements(By.id("tier-grace")).isEmpty());
      phoneBrowser.screenshotOf("tier-section", "wallet-tier");

      phoneBrowser.click("#lang");
      phoneBrowser.waitText("#tier-name", "Silver");
      phoneBrowser.waitText("#tier-next", "To Gold: 550 points");
      phoneBrowser.screenshotOf("tier-section", "wallet-tier-en");
    }

    // ¥200 of the café's sale refunded: 150 + 100 = 250 points, below Silver. The next day's review starts
    // the 14 days' grace (the service's own review at that instant would do the same); the wallet says until when.
    expect(200, world.pos(cafe, "refund", PosWorld.key(), new JsonObject()
        .put("accrualId", cafeSale.getString("accrualId")).put("refundFen", 20_000)));
    api.clock.advance(Duration.ofDays(1));
    Instant reviewedAt = api.clock.instant();
    await(new TierReview(api.app.pool(), api.clock).review(world.allianceId, SHANGHAI));
    try (Browser phoneBrowser = wallet(world.allianceId, phone, 412, 915)) { // a day later the first session has expired
      phoneBrowser.visible("#tier-grace");
      phoneBrowser.waitText("#tier-name", "银卡");
      phoneBrowser.waitText("#tier-figures", "获得积分 250");
      phoneBrowser.waitText("#tier-next", "距离金卡还差: 750 积分");
      Instant until = Instant.parse(phoneBrowser.driver.findElement(By.id("tier-grace")).getAttribute("data-until"));
      assertEquals(reviewedAt.plus(Duration.ofDays(14)).truncatedTo(ChronoUnit.MILLIS), until.truncatedTo(ChronoUnit.MILLIS));
      phoneBrowser.waitText("#tier-grace", "保级期至");
      phoneBrowser.screenshotOf("tier-section", "wallet-tier-grace");
    }
    world.assertLedgerOk();
  }

  @Test
  void tierPerksAreSetByTheAdminAndTheOwnerAndListedOnTheWallet() {
    PosWorld world = new PosWorld(api, "tpk");
    PosWorld.Till cafe = world.shop("街角咖啡");
    String tiers = "/v1/alliances/" + world.allianceId + "/tiers";
    String path = world.shopPath(cafe);
    expect(200, api.send(HttpMethod.PUT, path + "/earn-rule", cafe.ownerToken(),
        new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor")));
    expect(200, api.send(HttpMethod.PUT, tiers, world.adminToken, new JsonObject().put("basis", "points_earned")
        .put("windowDays", 90).put("graceDays", 14).put("levels", new JsonArray()
            .add(new JsonObject().put("nameZh", "银卡").put("nameEn", "Silver").put("threshold", 50))
            .add(new JsonObject().put("nameZh", "金卡").put("nameEn", "Gold").put("threshold", 100)))));
    long campaign = expect(201, api.post(path + "/campaigns", cafe.ownerToken(), new JsonObject().put("name", "金卡蛋糕")
        .put("benefit", new JsonObject().put("kind", "gift").put("giftName", "蛋糕").put("valueFen", 800))
        .put("validFrom", api.clock.instant().minus(Duration.ofHours(1)).toString())
        .put("validUntil", api.clock.instant().plus(Duration.ofDays(30)).toString())
        .put("inventory", 10).put("shopCodes", true))).getLong("id");

    // The admin gives Gold x1.25, paid by the alliance fund.
    try (Browser admin = admin(world.allianceId, "tpk-admin", 1280, 1400)) {
      admin.wait.until(d -> "1".equals(d.findElement(By.id("tiers-state")).getAttribute("data-version")));
      admin.type("#t-multiplier-2", "1.25");
      admin.click("#t-save");
      admin.wait.until(d -> "2".equals(d.findElement(By.id("tiers-state")).getAttribute("data-version")));
      JsonArray levels = expect(200, api.get(tiers, world.adminToken)).getJsonArray("levels");
      assertNull(levels.getJsonObject(0).getInteger("allianceMultiplierPermille"));
      assertEquals(1250, levels.getJsonObject(1).getInteger("allianceMultiplierPermille"));
      admin.screenshotOf("tiers", "admin-tier-perk");
    }

    // The café's owner: Silver and up x1.1, and the cake coupon for Gold only.
    try (Browser owner = owner(world.allianceId, "tpk-owner1", 1280, 1600)) {
      owner.visible("#tp-multiplier-1");
      owner.type("#tp-multiplier-1", "1.1");
      owner.driver.executeScript("const el = document.querySelector(arguments[0]); el.value = arguments[1];"
          + " el.dispatchEvent(new Event('change', { bubbles: true }));", "#tp-coupon-2", String.valueOf(campaign));
      owner.click("#tp-save");
      owner.waitText("#tier-perks-msg", "已保存");
      JsonArray perks = expect(200, api.get(path + "/tier-perks", cafe.ownerToken())).getJsonArray("levels");
      assertEquals(2, perks.size());
      assertEquals(1100, perks.getJsonObject(0).getInteger("multiplierPermille"));
      assertNull(perks.getJsonObject(0).getValue("couponCampaignId"));
      assertEquals(campaign, perks.getJsonObject(1).getLong("couponCampaignId"));
      assertNull(perks.getJsonObject(1).getValue("multiplierPermille"));
      owner.screenshotOf("tier-perks", "owner-tier-perks");
    }

    // A member reaches Gold with ¥100 at the café (no tier before it: 100 points, no perks); the wallet lists
    // Gold's perks: x1.25 everywhere from the fund, and the café's x1.1 (from Silver) with its Gold coupon.
    String phone = "+8613703" + String.format("%06d", ProcessHandle.current().pid() % 1_000_000);
    try (Browser phoneBrowser = wallet(world.allianceId, phone, 412, 915)) {
      String token = phoneBrowser.memberToken();
      JsonObject me = expect(200, api.get("/v1/members/me", token));
      PosWorld.Person member = new PosWorld.Person(me.getLong("id"), me.getString("handle"), token);
      assertEquals(100, world.accrue(cafe, member, 10_000).getLong("points"));
      phoneBrowser.driver.navigate().refresh();
      phoneBrowser.waitText("#tier-name", "金卡");
      phoneBrowser.visible("#tier-perk-alliance");
      assertEquals("1250", phoneBrowser.driver.findElement(By.id("tier-perk-alliance")).getAttribute("data-permille"));
      phoneBrowser.waitText("#tier-perk-alliance", "×1.25");
      phoneBrowser.waitText(".tier-perk-shop", "街角咖啡: ×1.1 · 专属优惠券: 金卡蛋糕");
      phoneBrowser.screenshotOf("tier-section", "wallet-tier-perks");
      // The next ¥38.50 at the café: 38 base + floor(3850 × 250 / 100 000) = 9 + floor(3850 × 100 / 100 000) = 3.
      assertEquals(50, world.accrue(cafe, member, 3850).getLong("points"));
    }
    world.assertLedgerOk();
  }

  private static String describe(JsonObject level) {
    return level.getString("nameZh") + "/" + level.getString("nameEn") + "/" + level.getLong("threshold") + "/" + level.getLong("minShops");
  }

  /** Fills one row of the admin's level table. */
  private static void level(Browser admin, int row, String zh, String en, String threshold, String minShops) {
    admin.type("#t-nameZh-" + row, zh);
    admin.type("#t-nameEn-" + row, en);
    admin.type("#t-threshold-" + row, threshold);
    admin.type("#t-minShops-" + row, minShops);
  }
}
