package io.linkpoints.portal.browser;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.till.qr.QrImages;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;

/**
 * The member wallet as a phone uses it at a till with no signal: signed in once (a device is bound, its key kept
 * non-extractable in IndexedDB), then the network is cut and the page reloaded; the code on screen, read from a
 * screenshot (QR and Code 128), is accepted once by the till when the till is online, and so is the next code of the
 * same half-minute. The phone's network is really cut: it reaches the service only through {@link Unplug}.
 */
class WalletOfflineBrowserTest {
  private Vertx vertx;
  private ApiFixture api;
  private Unplug network;
  private String base;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    network = new Unplug(api.app.port());
    base = "http://localhost:" + network.port();
  }

  @AfterEach
  void stop() {
    try {
      network.close();
      api.close();
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void offlineCodesAreAcceptedOnceEach() throws Exception {
    PosWorld world = new PosWorld(api, "off");
    PosWorld.Till bakery = world.shop("老街面包");
    String phone = "+8613600" + String.format("%06d", ProcessHandle.current().pid() % 1_000_000);

    try (Browser phoneBrowser = new Browser(base, 412, 915)) {
      signInToWallet(phoneBrowser, api, world.allianceId, phone);
      String token = memberToken(phoneBrowser);
      JsonObject member = expect(200, api.get("/v1/members/me", token));
      PosWorld.Person person = new PosWorld.Person(member.getLong("id"), member.getString("handle"), token);
      world.grant(person, bakery, 120);
      phoneBrowser.driver.navigate().refresh();
      phoneBrowser.waitText("#balance", "120");
      phoneBrowser.wait.until(d -> Boolean.TRUE.equals(phoneBrowser.driver.executeScript(
          "return navigator.serviceWorker.controller !== null && document.body.dataset.sw === 'ready'")));
      phoneBrowser.visible("#devices li[data-this='1']");

      // One device bound, this phone's; its key cannot be read out of the page.
      JsonArray devices = expect(200, api.get("/v1/members/me/devices", token)).getJsonArray("items");
      assertEquals(1, devices.size());
      long deviceId = devices.getJsonObject(0).getLong("id");
      Object key = phoneBrowser.driver.executeAsyncScript("const done = arguments[0]; (async () => {"
          + "const { loadDevice } = await import('/portal/app/keystore.js'); const d = await loadDevice();"
          + "const exported = await crypto.subtle.exportKey('raw', d.key).then(() => 'exported', (e) => 'refused: ' + e.name);"
          + "return [d.deviceId, String(d.key.extractable), d.key.algorithm.name, exported, Object.keys(d).sort().join(','),"
          + " Object.keys(localStorage).sort().join(',')]; })().then(done, (e) => done('ERROR ' + e));");
      assertEquals(List.of(deviceId, "false", "HMAC", "refused: InvalidAccessError", "allianceId,boundAt,deviceId,key,label,memberId",
          "lp.wallet.clockOffsetMs,lp.wallet.snapshot"), key);

      // Start early in a half-minute so that both codes below belong to the same step.
      while (Instant.now().getEpochSecond() % 30 > 12) {
        Thread.sleep(500);
      }
      // No network at all, and the page reloaded: the wallet opens from its service worker and shows a code.
      ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
      offline.setOffline(true);
      phoneBrowser.driver.setNetworkConditions(offline);
      network.unplug();
      phoneBrowser.driver.navigate().refresh();
      phoneBrowser.wait.until(d -> "0".equals(d.findElement(By.id("member-code")).getAttribute("data-counter")));
      phoneBrowser.waitText("#balance", "120");
      phoneBrowser.waitText("#as-of", "截至");
      phoneBrowser.screenshot("wallet-offline");
      String first = readShownCode(phoneBrowser, "offline-1");
      assertTrue(first.matches("88" + String.format("%08d", deviceId) + "\\d0\\d{8}"), first);

      // A second sale in the same half-minute: the next code, still offline.
      phoneBrowser.click("#next-code");
      phoneBrowser.wait.until(d -> "1".equals(d.findElement(By.id("member-code")).getAttribute("data-counter")));
      String second = readShownCode(phoneBrowser, "offline-2");
      assertNotEquals(first, second);
      assertEquals(first.substring(0, 11), second.substring(0, 11)); // same device, same step
      assertEquals('1', second.charAt(11));

      // The till is online: each code is accepted once.
      api.clock.set(Instant.now()); // the service's test clock stands still otherwise
      JsonObject who = expect(200, world.pos(bakery, "identify", PosWorld.key(), new JsonObject().put("memberCode", first)));
      assertEquals(person.handle(), who.getString("memberHandle"));
      assertEquals(120, who.getLong("availablePoints"));
      expect(200, world.pos(bakery, "identify", PosWorld.key(), new JsonObject().put("memberCode", second)));
      var replay = world.pos(bakery, "identify", PosWorld.key(), new JsonObject().put("memberCode", first));
      assertEquals(409, replay.statusCode(), replay.bodyAsString());
      assertEquals("code_already_used", problemCode(replay));

      // The phone back online sees its shown code used and moves on to the next one by itself.
      network.plugIn();
      ChromiumNetworkConditions online = new ChromiumNetworkConditions();
      phoneBrowser.driver.setNetworkConditions(online);
      phoneBrowser.wait.until(d -> {
        String c = d.findElement(By.id("member-code")).getAttribute("data-counter");
        return "2".equals(c) || "0".equals(c); // 0: the half-minute turned meanwhile
      });
      world.assertLedgerOk();
    }
  }

  @Test
  void aLostPhoneIsRevokedFromAnotherAndSignOutRevokesThisOne() throws Exception {
    PosWorld world = new PosWorld(api, "lost");
    PosWorld.Till bakery = world.shop("老街面包");
    String phone = "+8613500" + String.format("%06d", ProcessHandle.current().pid() % 1_000_000);
    try (Browser lost = new Browser(base, 412, 915); Browser found = new Browser(base, 412, 915)) {
      signInToWallet(lost, api, world.allianceId, phone);
      String lostCode = lost.visible("#member-code").getAttribute("data-code");
      signInToWallet(found, api, world.allianceId, phone);
      long lostId = Long.parseLong(lostCode.substring(2, 10));
      found.click("#revoke-" + lostId);
      found.visible("#device-" + lostId + "[data-revoked='1']");
      found.screenshot("wallet-devices");
      // The lost phone, still open, finds itself revoked: its key is gone and it asks to sign in again.
      lost.visible("#phone");
      lost.waitText("#msg", "请重新登录");
      assertEquals("none", lost.driver.executeAsyncScript("const done = arguments[0];"
          + "import('/portal/app/keystore.js').then((k) => k.loadDevice()).then((d) => done(d ? 'kept' : 'none'), (e) => done('ERROR ' + e));"));
      api.clock.set(Instant.now());
      var refused = world.pos(bakery, "identify", PosWorld.key(), new JsonObject().put("memberCode", lostCode));
      assertTrue(refused.statusCode() >= 400, refused.bodyAsString());

      String token = memberToken(found);
      String foundCode = found.visible("#member-code").getAttribute("data-code");
      long foundId = Long.parseLong(foundCode.substring(2, 10));
      found.click("#sign-out");
      found.visible("#phone");
      JsonArray devices = expect(200, api.get("/v1/members/me/devices", token)).getJsonArray("items");
      for (int i = 0; i < devices.size(); i++) {
        JsonObject d = devices.getJsonObject(i);
        assertTrue(d.getString("revokedAt") != null, d.encode());
        assertEquals("member", d.getString("revokedBy"), "device " + d.getLong("id") + " (this phone: " + foundId + ")");
      }
    }
  }

  /** A phone whose clock is 7 minutes slow: the wallet learns the offset from the server's Date header and corrects. */
  @Test
  void aPhoneWithItsClockOffStillShowsGoodCodes() throws Exception {
    PosWorld world = new PosWorld(api, "skew");
    PosWorld.Till bakery = world.shop("老街面包");
    String phone = "+8613400" + String.format("%06d", ProcessHandle.current().pid() % 1_000_000);
    try (Browser slow = new Browser(base, 412, 915)) {
      long skewMillis = -(7 * 60_000L + 13_000L);
      slow.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", java.util.Map.of("source",
          "(() => { const Real = Date; const skew = " + skewMillis + "; const realNow = Real.now.bind(Real);"
          + "class Slow extends Real { constructor(...a) { super(...(a.length ? a : [realNow() + skew])); }"
          + " static now() { return realNow() + skew; } } window.Date = Slow; })();"));
      signInToWallet(slow, api, world.allianceId, phone);
      assertTrue((Long) slow.driver.executeScript("return Date.now()") < System.currentTimeMillis() - 400_000, "the page's clock is slow");
      slow.wait.until(d -> {
        long realStep = Instant.now().getEpochSecond() / 30;
        String step = d.findElement(By.id("member-code")).getAttribute("data-step");
        return step != null && Math.abs(Long.parseLong(step) - realStep) <= 1;
      });
      // Wait for a fresh step so the code read now is well inside it.
      while (Instant.now().getEpochSecond() % 30 > 20) {
        Thread.sleep(500);
      }
      slow.wait.until(d -> String.valueOf(Instant.now().getEpochSecond() / 30)
          .equals(d.findElement(By.id("member-code")).getAttribute("data-step")));
      String code = readShownCode(slow, "slow-clock");
      api.clock.set(Instant.now());
      expect(200, world.pos(bakery, "identify", PosWorld.key(), new JsonObject().put("memberCode", code)));
    }
  }

  /** The QR code and the barcode on screen, each read by ZXing from a screenshot: both say what the page shows. */
  static String readShownCode(Browser browser, String name) throws Exception {
    String shown = browser.driver.findElement(By.id("member-code")).getAttribute("data-code");
    byte[] qr = browser.visible("#member-qr").getScreenshotAs(OutputType.BYTES);
    byte[] bar = browser.visible("#member-barcode").getScreenshotAs(OutputType.BYTES);
    Files.createDirectories(Browser.SCREENSHOTS);
    Files.write(Browser.SCREENSHOTS.resolve("wallet-" + name + "-qr.png"), qr);
    Files.write(Browser.SCREENSHOTS.resolve("wallet-" + name + "-barcode.png"), bar);
    String fromQr = QrImages.decode(ImageIO.read(new ByteArrayInputStream(qr)))
        .orElseThrow(() -> new AssertionError("ZXing could not read the wallet's QR code"));
    String fromBar = WalletEncodersBrowserTest.readCode128(ImageIO.read(new ByteArrayInputStream(bar)));
    assertEquals(shown, fromQr);
    assertEquals(shown, fromBar);
    assertEquals(shown.replaceAll("(\\d{4})(?=\\d)", "$1 "), browser.visible("#code-digits").getText());
    return fromQr;
  }

  /** Signs a member in on the wallet page (the code from the test's SMS inbox) and waits for the first LP2 code. */
  static void signInToWallet(Browser browser, ApiFixture api, long allianceId, String phone) {
    BrowserTestBase.signInToWallet(browser, api, allianceId, phone);
  }

  static String memberToken(Browser browser) {
    return browser.memberToken();
  }
}
