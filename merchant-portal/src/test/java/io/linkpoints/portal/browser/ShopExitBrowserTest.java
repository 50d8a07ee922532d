package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.exits.ExitCompletion;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * A shop's exit in the admin's portal, in real headless Chromium: the admin picks the café, an end
 * date and "charge to the fund", is shown the café's unspent points and their value before it
 * confirms; the exit is listed as scheduled with its live preview; the café's owner sees the banner
 * and its till earns nothing more; the bakery's exit (expire early) cannot be called off, the
 * tea house's (charged) is called off on the page; after the end date the café's exit is completed
 * with its charge, the café is listed as left with no suspend button, and its owner is refused.
 */
class ShopExitBrowserTest extends BrowserTestBase {
  private static final ZoneId ALLIANCE_ZONE = ZoneId.of("Asia/Shanghai");

  @Test
  void theAdminStartsAnExitAfterSeeingItsFiguresAndItCompletesAtTheEndDate() {
    PosWorld world = new PosWorld(api, "sxb");
    PosWorld.Till cafe = world.shop("街角咖啡");
    PosWorld.Till bakery = world.shop("面包房");
    PosWorld.Till tea = world.shop("茶室");
    PosWorld.Person member = world.member();
    world.grant(member, cafe, 120);
    world.grant(member, bakery, 30);
    // Two days ahead in the alliance's zone: always "from tomorrow", whatever the hour here.
    String end = LocalDate.ofInstant(api.clock.instant(), ALLIANCE_ZONE).plusDays(2).toString();

    try (Browser admin = admin(world.allianceId, world.adminUsername(), 1280, 1600)) {
      admin.visible("#exit-form");
      admin.wait.until(d -> !d.findElements(By.cssSelector("#exit-shop option[value='" + cafe.shopId() + "']")).isEmpty());
      new Select(admin.driver.findElement(By.id("exit-shop"))).selectByValue(Long.toString(cafe.shopId()));
      admin.setValue("#exit-end", end);
      new Select(admin.driver.findElement(By.id("exit-mode"))).selectByValue("charge_to_fund");
      admin.click("#exit-review");
      // The confirmation names the shop, the date and the figures (120 points at 1 fen: ¥1.20).
      admin.waitText("#exit-confirm-text", "街角咖啡");
      admin.waitText("#exit-confirm-text", end);
      admin.waitText("#exit-confirm-text", "120");
      admin.waitText("#exit-confirm-text", "¥1.20");
      admin.screenshotOf("shop-exits", "admin-shop-exit-confirm");
      admin.click("#exit-start");
      admin.waitText("#exit-msg", "退出联盟");
      admin.wait.until(d -> d.findElements(By.cssSelector("#exit-" + cafe.shopId() + "[data-status='scheduled']")).size() == 1);
      admin.waitText("#exit-" + cafe.shopId() + " .outstanding", "120 · ¥1.20");
      // One exit per shop: the café is no longer offered.
      assertTrue(admin.driver.findElements(By.cssSelector("#exit-shop option[value='" + cafe.shopId() + "']")).isEmpty());

      // The bakery's points expire early: members are told at once, so it cannot be called off.
      new Select(admin.driver.findElement(By.id("exit-shop"))).selectByValue(Long.toString(bakery.shopId()));
      admin.setValue("#exit-end", end);
      new Select(admin.driver.findElement(By.id("exit-mode"))).selectByValue("expire_early");
      admin.click("#exit-review");
      admin.waitText("#exit-confirm-text", "提前过期");
      admin.click("#exit-start");
      admin.wait.until(d -> d.findElements(By.cssSelector("#exit-" + bakery.shopId() + "[data-status='scheduled']")).size() == 1);
      assertTrue(admin.driver.findElements(By.cssSelector("#exit-" + bakery.shopId() + " .exit-cancel")).isEmpty());

      // The tea house's exit is started and then called off on the page.
      new Select(admin.driver.findElement(By.id("exit-shop"))).selectByValue(Long.toString(tea.shopId()));
      admin.setValue("#exit-end", end);
      new Select(admin.driver.findElement(By.id("exit-mode"))).selectByValue("charge_to_fund");
      admin.click("#exit-review");
      admin.click("#exit-start");
      admin.click("#exit-" + tea.shopId() + " .exit-cancel");
      admin.wait.until(d -> d.findElements(By.cssSelector("#exit-" + tea.shopId() + "[data-status='cancelled']")).size() == 1);
      admin.waitText("#exit-msg", "茶室");
      admin.screenshotOf("shop-exits", "admin-shop-exits");
    }

    // The café's owner sees when it leaves; its till earns nothing from now on, and nothing changed.
    try (Browser owner = owner(world.allianceId, "sxb-owner1", 1280, 1200)) {
      owner.visible("#exit-notice");
      owner.waitText("#exit-notice", end);
      owner.screenshot("owner-shop-exit-banner");
    }
    assertEquals("shop_exiting", problemCode(world.pos(cafe, "accrue", PosWorld.key(),
        new JsonObject().put("memberCode", world.code(member)).put("spendFen", 5_000))));
    assertEquals(150, world.available(member));

    // Past the end date, the exit job completes the café's: charged 120 points, ¥1.20.
    api.clock.advance(Duration.ofDays(3));
    assertEquals(2, await(new ExitCompletion(api.app.pool(), api.clock).runOnce())); // the café's and the bakery's
    try (Browser admin = admin(world.allianceId, world.adminUsername(), 1280, 1600)) {
      admin.wait.until(d -> d.findElements(By.cssSelector("#exit-" + cafe.shopId() + "[data-status='completed']")).size() == 1);
      admin.waitText("#exit-" + cafe.shopId() + " .charged", "120 · ¥1.20");
      admin.waitText("#shop-" + cafe.shopId() + " .status", "已退出");
      assertTrue(admin.driver.findElements(By.cssSelector("#suspend-" + cafe.shopId())).isEmpty());
      admin.screenshotOf("shop-exits", "admin-shop-exit-completed");
    }
    // The café's people are refused from the end date; the member keeps every point.
    assertEquals("shop_exited", problemCode(api.post("/v1/alliances/" + world.allianceId + "/staff/sign-in", null,
        new JsonObject().put("username", "sxb-owner1").put("password", "owner-password-1"))));
    assertEquals(150, world.available(member));
    // The API agrees with the page (a fresh token: three days passed).
    JsonObject exit = expect(200, api.get(world.shopPath(cafe) + "/exit",
        api.staffToken(world.allianceId, world.adminUsername(), "admin-password-1")));
    assertEquals("completed", exit.getString("status"));
    assertEquals(120, exit.getLong("chargedPoints"));
    assertEquals(120, exit.getLong("chargedFen"));
    world.assertLedgerOk();
  }
}
