package io.linkpoints.portal.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.oned.Code128Reader;
import com.google.zxing.oned.Code128Writer;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import com.google.zxing.qrcode.encoder.QRCode;
import io.linkpoints.portal.PortalPages;
import io.linkpoints.till.qr.QrImages;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;

/**
 * The wallet's own encoders (app/qr.js, app/code128.js) and LP2 codes (app/lp2.js) in real Chromium, checked against
 * ZXing and the LP2 test vectors; and the wallet shell's service worker. Only the portal's static files are served
 * (PortalPages): no database, no API.
 */
class WalletEncodersBrowserTest {
  static final int CODES = 250;
  private static Vertx vertx;
  private static HttpServer server;
  private static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/blank").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .end("<!doctype html><meta charset=utf-8><body style=\"margin:0;background:#fff\"><div id=out></div>"));
    new PortalPages().mount(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0).toCompletionStage().toCompletableFuture().get();
    browser = new Browser("http://localhost:" + server.actualPort(), 600, 900);
    browser.open("/blank");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static Object js(String body, Object... args) {
    return browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "(async () => {" + body + "})().then(done, (e) => done('ERROR ' + e + ' ' + e.stack));", args);
  }

  static List<String> randomLp2Codes(long seed, int n) {
    Random random = new Random(seed);
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StringBuilder sb = new StringBuilder("88");
      for (int d = 0; d < 18; d++) {
        sb.append((char) ('0' + random.nextInt(10)));
      }
      codes.add(sb.toString());
    }
    // The edges: all zeros and all nines after the prefix.
    codes.set(0, "88000000000000000000");
    codes.set(1, "88999999999999999999");
    return codes;
  }

  @Test
  @SuppressWarnings("unchecked")
  void qrMatricesAreIdenticalToZxings() throws Exception {
    List<String> codes = randomLp2Codes(20261207L, CODES);
    Object result = js("const { qrEncode } = await import('/portal/app/qr.js');"
        + "return arguments[0].map((c) => { const q = qrEncode(c); return q.version + ':' + q.modules.map((r) => r.join('')).join('/'); });",
        codes);
    assertTrue(result instanceof List, String.valueOf(result));
    List<String> fromJs = (List<String>) result;
    assertEquals(codes.size(), fromJs.size());
    Map<com.google.zxing.EncodeHintType, Object> hints = new EnumMap<>(com.google.zxing.EncodeHintType.class);
    int compared = 0;
    java.util.Set<Integer> masks = new java.util.HashSet<>();
    for (int i = 0; i < codes.size(); i++) {
      QRCode qr = Encoder.encode(codes.get(i), ErrorCorrectionLevel.M, hints);
      ByteMatrix m = qr.getMatrix();
      StringBuilder expected = new StringBuilder().append(qr.getVersion().getVersionNumber()).append(':');
      for (int y = 0; y < m.getHeight(); y++) {
        if (y > 0) {
          expected.append('/');
        }
        for (int x = 0; x < m.getWidth(); x++) {
          expected.append(m.get(x, y));
        }
      }
      assertEquals(expected.toString(), fromJs.get(i), "QR of " + codes.get(i) + " (ZXing mask " + qr.getMaskPattern() + ")");
      assertEquals(1, qr.getVersion().getVersionNumber(), "a 20-digit code fits version 1");
      masks.add(qr.getMaskPattern());
      compared++;
    }
    assertEquals(CODES, compared);
    assertTrue(masks.size() >= 6, "the codes exercise the mask choice: " + masks);
  }

  @Test
  @SuppressWarnings("unchecked")
  void code128BarsAreIdenticalToZxings() throws Exception {
    List<String> codes = randomLp2Codes(128L, CODES);
    Object result = js("const { code128Runs } = await import('/portal/app/code128.js');"
        + "return arguments[0].map((c) => code128Runs(c).join(''));", codes);
    assertTrue(result instanceof List, String.valueOf(result));
    List<String> fromJs = (List<String>) result;
    for (int i = 0; i < codes.size(); i++) {
      BitMatrix row = new Code128Writer().encode(codes.get(i), BarcodeFormat.CODE_128, 0, 1);
      assertEquals(runs(row), fromJs.get(i), "Code 128 of " + codes.get(i));
    }
  }

  /** Run widths from the first dark module to the last (the quiet zones left out). */
  private static String runs(BitMatrix matrix) {
    int first = 0;
    int last = matrix.getWidth() - 1;
    while (!matrix.get(first, 0)) {
      first++;
    }
    while (!matrix.get(last, 0)) {
      last--;
    }
    StringBuilder sb = new StringBuilder();
    int run = 1;
    for (int x = first + 1; x <= last + 1; x++) {
      if (x <= last && matrix.get(x, 0) == matrix.get(x - 1, 0)) {
        run++;
      } else {
        assertTrue(run < 10);
        sb.append(run);
        run = 1;
      }
    }
    return sb.toString();
  }

  @Test
  void lp2VectorsMatch() {
    Object result = js("const { importSecret, lp2Code } = await import('/portal/app/lp2.js');"
        + "const key = await importSecret(Uint8Array.from({ length: 32 }, (_, i) => i));"
        + "return [await lp2Code(key, 1, 59000000, 0), await lp2Code(key, 12345678, 59000001, 3), await lp2Code(key, 42, 1, 9),"
        + " String(key.extractable), await crypto.subtle.exportKey('raw', key).then(() => 'exported', () => 'refused')];");
    assertEquals(List.of("88000000010019965001", "88123456781323243769", "88000000421965783359", "false", "refused"), result);
  }

  /** Drawn as SVG at 6 device px a QR module and 2 a narrow bar, both read back by ZXing from a screenshot. */
  @Test
  void drawnCodesReadBack() throws Exception {
    String code = "88000000421965783359";
    Object ok = js("const { qrSvg } = await import('/portal/app/qr.js'); const { code128Svg } = await import('/portal/app/code128.js');"
        + "const out = document.getElementById('out'); out.replaceChildren();"
        + "const q = qrSvg(arguments[0], 6); q.id = 'qr'; const b = code128Svg(arguments[0], 2, 60); b.id = 'bar';"
        + "out.append(q, document.createElement('br'), b); return q.getAttribute('width') + 'x' + b.getAttribute('width');", code);
    assertEquals("174x330", ok); // (21 + 8) * 6 and (145 + 20) * 2 CSS px at devicePixelRatio 1
    Files.createDirectories(Browser.SCREENSHOTS);
    byte[] qrPng = browser.driver.findElement(By.id("qr")).getScreenshotAs(OutputType.BYTES);
    Files.write(Browser.SCREENSHOTS.resolve("encoders-qr.png"), qrPng);
    assertEquals(code, QrImages.decode(ImageIO.read(new ByteArrayInputStream(qrPng))).orElseThrow());
    byte[] barPng = browser.driver.findElement(By.id("bar")).getScreenshotAs(OutputType.BYTES);
    Files.write(Browser.SCREENSHOTS.resolve("encoders-code128.png"), barPng);
    assertEquals(code, readCode128(ImageIO.read(new ByteArrayInputStream(barPng))));
  }

  static String readCode128(BufferedImage image) throws Exception {
    BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
    return new Code128Reader().decode(bitmap, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE)).getText();
  }

  /** The wallet's service worker installs from /portal/sw.js, caches the shell, and the wallet then opens offline. */
  @Test
  void walletShellIsServedForOfflineUse() throws Exception {
    try (Unplug network = new Unplug(server.actualPort()); Browser phone = new Browser("http://localhost:" + network.port(), 412, 915)) {
      phone.open("/portal/wallet.html?a=1");
      phone.wait.until(d -> "ready".equals(d.findElement(By.tagName("body")).getAttribute("data-sw")));
      phone.wait.until(d -> Boolean.TRUE.equals(phone.driver.executeScript("return navigator.serviceWorker.controller !== null")));
      Object headers = phone.driver.executeAsyncScript("const done = arguments[0]; (async () => {"
          + "const sw = await fetch('/portal/sw.js', { cache: 'no-store' }); const m = await fetch('/portal/manifest.webmanifest', { cache: 'no-store' });"
          + "const keys = await (await caches.open('lp-wallet-v3')).keys();"
          + "return [sw.headers.get('Content-Type').split(';')[0], sw.headers.get('Service-Worker-Allowed'), m.headers.get('Content-Type'),"
          + " (await m.json()).icons.length, keys.length]; })().then(done, (e) => done('ERROR ' + e));");
      assertEquals(List.of("text/javascript", "/portal/", "application/manifest+json", 2L, 13L), headers);
      ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
      offline.setOffline(true);
      phone.driver.setNetworkConditions(offline);
      network.unplug();
      phone.driver.navigate().refresh();
      phone.visible("#phone");
      phone.wait.until(d -> "1".equals(d.findElement(By.id("lang")).getAttribute("data-wired"))); // wallet.js ran
      assertEquals("联点 · 会员钱包", phone.driver.getTitle());
      Object apiOffline = phone.driver.executeAsyncScript("const done = arguments[0];"
          + "fetch('/v1/members/me').then((r) => done(r.status), (e) => done('ERROR ' + e));");
      assertEquals(503L, apiOffline);
      phone.screenshot("wallet-offline-shell");
    }
  }
}
