package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.till.qr.QrImages;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

/**
 * The portal in real headless Chromium against the real service on a fresh PostgreSQL (one
 * service and fresh browser profiles per test). What each page shows is checked against the API.
 */
class PortalBrowserTest {
  private Vertx vertx;
  private ApiFixture api;
  private String base;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    base = "http://localhost:" + api.app.port();
  }

  @AfterEach
  void stop() {
    try {
      api.close();
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void ownerCreatesACrossPromotionAndTheOtherShopsOwnerAcceptsIt() {
    PosWorld world = new PosWorld(api, "cp");
    PosWorld.Till cafe = world.shop("街角咖啡");
    PosWorld.Till books = world.shop("半山书店");
    String campaignName = "咖啡满50 书店减10";

    long campaignId;
    try (Browser owner = new Browser(base, 1280, 1400)) {
      owner.staffSignIn(world.allianceId, "cp-owner1", "owner-password-1", "owner.html");
      owner.waitText("#c-partner", "半山书店");
      owner.type("#c-name", campaignName);
      owner.type("#c-amount", "10");
      owner.type("#c-min", "50");
      owner.click("#c-create");
      owner.waitText("#campaign-list", campaignName);
      // The live feed (server-sent events read with fetch) shows a sale the moment the ledger has it.
      PosWorld.Person member = world.member();
      world.grant(member, cafe, 77);
      owner.wait.until(d -> !d.findElements(By.cssSelector("#feed li[data-points='77'][data-kind='issued']")).isEmpty());
      owner.visible("#weekly-chart svg");
      owner.screenshot("owner-dashboard");
      JsonArray mine = expect(200, api.get(shopPath(world, cafe) + "/campaigns", cafe.ownerToken())).getJsonArray("items");
      assertEquals(1, mine.size());
      JsonObject created = mine.getJsonObject(0);
      campaignId = created.getLong("id");
      assertEquals(campaignName, created.getString("name"));
      assertEquals("awaiting_consent", created.getString("status"));
      assertEquals(1000, created.getJsonObject("benefit").getLong("amountFen"));
      owner.waitText("#campaign-" + campaignId + " .status", "待对方同意");
    }

    try (Browser other = new Browser(base, 1280, 1400)) {
      other.staffSignIn(world.allianceId, "cp-owner2", "owner-password-1", "owner.html");
      other.click("#accept-" + campaignId);
      other.wait.until(d -> "live".equals(d.findElement(By.id("campaign-" + campaignId)).getAttribute("data-status")));
      other.waitText("#campaign-" + campaignId + " .status", "进行中");
      other.visible("#pause-" + campaignId);
      other.screenshot("owner-campaigns-accepted");
      // The language switch: the same page in English.
      other.click("#lang");
      other.waitText("#campaign-" + campaignId + " .status", "Live");
      other.screenshot("owner-campaigns-en");
    }
    JsonObject seen = expect(200, api.get(shopPath(world, books) + "/campaigns/" + campaignId, books.ownerToken()));
    assertEquals("live", seen.getString("status"));
  }

  @Test
  void walletShowsAMemberCodeThatThePosAccepts() throws Exception {
    PosWorld world = new PosWorld(api, "qr");
    PosWorld.Till bakery = world.shop("老街面包");
    String phone = "+8613700" + String.format("%06d", ProcessHandle.current().pid() % 1_000_000);

    try (Browser phoneBrowser = new Browser(base, 412, 915)) {
      signInToWallet(phoneBrowser, world, phone);
      phoneBrowser.waitText("#balance", "0");
      phoneBrowser.screenshot("wallet");

      // The member earns at the bakery: the wallet shows it after a reload.
      JsonObject member = expect(200, api.get("/v1/members/me", memberToken(phoneBrowser)));
      PosWorld.Person person = new PosWorld.Person(member.getLong("id"), member.getString("handle"), memberToken(phoneBrowser));
      world.grant(person, bakery, 320);
      phoneBrowser.driver.navigate().refresh();
      phoneBrowser.wait.until(d -> d.findElement(By.id("member-code")).getAttribute("data-code") != null);
      phoneBrowser.waitText("#balance", "320");
      phoneBrowser.visible("#history li[data-points='320']");
      phoneBrowser.screenshot("wallet-with-points");

      WebElement qr = phoneBrowser.visible("#member-qr");
      byte[] png = qr.getScreenshotAs(OutputType.BYTES);
      Files.createDirectories(Browser.SCREENSHOTS);
      Files.write(Browser.SCREENSHOTS.resolve("wallet-qr.png"), png);
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      String code = QrImages.decode(image).orElseThrow(() -> new AssertionError("ZXing could not read the wallet's QR code"));
      // An LP2 code, made on the phone from its device key (no server round trip).
      assertTrue(code.matches("88\\d{18}"), code);
      assertEquals(phoneBrowser.driver.findElement(By.id("member-code")).getAttribute("data-code"), code);
      api.clock.set(java.time.Instant.now()); // the service's test clock stands still otherwise

      JsonObject who = expect(200, world.pos(bakery, "identify", PosWorld.key(), new JsonObject().put("memberCode", code)));
      assertEquals(person.handle(), who.getString("memberHandle"));
      assertEquals(320, who.getLong("availablePoints"));
      world.assertLedgerOk();
    }
  }

  @Test
  void walletClaimsAPhotographedShopCodeAndShowsItsCouponsAsQrCodes() throws Exception {
    PosWorld world = new PosWorld(api, "sc");
    PosWorld.Till cafe = world.shop("街角咖啡");
    // A receipt's shop code for 38 points, and a coupon shop code of the café's own campaign, as photos
    // (PNG files handed to the file input, as a phone's camera would hand over its picture).
    String pointsCode = expect(200, world.pos(cafe, "claim-codes", PosWorld.key(), new JsonObject().put("points", 38)))
        .getString("claimCode");
    long campaign = expect(201, api.post(shopPath(world, cafe) + "/campaigns", cafe.ownerToken(), new JsonObject()
        .put("name", "咖啡立减5元").put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 500))
        .put("validFrom", api.clock.instant().minusSeconds(3600).toString())
        .put("validUntil", api.clock.instant().plusSeconds(7 * 86400).toString())
        .put("inventory", 10).put("shopCodes", true))).getLong("id");
    String couponShopCode = expect(201, api.post(shopPath(world, cafe) + "/campaigns/" + campaign + "/claim-codes",
        cafe.ownerToken(), null)).getString("code");
    Files.createDirectories(Browser.SCREENSHOTS);
    java.nio.file.Path pointsPhoto = Browser.SCREENSHOTS.resolve("shop-code-points.png").toAbsolutePath();
    java.nio.file.Path couponPhoto = Browser.SCREENSHOTS.resolve("shop-code-coupon.png").toAbsolutePath();
    ImageIO.write(QrImages.encode(pointsCode, 400), "png", pointsPhoto.toFile());
    // Larger than 2000 px: the page scales it down and sends it as JPEG.
    ImageIO.write(QrImages.encode(couponShopCode, 2400), "png", couponPhoto.toFile());
    String phone = "+8613701" + String.format("%06d", ProcessHandle.current().pid() % 1_000_000);

    try (Browser phoneBrowser = new Browser(base, 412, 915)) {
      signInToWallet(phoneBrowser, world, phone);
      phoneBrowser.waitText("#balance", "0");
      String token = memberToken(phoneBrowser);

      // The photo of the receipt's code: read by the server, claimed, and the balance rises.
      phoneBrowser.visible("#scan-photo").sendKeys(pointsPhoto.toString());
      phoneBrowser.wait.until(d -> "points".equals(d.findElement(By.id("scan-msg")).getAttribute("data-result")));
      phoneBrowser.waitText("#scan-msg", "已领取 38 积分");
      phoneBrowser.waitText("#balance", "38");
      phoneBrowser.visible("#history li[data-points='38']");
      assertEquals(38, expect(200, api.get("/v1/members/me", token)).getLong("availablePoints"));

      // The same photo again: nothing more arrives, and the wallet says so.
      phoneBrowser.visible("#scan-photo").sendKeys(pointsPhoto.toString());
      phoneBrowser.wait.until(d -> "already".equals(d.findElement(By.id("scan-msg")).getAttribute("data-result")));
      phoneBrowser.waitText("#scan-msg", "您已领取过这个店铺码");
      assertEquals("38", phoneBrowser.driver.findElement(By.id("balance")).getText());
      assertEquals(38, expect(200, api.get("/v1/members/me", token)).getLong("availablePoints"));

      // A coupon's shop code: the coupon appears with its QR code, which reads back as the coupon's code.
      phoneBrowser.visible("#scan-photo").sendKeys(couponPhoto.toString());
      phoneBrowser.wait.until(d -> "coupon".equals(d.findElement(By.id("scan-msg")).getAttribute("data-result")));
      JsonArray coupons = expect(200, api.get("/v1/members/me/coupons", token)).getJsonArray("items");
      assertEquals(1, coupons.size());
      JsonObject coupon = coupons.getJsonObject(0);
      String img = "#coupon-qr-" + coupon.getLong("id");
      phoneBrowser.wait.until(d -> d.findElement(By.cssSelector(img)).getAttribute("data-loaded-at") != null);
      WebElement qr = phoneBrowser.visible(img);
      phoneBrowser.driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", qr);
      byte[] png = qr.getScreenshotAs(OutputType.BYTES);
      Files.write(Browser.SCREENSHOTS.resolve("wallet-coupon-qr.png"), png);
      String read = QrImages.decode(ImageIO.read(new ByteArrayInputStream(png)))
          .orElseThrow(() -> new AssertionError("ZXing could not read the coupon's QR code"));
      assertEquals(coupon.getString("code"), read);
      Files.copy(phoneBrowser.driver.getScreenshotAs(OutputType.FILE).toPath(), Browser.SCREENSHOTS.resolve("wallet-coupons.png"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    world.assertLedgerOk();
  }

  private void signInToWallet(Browser phoneBrowser, PosWorld world, String phone) {
    BrowserTestBase.signInToWallet(phoneBrowser, api, world.allianceId, phone);
  }

  @Test
  void adminSettlementPageShowsTheApiTotalsAndClosesThePeriod() throws Exception {
    // The month's sales happen in its last minutes; the page closes the period once the month has ended.
    ZoneId zone = ZoneId.of("Asia/Shanghai");
    java.time.YearMonth thisMonth = java.time.YearMonth.from(api.clock.instant().atZone(zone));
    java.time.Instant end = thisMonth.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    api.clock.set(end.minus(java.time.Duration.ofMinutes(5)));
    PosWorld world = new PosWorld(api, "st");
    PosWorld.Till cafe = world.shop("街角咖啡");
    PosWorld.Till books = world.shop("半山书店");
    PosWorld.Till bakery = world.shop("老街面包");
    List<PosWorld.Till> tills = List.of(cafe, books, bakery);
    long acceptance = 0;
    for (int i = 0; i < 6; i++) {
      PosWorld.Person p = world.member();
      PosWorld.Till earnAt = tills.get(i % 3);
      PosWorld.Till spendAt = tills.get((i + 1) % 3);
      world.grant(p, earnAt, 100 + 37L * i);
      acceptance = await(api.app.ledger().accountOf(world.allianceId, AccountKind.MERCHANT_ACCEPTANCE, spendAt.shopId()))
          .orElseThrow().id();
      await(api.app.ledger().transfer(world.allianceId, UUID.randomUUID(), world.walletId(p), acceptance, 40 + 11L * i, "redeem"));
    }
    // A goodwill credit of 25 at the café: the statements' own line (adjusted points), not an issue.
    PosWorld.Person pleased = world.member();
    expect(201, api.send(HttpMethod.POST, "/v1/alliances/" + world.allianceId + "/shops/"
        + cafe.shopId() + "/point-adjustments", cafe.ownerToken(), new JsonObject().put("memberHandle", pleased.handle())
        .put("points", 25).put("reason", "goodwill"), Map.of("Idempotency-Key", PosWorld.key())));
    String month = DateTimeFormatter.ofPattern("yyyy-MM").format(api.clock.instant().atZone(ZoneId.of("Asia/Shanghai")));
    String periods = "/v1/alliances/" + world.allianceId + "/settlement/periods";
    long periodId = expect(201, api.post(periods, world.adminToken, new JsonObject().put("month", month))).getLong("id");
    expect(200, api.post(periods + "/" + periodId + "/run", world.adminToken, new JsonObject()));
    JsonArray statements = expect(200, api.get(periods + "/" + periodId + "/statements", world.adminToken)).getJsonArray("statements");
    api.clock.set(end.plusSeconds(1));

    try (Browser admin = new Browser(base, 1280, 1000)) {
      admin.staffSignIn(world.allianceId, "st-admin", "admin-password-1", "admin.html");
      admin.visible("#statement-totals");
      // Every figure the table shows, read at once (party/column -> value).
      @SuppressWarnings("unchecked")
      Map<String, Object> cells = (Map<String, Object>) admin.driver.executeScript("const o = {};"
          + "for (const td of document.querySelectorAll('#statement-table td[data-col]')) {"
          + "  const tr = td.closest('tr'); o[(tr.id === 'statement-totals' ? 'total' : tr.dataset.party) + '/' + td.dataset.col] = td.dataset.value; }"
          + "return o;");
      Map<String, Long> totals = new HashMap<>();
      for (String col : List.of("issuedPoints", "adjustedPoints", "acceptedPoints", "exitChargeFen", "receivableFen", "payableFen",
          "netFen")) {
        long expected = 0;
        for (int i = 0; i < statements.size(); i++) {
          JsonObject st = statements.getJsonObject(i);
          expected += st.getLong(col);
          assertEquals(String.valueOf(st.getLong(col)), cells.get(st.getLong("partyId") + "/" + col),
              col + " of party " + st.getLong("partyId"));
        }
        long shown = Long.parseLong(String.valueOf(cells.get("total/" + col)));
        assertEquals(expected, shown, "total " + col);
        totals.put(col, shown);
      }
      assertEquals(7 * (statements.size() + 1), cells.size(), "one row per statement and the totals: " + cells);
      assertEquals(0L, totals.get("netFen"));
      assertTrue(totals.get("issuedPoints") > 0 && totals.get("receivableFen") > 0, totals.toString());
      assertEquals(25L, totals.get("adjustedPoints"));
      admin.waitText("#reconciliation", "正常");
      admin.screenshot("admin-settlement");

      // The CSV downloads with its progress shown, and the page stays usable.
      admin.click("#csv");
      admin.wait.until(d -> d.findElement(By.id("csv-status")).getAttribute("data-bytes") != null);
      assertTrue(Long.parseLong(admin.driver.findElement(By.id("csv-status")).getAttribute("data-bytes")) > 0);

      admin.click("#close");
      admin.waitText("#period-info", "已关闭");
      admin.screenshot("admin-settlement-closed");
    }
    assertEquals("closed", expect(200, api.get(periods + "/" + periodId, world.adminToken)).getString("status"));

    // The café's owner sees its own statement, the same net as the API's, and downloads its transfers.
    long cafeNet = -1;
    for (int i = 0; i < statements.size(); i++) {
      if (statements.getJsonObject(i).getLong("partyId") == cafe.shopId()) {
        cafeNet = statements.getJsonObject(i).getLong("netFen");
      }
    }
    try (Browser owner = new Browser(base, 1280, 1400)) {
      owner.staffSignIn(world.allianceId, "st-owner1", "owner-password-1", "owner.html");
      owner.wait.until(d -> d.findElement(By.id("statement-view")).getAttribute("data-net") != null);
      assertEquals(String.valueOf(cafeNet), owner.driver.findElement(By.id("statement-view")).getAttribute("data-net"));
      assertEquals("25", owner.driver.findElement(By.id("statement-view")).getAttribute("data-adjusted"));
      owner.click("#st-csv");
      owner.wait.until(d -> d.findElement(By.id("st-status")).getAttribute("data-bytes") != null);
      owner.driver.executeScript("document.getElementById('statements').scrollIntoView()");
      Files.createDirectories(Browser.SCREENSHOTS);
      Files.copy(owner.driver.getScreenshotAs(OutputType.FILE).toPath(), Browser.SCREENSHOTS.resolve("owner-statement.png"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    world.assertLedgerOk();
  }

  @Test
  void ownerSeesWhereItsCustomersAlsoShopAndAdminSuspendsAndReinstatesTheShop() {
    PosWorld world = new PosWorld(api, "gap");
    PosWorld.Till cafe = world.shop("街角咖啡");
    PosWorld.Till books = world.shop("半山书店");
    PosWorld.Till bakery = world.shop("老街面包");
    // Two members earn at the café; one of them spends at the bookshop. Nobody goes to the bakery.
    for (int i = 0; i < 2; i++) {
      PosWorld.Person p = world.member();
      world.shareVisits(p, true); // the insight counts only members who consent (docs/privacy.md)
      world.grant(p, cafe, 100);
      if (i == 0) {
        long acceptance = await(api.app.ledger().accountOf(world.allianceId, AccountKind.MERCHANT_ACCEPTANCE, books.shopId()))
            .orElseThrow().id();
        await(api.app.ledger().transfer(world.allianceId, UUID.randomUUID(), world.walletId(p), acceptance, 30, "redeem"));
      }
    }
    try (Browser owner = new Browser(base, 1280, 1400)) {
      owner.staffSignIn(world.allianceId, "gap-owner1", "owner-password-1", "owner.html");
      owner.wait.until(d -> "1".equals(d.findElement(By.cssSelector("#overlap-table tr[data-shop='" + books.shopId() + "']"))
          .getAttribute("data-members")));
      assertEquals("0", owner.driver.findElement(By.cssSelector("#overlap-table tr[data-shop='" + bakery.shopId() + "']"))
          .getAttribute("data-members"));
      assertEquals("2", owner.driver.findElement(By.id("overlap-chart")).getAttribute("data-customers"));
      owner.visible("#overlap-chart svg");
      owner.screenshot("owner-overlap");
    }

    String cafePath = shopPath(world, cafe);
    try (Browser admin = new Browser(base, 1280, 1000)) {
      admin.staffSignIn(world.allianceId, "gap-admin", "admin-password-1", "admin.html");
      admin.click("#suspend-" + cafe.shopId());
      admin.wait.until(d -> "suspended".equals(d.findElement(By.id("shop-" + cafe.shopId())).getAttribute("data-status")));
      assertEquals("suspended", expect(200, api.get(cafePath, world.adminToken)).getString("status"));
      assertEquals(403, api.get(cafePath, cafe.ownerToken()).statusCode());
      assertEquals("shop_suspended", api.get(cafePath, cafe.ownerToken()).bodyAsJsonObject().getString("code"));
      admin.screenshot("admin-shop-suspended");
      // Meanwhile the café's owner, signing in with the right password, is told why and gets no session.
      try (Browser owner = new Browser(base, 1280, 800)) {
        owner.open("/portal/login.html?a=" + world.allianceId);
        owner.type("#username", "gap-owner1");
        owner.type("#password", "owner-password-1");
        owner.click("#sign-in");
        owner.waitText("#msg", "本店已被联盟暂停");
        assertTrue(owner.driver.getCurrentUrl().contains("login.html"));
        assertEquals(null, owner.driver.executeScript("return sessionStorage.getItem('lp.session')"));
        owner.screenshot("login-shop-suspended");
      }
      admin.click("#reinstate-" + cafe.shopId());
      admin.wait.until(d -> "active".equals(d.findElement(By.id("shop-" + cafe.shopId())).getAttribute("data-status")));
    }
    assertEquals("active", expect(200, api.get(cafePath, cafe.ownerToken())).getString("status"));
    world.assertLedgerOk();
  }

  private static String memberToken(Browser browser) {
    return browser.memberToken();
  }

  private static String shopPath(PosWorld world, PosWorld.Till till) {
    return "/v1/alliances/" + world.allianceId + "/shops/" + till.shopId();
  }
}
