package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The member's data rights in the wallet, in real headless Chromium against the real service: the
 * consent to share visits (toggled on, recorded with its text version, shown in the history), then
 * closing the account after a confirmation step: its 100 points forfeited, the phone forgotten.
 */
class PrivacyBrowserTest extends BrowserTestBase {

  @Test
  void theMemberConsentsThenClosesTheAccountAfterConfirming() {
    PosWorld world = new PosWorld(api, "pvb");
    PosWorld.Till cafe = world.shop("街角咖啡");
    String phone = "+8613600777001";
    try (Browser wallet = wallet(world.allianceId, phone, 412, 915)) {
      wallet.visible("#privacy-section");
      String token = wallet.memberToken();
      long memberId = expect(200, api.get("/v1/members/me", token)).getLong("id");
      long wallet100 = await(api.app.ledger().accountOf(world.allianceId, AccountKind.MEMBER_WALLET, memberId)).orElseThrow().id();
      long issuance = await(api.app.ledger().accountOf(world.allianceId, AccountKind.MERCHANT_ISSUANCE, cafe.shopId()))
          .orElseThrow().id();
      await(api.app.ledger().transfer(world.allianceId, UUID.randomUUID(), issuance, wallet100, 100, "earn"));
      wallet.driver.navigate().refresh();
      wallet.waitText("#balance", "100");

      // Not consented until the member says so (opt-in); one tap records it with the text's version.
      wallet.wait.until(d -> "false".equals(d.findElement(By.id("consent-visit-sharing")).getAttribute("data-granted")));
      wallet.click("#consent-visit-sharing");
      wallet.wait.until(d -> "1".equals(d.findElement(By.id("consent-history")).getAttribute("data-count")));
      wallet.waitText("#consent-history", "已同意");
      wallet.waitText("#consent-history", "v1");
      JsonObject consents = expect(200, api.get("/v1/members/me/consents", token));
      assertTrue(consents.getJsonArray("consents").getJsonObject(0).getBoolean("granted"));
      wallet.screenshotOf("privacy-section", "wallet-privacy");
      wallet.click("#lang");
      wallet.waitText("#consent-history", "granted");
      wallet.screenshotOf("privacy-section", "wallet-privacy-en");
      wallet.click("#lang");

      // My data: the JSON downloaded, the page shown in the wallet (with the phone and the 100 points earned).
      wallet.click("#data-json");
      wallet.wait.until(d -> d.findElement(By.tagName("body")).getAttribute("data-data-bytes") != null);
      wallet.click("#data-html");
      wallet.visible("#data-view");
      wallet.driver.switchTo().frame(wallet.driver.findElement(By.id("data-view")));
      wallet.wait.until(d -> d.findElement(By.tagName("body")).getText().contains(phone));
      assertTrue(wallet.driver.findElement(By.tagName("body")).getText().contains("积分记录"));
      wallet.driver.switchTo().defaultContent();
      wallet.screenshotOf("privacy-section", "wallet-my-data");

      // Closing asks first; cancel closes nothing.
      wallet.click("#close-account");
      wallet.visible("#close-confirm");
      wallet.waitText("#close-confirm", "无法恢复");
      wallet.screenshotOf("privacy-section", "wallet-close-confirm");
      wallet.click("#close-cancel");
      assertFalse(wallet.driver.findElement(By.id("close-confirm")).isDisplayed());
      assertEquals(100, expect(200, api.get("/v1/members/me", token)).getLong("availablePoints"));
      wallet.click("#close-account");
      wallet.click("#close-do");
      wallet.wait.until(d -> "100".equals(d.findElement(By.tagName("body")).getAttribute("data-closed")));
      wallet.waitText("#privacy-msg", "100 积分已作废");
      wallet.screenshotOf("privacy-msg", "wallet-closed");
      // The closed account's token no longer works anywhere (401 closed_account).
      assertEquals("closed_account", problemCode(api.get("/v1/members/me", token)));
      assertEquals("null", String.valueOf(wallet.driver.executeScript("return sessionStorage.getItem('lp.session')")));
    }
    world.assertLedgerOk();
  }
}
