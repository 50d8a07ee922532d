package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.testing.PosWorld;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The owner's "Cost and effect" section (docs/promotions.md, "What it cost and brought") in real
 * headless Chromium against the real service: three days of sales under a promotion and the bounty,
 * then the chart (bars: points given per day; line: sales) and one table line per source, each
 * checked against the API's report, in Chinese and in English, with screenshots.
 */
class PromotionReportBrowserTest extends BrowserTestBase {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  @Test
  void theOwnerSeesWhatThePromotionAndTheBountyCostAndBrought() {
    Instant now = api.clock.instant();
    LocalDate today = LocalDate.ofInstant(now, SHANGHAI);
    // Three days ago, at noon in Shanghai: the café sets a 50-point promotion and a 200-point bounty.
    api.clock.set(today.minusDays(3).atTime(12, 0).atZone(SHANGHAI).toInstant());
    PosWorld w = new PosWorld(api, "rpb");
    PosWorld.Till cafe = w.shop("街角咖啡");
    String path = "/v1/alliances/" + w.allianceId + "/shops/" + cafe.shopId();
    expect(201, api.post(path + "/promotions", cafe.ownerToken(), new JsonObject().put("name", "每单加 50 分")
        .put("kind", "bonus").put("bonusPoints", 50).put("startsOn", today.minusDays(3).toString())
        .put("endsOn", today.plusDays(10).toString())));
    expect(200, api.send(HttpMethod.PUT, path + "/bounty", cafe.ownerToken(),
        new JsonObject().put("points", 200).put("minSpendFen", 0)));
    PosWorld.Person first = w.member();
    PosWorld.Person second = w.member();
    w.phone(first);
    w.phone(second);
    // Day -3: the first member's first purchase, ¥30: 30 + 50 + 200. Day -2: the second's, ¥20:
    // 20 + 50 + 200. Day -1: the first member again, ¥10: 10 + 50, then redeems 100 points here.
    accrue(w, cafe, first, 3000);
    api.clock.set(api.clock.instant().plus(Duration.ofDays(1)));
    accrue(w, cafe, second, 2000);
    api.clock.set(api.clock.instant().plus(Duration.ofDays(1)));
    accrue(w, cafe, first, 1000);
    api.clock.set(api.clock.instant().plus(Duration.ofHours(1)));
    PosWorld.Till till = fresh(cafe);
    String hold = expect(200, w.pos(till, "reserve", UUID.randomUUID().toString(), new JsonObject()
        .put("memberCode", w.code(first)).put("points", 100))).getString("holdId");
    expect(200, w.pos(till, "commit", UUID.randomUUID().toString(), new JsonObject().put("holdId", hold)));
    api.clock.set(now);

    JsonObject report = expect(200, api.get(path + "/promotions/report", api.staffToken(w.allianceId, "rpb-owner1",
        "owner-password-1")));
    // Promotion: 3 × 50 = 150 points (150 fen at 1 fen a point) on 3 sales, ¥60 from 2 members, both
    // new (each one's first purchase here was promoted); the first member's 100 redeemed later.
    // Bounty: 2 × 200 = 400 on 2 sales, ¥50, 2 new members, the same 100 redeemed.
    JsonObject promotion = line(report, "promotion");
    JsonObject bounty = line(report, "bounty");
    assertEquals(List.of(150L, 3L, 6000L, 2L, 2L, 100L), figures(promotion));
    assertEquals(List.of(400L, 2L, 5000L, 2L, 2L, 100L), figures(bounty));

    try (Browser owner = owner(w.allianceId, "rpb-owner1", 1280, 1800)) {
      owner.wait.until(d -> d.findElements(By.cssSelector("#report-lines tbody tr")).size() == 2);
      WebElement chart = owner.visible("#report-chart");
      assertEquals("550", chart.getAttribute("data-cost-points")); // 150 + 400
      assertEquals("3", chart.getAttribute("data-sales"));
      assertEquals(30, owner.driver.findElements(By.cssSelector("#report-chart rect.bar")).size(), "a bar a day");
      assertEquals(30, owner.driver.findElements(By.cssSelector("#report-chart circle.dot")).size(), "a dot a day");
      WebElement promoRow = owner.visible("#report-lines tr[data-kind='promotion']");
      assertEquals("150", promoRow.getAttribute("data-cost-points"));
      assertEquals("2", promoRow.getAttribute("data-new-customers"));
      assertEquals("100", promoRow.getAttribute("data-redeemed-points"));
      owner.waitText("#report-lines tr[data-kind='promotion']", "每单加 50 分");
      owner.waitText("#report-lines tr[data-kind='promotion']", "60.00");
      owner.waitText("#report-lines tr[data-kind='bounty']", "新客奖励");
      owner.waitText("#report-lines tr[data-kind='bounty']", "本店");
      assertEquals("400", owner.visible("#report-lines tr[data-kind='bounty']").getAttribute("data-cost-points"));
      owner.screenshotOf("report-form", "owner-cost-and-effect");

      // Only yesterday: the first member's second sale (promoted, not a first purchase: no new customer).
      owner.setValue("#rp-from", today.minusDays(1).toString());
      owner.setValue("#rp-to", today.minusDays(1).toString());
      owner.click("#rp-show");
      owner.wait.until(d -> d.findElements(By.cssSelector("#report-lines tbody tr")).size() == 1
          && "50".equals(d.findElement(By.id("report-chart")).getAttribute("data-cost-points")));
      assertEquals("0", owner.visible("#report-lines tr[data-kind='promotion']").getAttribute("data-new-customers"));
      assertEquals(1, owner.driver.findElements(By.cssSelector("#report-chart rect.bar")).size());

      // A reversed range: the server's invalid_range, said on the section.
      owner.setValue("#rp-from", today.toString());
      owner.setValue("#rp-to", today.minusDays(5).toString());
      owner.click("#rp-show");
      owner.wait.until(d -> "invalid_range".equals(d.findElement(By.id("report-msg")).getAttribute("data-code")));
      owner.waitText("#report-msg", "开始日期不能晚于结束日期");

      owner.setValue("#rp-from", "");
      owner.setValue("#rp-to", "");
      owner.click("#rp-show");
      owner.wait.until(d -> "550".equals(d.findElement(By.id("report-chart")).getAttribute("data-cost-points")));
      owner.click("#lang");
      owner.waitText("#promotions", "Cost and effect");
      owner.waitText("#report-lines tr[data-kind='bounty']", "New-customer bounty");
      owner.waitText("#report-lines thead", "New customers");
      owner.screenshotOf("report-form", "owner-cost-and-effect-en");
    }
  }

  private void accrue(PosWorld w, PosWorld.Till till, PosWorld.Person member, long spendFen) {
    expect(200, w.pos(fresh(till), "accrue", UUID.randomUUID().toString(), new JsonObject()
        .put("memberCode", w.code(member)).put("spendFen", spendFen)));
  }

  /** The till with a token of now (the script's clock jumps days; tokens last 15 minutes). */
  private PosWorld.Till fresh(PosWorld.Till t) {
    String token = expect(200, api.post("/v1/terminals/token", null,
        new JsonObject().put("deviceSecret", t.deviceSecret()))).getString("accessToken");
    return new PosWorld.Till(t.shopId(), t.ownerToken(), t.terminalId(), token, t.deviceSecret());
  }

  private static JsonObject line(JsonObject report, String kind) {
    return report.getJsonArray("sources").stream().map(JsonObject.class::cast)
        .filter(x -> x.getString("kind").equals(kind)).findFirst().orElseThrow();
  }

  private static List<Long> figures(JsonObject line) {
    return List.of(line.getLong("costPoints"), line.getLong("sales"), line.getLong("spendFen"), line.getLong("members"),
        line.getLong("newCustomers"), line.getLong("redeemedPoints"));
  }
}
