package io.linkpoints.till.qr;

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
  /** "88", device 00001234, step digit 7, counter 3, MAC 12345678. */
  private static final String MEMBER_CODE = "88000012347312345678";
  private static final String SHOP_CODE = "LPS1:AB3DE5GH7JK9MN2PQ4RS6TV8WX";

  @Test
  void decodesAMemberQrFromAnImageFile(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("code.png");
    ImageIO.write(MemberCodeImages.qr(MEMBER_CODE, 8), "png", png.toFile());
    assertEquals(MEMBER_CODE, QrImages.decode(png).orElseThrow());
  }

  @Test
  void decodesAMemberBarcodeFromAPhoto(@TempDir Path dir) throws Exception {
    Path png = dir.resolve("barcode.png");
    ImageIO.write(MemberCodeImages.barcode(MEMBER_CODE, 3, 90), "png", png.toFile());
    assertEquals(MEMBER_CODE, QrImages.decode(png).orElseThrow());
  }

  @Test
  void decodesEitherSymbologyInACameraFrame() {
    // A phone held up to the camera: the code is small, off-centre, on a grey background.
    assertEquals(MEMBER_CODE, QrImages.decode(frameWith(MemberCodeImages.qr(MEMBER_CODE, 6), 330, 140)).orElseThrow());
    assertEquals(MEMBER_CODE, QrImages.decode(frameWith(MemberCodeImages.barcode(MEMBER_CODE, 2, 80), 200, 300))
        .orElseThrow());
  }

  @Test
  void stillReadsShopAndCouponCodes() {
    assertEquals(SHOP_CODE, QrImages.decode(QrImages.encode(SHOP_CODE, 400)).orElseThrow());
    assertEquals(SHOP_CODE, QrImages.decode(frameWith(QrImages.encode(SHOP_CODE, 260), 40, 60)).orElseThrow());
    assertEquals("LPC1:7H3K9Q", QrImages.decode(QrImages.encode("LPC1:7H3K9Q", 300)).orElseThrow());
  }

  private static BufferedImage frameWith(BufferedImage code, int x, int y) {
    BufferedImage frame = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = frame.createGraphics();
    g.setColor(new Color(120, 120, 120));
    g.fillRect(0, 0, 640, 480);
    g.drawImage(code, x, y, null);
    g.dispose();
    return frame;
  }

  @Test
  void aFrameWithoutACodeDecodesToNothing() {
    BufferedImage blank = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
    assertTrue(QrImages.decode(blank).isEmpty());
  }

  @Test
  void scannerTextIsStrippedOfPrefixSuffixAndLineEnds() {
    ScannerInput scanner = new ScannerInput("@", "#");
    assertEquals(new ScannedCode(ScannedCode.Kind.MEMBER, MEMBER_CODE), scanner.read("@" + MEMBER_CODE + "#\r\n").orElseThrow());
    assertEquals(ScannedCode.Kind.COUPON, scanner.read("@LPC1:7H3K9Q#\n").orElseThrow().kind());
    assertEquals(ScannedCode.Kind.UNKNOWN, scanner.read("@6901234567892#").orElseThrow().kind());
    assertTrue(scanner.read(MEMBER_CODE + "#").isEmpty(), "missing prefix: not a whole scan");
    assertTrue(scanner.read("@" + MEMBER_CODE).isEmpty(), "missing suffix: not a whole scan");
    assertTrue(scanner.read("@#").isEmpty(), "nothing scanned");
    assertTrue(scanner.read("@LPC1:会员#").isEmpty(), "wrong keyboard layout garbles codes");
    assertTrue(scanner.read("@" + "A".repeat(ScannedCode.MAX_LENGTH + 1) + "#").isEmpty(), "too long");
    assertEquals(MEMBER_CODE, ScannerInput.standard().read(MEMBER_CODE + "\r").orElseThrow().text());
  }

  @Test
  void scannerTextLosesTabsSymbologyIdentifiersAndFullWidthDigits() {
    ScannerInput scanner = ScannerInput.standard();
    for (String aim : new String[] {"]C0", "]Q1", "]Q2", "]Q3", "]Q4", "]Q5", "]Q6", "]E0", "]d2"}) {
      assertEquals(member(), scanner.read(aim + MEMBER_CODE + "\r\n").orElseThrow(), aim);
    }
    assertEquals(member(), scanner.read("\t" + MEMBER_CODE + "\t\r").orElseThrow());
    assertEquals(member(), scanner.read("８８００００１２３４７３１２３４５６７８\n").orElseThrow());
    assertEquals(member(), scanner.read("]Q1８８００００１２３４７３12345678\r\n").orElseThrow());
  }

  @Test
  void anythingButTwentyDigitsStartingWith88IsNotAMemberCode() {
    ScannerInput scanner = ScannerInput.standard();
    for (String text : new String[] {MEMBER_CODE.substring(1), MEMBER_CODE + "0", "87" + MEMBER_CODE.substring(2),
        "88A00012347312345678", "LP1:eyJraWQiOiJrMSJ9.eyJzdWIiOiJtIn0.c2ln", "6901234567892", "LPS1:ABC"}) {
      ScannedCode scanned = scanner.read(text + "\r").orElseThrow();
      assertEquals(ScannedCode.Kind.UNKNOWN, scanned.kind(), text);
      assertEquals("not a Linkpoints member code", scanned.problem());
    }
  }

  private static ScannedCode member() {
    return new ScannedCode(ScannedCode.Kind.MEMBER, MEMBER_CODE);
  }
}
