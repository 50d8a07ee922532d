package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.testing.PosWorld;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Stamp passports in the portal, in real headless Chromium against the real service: the admin
 * creates one (a refusal first, in words), an owner consents and pauses its part, the wallet shows
 * the stamp card as sales stamp it and then complete it, and the admin's funnel counts it. What the
 * pages send or show is checked against the API. Screenshots in target/screenshots.
 */
class PassportsBrowserTest extends BrowserTestBase {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  @Test
  void adminCreatesOwnersConsentAndPauseTheWalletCollectsAndTheFunnelCounts() {
    PosWorld world = new PosWorld(api, "pp");
    PosWorld.Till cafe = world.shop("街角咖啡");
    PosWorld.Till books = world.shop("半山书店");
    PosWorld.Till bakery = world.shop("老街面包");
    String alliance = "/v1/alliances/" + world.allianceId;
    LocalDate today = LocalDate.ofInstant(api.clock.instant(), SHANGHAI);
    long id;

    try (Browser admin = admin(world.allianceId, "pp-admin", 1280, 1800)) {
      admin.wait.until(d -> d.findElements(By.cssSelector("#p-shops input")).size() == 3);
      admin.type("#p-name-zh", "街区集章");
      admin.type("#p-name-en", "Street stamps");
      admin.setValue("#p-stamps", "4"); // more stamps than the 3 shops: refused
      admin.setValue("#p-start", today.minusDays(1).toString());
      admin.setValue("#p-end", today.plusDays(30).toString());
      for (PosWorld.Till t : List.of(cafe, books, bakery)) {
        admin.click("#p-shop-" + t.shopId());
      }
      admin.click("#passport-create");
      admin.wait.until(d -> "invalid_passport".equals(d.findElement(By.id("passports-msg")).getAttribute("data-code")));
      admin.waitText("#passports-msg", "所需印章不超过店铺数");
      assertEquals(0, expect(200, api.get(alliance + "/passports", world.adminToken)).getJsonArray("items").size());

      admin.setValue("#p-stamps", "2");
      admin.click("#passport-create");
      admin.waitText("#passports-msg", "已创建");
      JsonObject created = expect(200, api.get(alliance + "/passports", world.adminToken)).getJsonArray("items")
          .getJsonObject(0);
      id = created.getLong("id");
      // The fund pays 50%; the three shops share 5000 bps: 1666 each and the 2 left to the first two.
      assertEquals(5000, created.getInteger("fundBasisPoints"));
      List<Integer> shares = new ArrayList<>();
      created.getJsonArray("shops").forEach(s -> shares.add(((JsonObject) s).getInteger("basisPoints")));
      assertEquals(List.of(1667, 1667, 1666), shares);
      assertEquals(2000, created.getLong("minSpendFen"));
      assertEquals(300, created.getLong("rewardPoints"));
      assertEquals("awaiting_consent", created.getString("status"));
      long passportId = id;
      admin.wait.until(d -> "awaiting_consent".equals(d.findElement(By.id("passport-" + passportId)).getAttribute("data-status")));
      admin.waitText("#passport-" + id + "-status", "待同意");
      admin.screenshotOf("passports", "admin-passport-awaiting-consent");
    }

    // The café's owner consents on its page, the others through the API; then the café pauses and resumes.
    try (Browser owner = owner(world.allianceId, "pp-owner1", 1280, 1400)) {
      owner.click("#passport-" + id + "-consent");
      owner.wait.until(d -> d.findElements(By.id("passport-" + id + "-consent")).isEmpty());
      for (PosWorld.Till t : List.of(books, bakery)) {
        expect(200, api.post(alliance + "/shops/" + t.shopId() + "/passports/" + id + "/consent", t.ownerToken(), null));
      }
      owner.driver.navigate().refresh();
      owner.waitText("#passport-" + id + "-status", "进行中");
      owner.click("#passport-" + id + "-pause");
      owner.waitText("#passport-" + id + "-status", "已暂停");
      assertEquals("paused", status(world, id));
      owner.screenshotOf("passports", "owner-passport-paused");
      owner.click("#passport-" + id + "-resume");
      owner.waitText("#passport-" + id + "-status", "进行中");
      assertEquals("live", status(world, id));
    }

    // A member buys at the café (a stamp), then at the bakery (the second: complete, 300 points).
    PosWorld.Person member = world.member();
    world.accrue(cafe, member, 2500);
    try (Browser phone = wallet(world.allianceId, world.phoneNumber(member), 420, 1600)) {
      phone.wait.until(d -> "1".equals(d.findElement(By.id("card-" + id)).getAttribute("data-stamps")));
      phone.waitText("#card-" + id, "1 / 2");
      phone.waitText("#card-" + id, "再集 1 家店的章即得 300 积分");
      assertEquals("stamp done", phone.driver.findElement(By.cssSelector("#card-" + id + " li[data-shop='" + cafe.shopId()
          + "']")).getAttribute("class"));
      phone.screenshotOf("passports-section", "wallet-stamp-card");
      world.accrue(bakery, member, 3000);
      phone.driver.navigate().refresh();
      phone.wait.until(d -> "true".equals(d.findElement(By.id("card-" + id)).getAttribute("data-completed")));
      phone.waitText("#card-" + id, "已集满");
      // 25 + 30 points from the sales, and the reward 300.
      assertEquals(355, world.available(member));
      phone.screenshotOf("passports-section", "wallet-stamp-card-complete");
    }

    // The admin's funnel: one member with at least 1 stamp, one with 2, one card complete.
    try (Browser admin = admin(world.allianceId, "pp-admin", 1280, 1800)) {
      admin.wait.until(d -> "1,1,1".equals(d.findElement(By.id("passport-" + id + "-funnel")).getAttribute("data-funnel")));
      JsonArray atLeast = expect(200, api.get(alliance + "/passports/" + id, world.adminToken)).getJsonObject("funnel")
          .getJsonArray("atLeast");
      assertEquals(new JsonArray().add(1).add(1), atLeast);
      admin.screenshotOf("passport-" + id, "admin-passport-funnel");
    }
    world.assertLedgerOk();
  }

  private String status(PosWorld world, long id) {
    return expect(200, api.get("/v1/alliances/" + world.allianceId + "/passports/" + id, world.adminToken))
        .getString("status");
  }
}
