package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * Welcome and birthday rewards in the portal, in real headless Chromium against the real service:
 * the admin sets the rules, the café's owner opts in to pay for the birthday reward, a member joins
 * in the wallet (welcome 50 from the fund), sets a birthday in this month once (birthday 80, all
 * paid by the café, the only shop opted in) and finds it locked; the admin changes it, audited.
 * What each page sends or shows is checked against the API.
 */
class RewardsBrowserTest extends BrowserTestBase {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  @Test
  void rulesOptInBirthdayOnceAndTheAdminsChange() {
    PosWorld world = new PosWorld(api, "rwb");
    PosWorld.Till cafe = world.shop("街角咖啡");
    PosWorld.Till books = world.shop("旧书店");
    String alliance = "/v1/alliances/" + world.allianceId;
    int month = LocalDate.ofInstant(api.clock.instant(), SHANGHAI).getMonthValue();

    try (Browser admin = admin(world.allianceId, "rwb-admin", 1280, 1400)) {
      admin.open("/portal/admin.html#rewards");
      admin.visible("#rewards-form");
      admin.wait.until(d -> "0".equals(d.findElement(By.id("rw-welcome-points")).getAttribute("value")));
      admin.type("#rw-welcome-points", "50");
      admin.type("#rw-birthday-points", "80");
      new Select(admin.visible("#rw-birthday-funded")).selectByValue("shops");
      admin.click("#rw-save");
      admin.waitText("#rewards-msg", "已保存");
      JsonObject rules = expect(200, api.get(alliance + "/rewards", world.adminToken));
      assertEquals(50, rules.getJsonObject("welcome").getLong("points"));
      assertEquals("alliance_fund", rules.getJsonObject("welcome").getString("fundedBy"));
      assertEquals(80, rules.getJsonObject("birthday").getLong("points"));
      assertEquals("shops", rules.getJsonObject("birthday").getString("fundedBy"));
      admin.waitText("#rw-opt-ins", "暂无店铺参与");
      admin.screenshotOf("rewards", "admin-rewards");
    }

    try (Browser owner = owner(world.allianceId, "rwb-owner1", 1280, 1400)) {
      owner.open("/portal/owner.html#rewards");
      owner.waitText("#rw-rule-welcome", "入会礼: 50 积分 · 联盟基金");
      owner.waitText("#rw-rule-birthday", "生日礼: 80 积分 · 参与店铺");
      assertFalse(owner.driver.findElement(By.id("rw-opt-birthday")).isSelected());
      owner.click("#rw-opt-birthday");
      owner.click("#rw-opt-save");
      owner.waitText("#rewards-msg", "已保存");
      owner.waitText("#rw-payers", "入会礼 0 家，生日礼 1 家");
      JsonArray optIns = expect(200, api.get(alliance + "/rewards", cafe.ownerToken())).getJsonArray("optIns");
      assertEquals(new JsonArray().add(new JsonObject().put("shopId", cafe.shopId()).put("welcome", false).put("birthday", true)),
          optIns);
      owner.screenshotOf("rewards", "owner-rewards-opt-in");
    }

    String phone = "+8613703" + String.format("%06d", ProcessHandle.current().pid() % 1_000_000);
    long memberId;
    try (Browser wallet = wallet(world.allianceId, phone, 412, 915)) {
      // Joined: the welcome, 50 points from the fund.
      wallet.waitText("#balance", "50");
      wallet.waitText("#my-rewards", "入会礼");
      wallet.visible("#birthday-form");
      String token = wallet.memberToken();
      memberId = expect(200, api.get("/v1/members/me", token)).getLong("id");

      // No such day: refused, in words, nothing set.
      wallet.type("#bd-month", "2");
      wallet.type("#bd-day", "30");
      wallet.click("#bd-save");
      wallet.wait.until(d -> "invalid_birthday".equals(d.findElement(By.id("birthday-msg")).getAttribute("data-code")));
      wallet.waitText("#birthday-msg", "没有这一天");
      assertNull(expect(200, api.get("/v1/members/me/rewards", token)).getValue("birthday"));

      // This month: set, locked, and the birthday reward comes at once (80 points, all from the café): 50 + 80 = 130.
      wallet.type("#bd-month", String.valueOf(month));
      wallet.type("#bd-day", "1");
      wallet.click("#bd-save");
      wallet.visible("#my-birthday");
      wallet.waitText("#my-birthday", month + " 月 1 日");
      wallet.waitText("#my-birthday", "已锁定");
      assertFalse(wallet.driver.findElement(By.id("birthday-form")).isDisplayed(), "set once: no form any more");
      wallet.waitText("#my-rewards", "生日礼");
      wallet.driver.navigate().refresh();
      wallet.waitText("#balance", "130");
      JsonObject mine = expect(200, api.get("/v1/members/me/rewards", token));
      assertEquals(month, mine.getJsonObject("birthday").getInteger("month"));
      assertEquals(2, mine.getJsonArray("grants").size());
      assertEquals(80, await(api.app.ledger().accountOf(world.allianceId, AccountKind.MERCHANT_ISSUANCE, cafe.shopId()))
          .orElseThrow().debitsPosted());
      assertEquals(0, await(api.app.ledger().accountOf(world.allianceId, AccountKind.MERCHANT_ISSUANCE, books.shopId()))
          .orElseThrow().debitsPosted());
      assertEquals(2, wallet.driver.findElements(By.cssSelector("#my-rewards li.reward")).size());
      wallet.screenshotOf("rewards-section", "wallet-rewards");
      wallet.click("#lang");
      wallet.waitText("#my-birthday", "locked");
      wallet.waitText("#my-rewards", "Birthday reward");
      wallet.screenshotOf("rewards-section", "wallet-rewards-en");
    }

    // The admin changes it (the member cannot): recorded in the audit log with before and after.
    try (Browser admin = admin(world.allianceId, "rwb-admin", 1280, 1400)) {
      admin.open("/portal/admin.html#rewards");
      admin.waitText("#rw-opt-ins", "街角咖啡");
      admin.type("#bd-member", String.valueOf(memberId));
      admin.type("#bd-month", String.valueOf(month));
      admin.type("#bd-day", "2");
      admin.click("#bd-save");
      admin.waitText("#birthday-msg", "已保存");
      admin.waitText("#audit-list", "memberBirthdayChanged");
      JsonObject detail = new JsonObject(api.text("/* test */ select detail from audit_log where alliance_id = "
          + world.allianceId + " and action = 'memberBirthdayChanged'"));
      assertEquals(1, detail.getJsonObject("before").getInteger("day"));
      assertEquals(2, detail.getJsonObject("after").getInteger("day"));
      admin.screenshotOf("rewards", "admin-rewards-birthday-changed");
      // An unknown member: said in words.
      admin.type("#bd-member", "999999999");
      admin.click("#bd-save");
      admin.wait.until(d -> "member_not_found".equals(d.findElement(By.id("birthday-msg")).getAttribute("data-code")));
      admin.waitText("#birthday-msg", "找不到这位会员");
    }
    // The birthday reward was granted this year already: the change grants nothing more.
    assertEquals(130, world.available(new PosWorld.Person(memberId, "", "")));
    world.assertLedgerOk();
  }
}
