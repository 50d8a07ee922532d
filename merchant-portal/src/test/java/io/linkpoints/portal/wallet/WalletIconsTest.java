package io.linkpoints.portal.wallet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The wallet's PWA icons (portal/icons/wallet-{192,512}.png) are drawn here, with plain rectangles so they are the
 * same on every JDK: the committed files must be what {@link #draw} makes. To redraw them:
 * {@code java -cp merchant-portal/target/test-classes io.linkpoints.portal.wallet.WalletIconsTest}
 * from the repository root (after a test compile).
 */
class WalletIconsTest {
  static final int[] SIZES = {192, 512};
  static final Path DIR = Path.of("merchant-portal/src/main/resources/portal/icons");

  /** A white code card with three finder squares on the portal's red, inside the maskable safe zone (80 %). */
  static BufferedImage draw(int size) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(0xc0392b));
    g.fillRect(0, 0, size, size);
    int u = size / 24; // one module of a 12-module card, centred
    int card = 12 * u;
    int o = (size - card) / 2;
    g.setColor(Color.WHITE);
    g.fillRect(o - u, o - u, card + 2 * u, card + 2 * u);
    g.setColor(new Color(0x222222));
    for (int[] corner : new int[][] {{0, 0}, {7, 0}, {0, 7}}) {
      int x = o + corner[0] * u;
      int y = o + corner[1] * u;
      g.fillRect(x, y, 5 * u, 5 * u);
      g.setColor(Color.WHITE);
      g.fillRect(x + u, y + u, 3 * u, 3 * u);
      g.setColor(new Color(0x222222));
      g.fillRect(x + 2 * u, y + 2 * u, u, u);
    }
    for (int[] m : new int[][] {{7, 7}, {9, 7}, {8, 8}, {10, 9}, {7, 10}, {9, 10}, {11, 11}, {8, 11}}) {
      g.fillRect(o + m[0] * u, o + m[1] * u, u, u);
    }
    g.dispose();
    return img;
  }

  public static void main(String[] args) throws IOException {
    Files.createDirectories(DIR);
    for (int size : SIZES) {
      ImageIO.write(draw(size), "png", DIR.resolve("wallet-" + size + ".png").toFile());
    }
  }

  @Test
  void committedIconsAreTheDrawnOnes() throws IOException {
    for (int size : SIZES) {
      BufferedImage committed;
      try (InputStream in = getClass().getResourceAsStream("/portal/icons/wallet-" + size + ".png")) {
        committed = ImageIO.read(in);
      }
      BufferedImage drawn = draw(size);
      assertEquals(size, committed.getWidth());
      assertEquals(size, committed.getHeight());
      assertArrayEquals(drawn.getRGB(0, 0, size, size, null, 0, size), committed.getRGB(0, 0, size, size, null, 0, size),
          "wallet-" + size + ".png differs from WalletIconsTest.draw: run its main to redraw");
    }
  }
}
