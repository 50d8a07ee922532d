package io.linkpoints.pos.qr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
