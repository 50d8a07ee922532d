package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.Phone;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The portal's member phones section in real headless Chromium against the real service: a shop
 * owner and the alliance admin find a member by phone number and revoke a lost phone; the tills
 * then refuse that phone's codes and still accept the other phone's. One service for the class,
 * one alliance per test.
 */
class MemberPhonesBrowserTest extends BrowserTestBase {
  private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.of("Asia/Shanghai"));

  @Test
  void anOwnerRevokesAMembersLostPhoneAndTheTillRefusesItsCodes() {
    PosWorld world = new PosWorld(api, "mpo");
    PosWorld.Till cafe = world.shop("街角咖啡");
    PosWorld.Person member = world.member();
    Phone lost = world.bindPhone(member, "旧 iPhone");
    Phone kept = world.bindPhone(member, "新 Pixel");
    // The lost phone was used once before it went missing: its last use shows.
    expect(200, accrue(world, cafe, lost.nextCode().orElseThrow()));

    try (Browser owner = owner(world.allianceId, "mpo-owner1", 1280, 1400)) {
      revokeInThePage(owner, world, member, lost, kept, "owner", "已由店主停用",
          "/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId() + "/member-devices/search", cafe.ownerToken());
      shot(owner, "member-phones-owner-revoked");
      owner.click("#lang");
      owner.waitText("#mp-device-" + lost.deviceId + " .status", "Revoked by a shop owner");
      owner.waitText("#mp-device-" + kept.deviceId + " .status", "Active");
      owner.waitText("#mp-msg", "Revoked \"旧 iPhone\"");
      shot(owner, "member-phones-owner-en");
    }
    assertRevokedOnlyThatPhone(world, cafe, member, lost, kept, "owner");
    world.assertLedgerOk();
  }

  @Test
  void theAdminRevokesAMembersLostPhoneAndTheTillRefusesItsCodes() {
    PosWorld world = new PosWorld(api, "mpa");
    PosWorld.Till books = world.shop("半山书店");
    PosWorld.Person member = world.member();
    Phone lost = world.bindPhone(member, "Galaxy");
    Phone kept = world.bindPhone(member, "iPad");

    try (Browser admin = admin(world.allianceId, "mpa-admin", 1280, 1400)) {
      revokeInThePage(admin, world, member, lost, kept, "admin", "已由联盟管理员停用",
          "/v1/alliances/" + world.allianceId + "/member-devices/search", world.adminToken);
      shot(admin, "member-phones-admin-revoked");
      // The revoke is in the audit log, which the page reloads after it.
      admin.waitText("#audit-list", "revokeAllianceMemberDevice");

      // A number no member of this alliance signed in with: said plainly, and no list shown.
      admin.type("#mp-phone-input", "+8613000000001");
      admin.click("#mp-search");
      admin.wait.until(d -> "member_not_found".equals(d.findElement(By.id("mp-msg")).getAttribute("data-code")));
      admin.waitText("#mp-msg", "本联盟没有用这个手机号登记的会员");
      assertTrue(admin.driver.findElements(By.id("mp-devices")).isEmpty());
      shot(admin, "member-phones-admin-not-found");
    }
    assertRevokedOnlyThatPhone(world, books, member, lost, kept, "admin");
    world.assertLedgerOk();
  }

  @Test
  void aCashierSeesNoMemberPhonesAndAnOwnerIsToldWhenNoMemberHasThatPhone() {
    PosWorld world = new PosWorld(api, "mpc");
    PosWorld.Till bakery = world.shop("老街面包");
    expect(201, api.post("/v1/alliances/" + world.allianceId + "/shops/" + bakery.shopId() + "/staff", bakery.ownerToken(),
        new JsonObject().put("username", "mpc-cashier").put("password", "cashier-password-1").put("role", "cashier")));
    PosWorld.Person member = world.member();
    world.bindPhone(member, "phone 1");

    try (Browser cashier = cashier(world.allianceId, "mpc-cashier", 1280, 1000)) {
      cashier.waitText("#who", "cashier");
      WebElement section = cashier.driver.findElement(By.id("member-phones"));
      assertFalse(section.isDisplayed(), "the member phones section is the owner's");
      assertTrue(cashier.driver.findElements(By.id("mp-form")).isEmpty(), "no search form for a cashier");
      assertFalse(cashier.driver.findElement(By.cssSelector("nav a[href='#member-phones']")).isDisplayed());
      cashier.screenshot("member-phones-cashier");
    }

    try (Browser owner = owner(world.allianceId, "mpc-owner1", 1280, 1000)) {
      // A mainland number typed without its country code: the page says what to type, and asks nothing of the server.
      owner.type("#mp-phone-input", "138 0013 8000");
      owner.click("#mp-search");
      owner.waitText("#mp-msg", "+8613800138000");
      assertEquals("phone_invalid", owner.driver.findElement(By.id("mp-msg")).getAttribute("data-code"));
      owner.type("#mp-phone-input", "+86 130-0000-0002");
      owner.click("#mp-search");
      owner.wait.until(d -> "member_not_found".equals(d.findElement(By.id("mp-msg")).getAttribute("data-code")));
      owner.waitText("#mp-msg", "本联盟没有用这个手机号登记的会员");
      assertEquals("+8613000000002", owner.driver.findElement(By.id("mp-phone-input")).getAttribute("value"));
      assertTrue(owner.driver.findElements(By.id("mp-devices")).isEmpty());
      shot(owner, "member-phones-owner-not-found");
    }
  }

  /** Finds the member by phone, checks what the page shows against the API, and revokes the lost phone. */
  private void revokeInThePage(Browser page, PosWorld world, PosWorld.Person member, Phone lost, Phone kept, String role,
      String revokedText, String searchPath, String staffToken) {
    page.type("#mp-phone-input", world.phoneNumber(member));
    page.click("#mp-search");
    page.wait.until(d -> d.findElements(By.cssSelector("#mp-devices tr[data-status='active']")).size() == 2);
    JsonObject found = expect(200, api.post(searchPath, staffToken,
        new JsonObject().put("phone", world.phoneNumber(member))));
    assertEquals(found.getString("phone"), page.driver.findElement(By.id("mp-masked")).getText());
    assertTrue(found.getString("phone").contains("****"));
    assertEquals(String.valueOf(member.memberId()), page.driver.findElement(By.id("mp-member")).getAttribute("data-member-id"));
    // Bound and last used: in the alliance's time zone (Asia/Shanghai), as the API's instants are there.
    for (Object o : found.getJsonArray("items")) {
      JsonObject d = (JsonObject) o;
      List<WebElement> at = page.driver.findElements(By.cssSelector("#mp-device-" + d.getLong("id") + " td.at"));
      assertEquals(SHOWN.format(Instant.parse(d.getString("createdAt"))), at.get(0).getText());
      assertEquals(d.getString("lastUsedAt") == null ? "从未使用" : SHOWN.format(Instant.parse(d.getString("lastUsedAt"))),
          at.get(1).getText());
    }
    shot(page, "member-phones-" + role + "-found");

    // Revoke asks first; cancelling changes nothing.
    page.click("#mp-revoke-" + lost.deviceId);
    page.click("#mp-cancel-" + lost.deviceId);
    page.visible("#mp-revoke-" + lost.deviceId);
    assertNull(device(member, lost.deviceId).getString("revokedAt"));
    page.click("#mp-revoke-" + lost.deviceId);
    page.waitText("#mp-device-" + lost.deviceId, "确定停用");
    shot(page, "member-phones-" + role + "-confirm");
    page.click("#mp-confirm-" + lost.deviceId);
    page.wait.until(d -> "revoked".equals(d.findElement(By.id("mp-device-" + lost.deviceId)).getAttribute("data-status")));
    assertEquals(role, page.driver.findElement(By.id("mp-device-" + lost.deviceId)).getAttribute("data-revoked-by"));
    page.waitText("#mp-device-" + lost.deviceId + " .status", revokedText);
    page.waitText("#mp-msg", "已停用");
    assertEquals("active", page.driver.findElement(By.id("mp-device-" + kept.deviceId)).getAttribute("data-status"));
    assertTrue(page.driver.findElements(By.id("mp-revoke-" + lost.deviceId)).isEmpty(), "a revoked phone has no revoke button");
    page.visible("#mp-revoke-" + kept.deviceId);
  }

  /** Through the API: only the lost phone is revoked, by whom the page says; the tills refuse its codes only. */
  private void assertRevokedOnlyThatPhone(PosWorld world, PosWorld.Till till, PosWorld.Person member, Phone lost, Phone kept,
      String role) {
    JsonObject revoked = device(member, lost.deviceId);
    assertEquals(role, revoked.getString("revokedBy"));
    assertNotNull(revoked.getString("revokedAt"));
    JsonObject active = device(member, kept.deviceId);
    assertNull(active.getString("revokedAt"));
    assertNull(active.getString("revokedBy"));

    long before = world.available(member);
    HttpResponse<Buffer> refused = accrue(world, till, lost.nextCode().orElseThrow());
    assertEquals(422, refused.statusCode(), refused.bodyAsString());
    assertEquals("code_invalid", problemCode(refused));
    assertEquals(before, world.available(member));
    JsonObject sale = expect(200, accrue(world, till, kept.nextCode().orElseThrow()));
    assertNotNull(sale);
    assertTrue(world.available(member) > before, "the other phone's code earns");
  }

  private JsonObject device(PosWorld.Person member, long deviceId) {
    JsonArray items = expect(200, api.get("/v1/members/me/devices", member.token())).getJsonArray("items");
    for (Object o : items) {
      if (((JsonObject) o).getLong("id") == deviceId) {
        return (JsonObject) o;
      }
    }
    throw new AssertionError("no device " + deviceId + " in " + items);
  }

  private static HttpResponse<Buffer> accrue(PosWorld world, PosWorld.Till till, String code) {
    return world.pos(till, "accrue", PosWorld.key(), new JsonObject().put("memberCode", code).put("spendFen", 5000));
  }

  private static void shot(Browser page, String name) {
    page.screenshotOf("member-phones", name);
  }
}
