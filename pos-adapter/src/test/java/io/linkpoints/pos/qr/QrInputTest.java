package io.linkpoints.pos.qr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.qrcode.encoder.ByteMatrix;
import io.linkpoints.qr.QrRender;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QrInputTest {
  private static final String MEMBER_CODE = "LP1:eyJraWQiOiJrMSIsImFsZyI6IkVkRFNBIn0.eyJzdWIiOiJtX2FiYyJ9.c2lnbmF0dXJl";

  @Test
  void decodesACodeFromAnImageFile(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("code.png");
    ImageIO.write(QrImages.encode(MEMBER_CODE, 300), "png", png.toFile());
    assertEquals(MEMBER_CODE, QrImages.decode(png).orElseThrow());
  }

  @Test
  void decodesACodeInACameraFrame() {
    // A phone held up to the camera: the code is small, off-centre, on a grey background.
    BufferedImage frame = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = frame.createGraphics();
    g.setColor(new Color(120, 120, 120));
    g.fillRect(0, 0, 640, 480);
    g.drawImage(QrImages.encode(MEMBER_CODE, 220), 330, 140, null);
    g.dispose();
    assertEquals(MEMBER_CODE, QrImages.decode(frame).orElseThrow());
  }

  /** Two real member codes (the server's read-back check passes them at 5 px per module). */
  private static final String[] CODES_FOOLING_ONE_PASS_AT_260_PX = {
      "LP1:eyJraWQiOiJrMjAyNjExMjMta0dycndtX1ciLCJhbGciOiJFZERTQSJ9.eyJzdWIiOiIwYzUwMTcyYjQ0NTc0YTMzYmI0NzQ0Iiwian"
          + "RpIjoiOXY1cWphbFo0QlNGIiwiaWF0IjoxNzk1NDczODU2LCJleHAiOjE3OTU0NzM5MTZ9.mM1jgmxWEcLFmSPiJRLDdzsbwDLYWXun47bQ"
          + "UydwsC9QQ6hwLgYiuks9SZWAmJ-gWcSfAJwckipvzieRn1R6Dw",
      "LP1:eyJraWQiOiJrMjAyNjExMjMta0dycndtX1ciLCJhbGciOiJFZERTQSJ9.eyJzdWIiOiI5ZDJjZTdjNzNlZTE0NmVlOWNlZTEwIiwian"
          + "RpIjoid052WERBc3JibkMwIiwiaWF0IjoxNzk1NDczODY1LCJleHAiOjE3OTU0NzM5MjV9.cpZKP3_YVLOXkRrKHj3SBXbZegUTllM1mcCX"
          + "mU6r62T_Zxo0bXG_GzZRCY-iJwrqIsmFR-SxUzuwiZCFha_VAw"};

  @Test
  void aWalletCodeThatFoolsOnePassAtItsScreenSizeIsReadAtAnotherScale() {
    for (String code : CODES_FOOLING_ONE_PASS_AT_260_PX) {
      BufferedImage screen = asBrowserDrawsTheWalletSvg(code, 260);
      assertTrue(QrImages.readOnce(screen).isEmpty(), "one pass already reads it: the example no longer shows anything");
      assertEquals(code, QrImages.decode(screen).orElseThrow());
    }
  }

  /** The server's SVG (quiet zone 4, crispEdges) at a CSS size: each pixel takes the module under its centre. */
  private static BufferedImage asBrowserDrawsTheWalletSvg(String code, int pixels) {
    ByteMatrix modules = QrRender.encode(code).getMatrix();
    int quiet = QrRender.QUIET_ZONE;
    int size = modules.getWidth() + 2 * quiet;
    BufferedImage image = new BufferedImage(pixels, pixels, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < pixels; y++) {
      for (int x = 0; x < pixels; x++) {
        int mx = (int) ((x + 0.5) * size / pixels) - quiet;
        int my = (int) ((y + 0.5) * size / pixels) - quiet;
        boolean dark = mx >= 0 && my >= 0 && mx < modules.getWidth() && my < modules.getHeight() && modules.get(mx, my) == 1;
        image.setRGB(x, y, dark ? 0x000000 : 0xffffff);
      }
    }
    return image;
  }

  @Test
  void aFrameWithoutACodeDecodesToNothing() {
    BufferedImage blank = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
    assertTrue(QrImages.decode(blank).isEmpty());
  }

  @Test
  void scannerTextIsStrippedOfPrefixSuffixAndLineEnds() {
    ScannerInput scanner = new ScannerInput("]Q1", "#");
    assertEquals(new ScannedCode(ScannedCode.Kind.MEMBER, MEMBER_CODE), scanner.read("]Q1" + MEMBER_CODE + "#\r\n").orElseThrow());
    assertEquals(ScannedCode.Kind.COUPON, scanner.read("]Q1LPC1:7H3K9Q#\n").orElseThrow().kind());
    assertEquals(ScannedCode.Kind.UNKNOWN, scanner.read("]Q16901234567892#").orElseThrow().kind());
    assertTrue(scanner.read(MEMBER_CODE + "#").isEmpty(), "missing prefix: not a whole scan");
    assertTrue(scanner.read("]Q1" + MEMBER_CODE).isEmpty(), "missing suffix: not a whole scan");
    assertTrue(scanner.read("]Q1#").isEmpty(), "nothing scanned");
    assertTrue(scanner.read("]Q1LP1:会员#").isEmpty(), "wrong keyboard layout garbles codes");
    assertTrue(scanner.read("]Q1" + "A".repeat(ScannedCode.MAX_LENGTH + 1) + "#").isEmpty(), "too long");
    assertEquals(MEMBER_CODE, ScannerInput.standard().read(MEMBER_CODE + "\r").orElseThrow().text());
  }
}
