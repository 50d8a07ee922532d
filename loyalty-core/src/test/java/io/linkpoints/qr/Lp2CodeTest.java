package io.linkpoints.qr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Random;
import javax.crypto.Mac;
import org.junit.jupiter.api.Test;

class Lp2CodeTest {
  private static final byte[] SECRET = new byte[32];

  static {
    for (int i = 0; i < SECRET.length; i++) {
      SECRET[i] = (byte) i;
    }
  }

  /** The wallet's lp2.js is tested against the same vectors (secret = bytes 0..31). */
  @Test
  void codesMatchTheVectorsTheWalletIsTestedWith() {
    assertEquals("88000000010019965001", Lp2Code.code(SECRET, 1, 59_000_000L, 0));
    assertEquals("88123456781323243769", Lp2Code.code(SECRET, 12_345_678, 59_000_001L, 3));
    assertEquals("88000000421965783359", Lp2Code.code(SECRET, 42, 1, 9));
  }

  @Test
  void aCodeIsTwentyDigitsThatParseBackToItsParts() {
    String code = Lp2Code.code(SECRET, 12_345_678, 59_000_001L, 3);
    Lp2Code.Parsed p = Lp2Code.parse(code).orElseThrow();
    assertEquals(12_345_678, p.deviceId());
    assertEquals(1, p.stepDigit());
    assertEquals(3, p.counter());
    assertEquals(23_243_769, p.mac());
    assertTrue(Lp2Code.matches(Lp2Code.mac(SECRET), p, 59_000_001L));
    assertFalse(Lp2Code.matches(Lp2Code.mac(SECRET), p, 59_000_011L), "same last digit, other step");
  }

  @Test
  void everySingleChangedDigitIsRefused() {
    Mac mac = Lp2Code.mac(SECRET);
    long step = 59_000_001L;
    String code = Lp2Code.code(mac, 777, step, 4);
    int refused = 0;
    for (int i = 2; i < code.length(); i++) {
      for (char d = '0'; d <= '9'; d++) {
        if (d == code.charAt(i)) {
          continue;
        }
        String changed = code.substring(0, i) + d + code.substring(i + 1);
        var parsed = Lp2Code.parse(changed);
        if (parsed.isEmpty() || parsed.get().deviceId() != 777) {
          refused++; // another device (or none): its own secret would have to match
          continue;
        }
        long candidate = Lp2Code.nearestStep(parsed.get().stepDigit(), step);
        assertFalse(Lp2Code.matches(mac, parsed.get(), candidate), changed);
        refused++;
      }
    }
    assertEquals(18 * 9, refused);
  }

  @Test
  void malformedTextIsNotACode() {
    for (String text : new String[] {null, "", "8800000001001996500", "880000000100199650011", "87000000010019965001",
        "88000000000019965001", "8800000001001996500a", "８８000000010019965001", "88000000010019965001\n"}) {
      assertTrue(Lp2Code.parse(text).isEmpty(), String.valueOf(text));
    }
  }

  @Test
  void theNearestStepWithADigitIsWithinFiveStepsOfTheReference() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      long reference = 10 + random.nextInt(100_000_000);
      int offset = random.nextInt(9) - 4;
      long step = reference + offset;
      assertEquals(step, Lp2Code.nearestStep((int) (step % 10), reference));
    }
    assertEquals(59_000_000L, Lp2Code.stepOf(Instant.ofEpochSecond(59_000_000L * 30 + 29)));
  }

  @Test
  void outOfRangePartsAreRefusedWhenMakingACode() {
    assertThrows(IllegalArgumentException.class, () -> Lp2Code.code(SECRET, 0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Lp2Code.code(SECRET, 100_000_000L, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> Lp2Code.code(SECRET, 1, 1, 10));
  }

  /** The truncated MAC is close to uniform over 10^8: the forgery odds in docs/pos-and-codes.md rest on it. */
  @Test
  void macDigitsAreSpreadEvenly() {
    Mac mac = Lp2Code.mac(SECRET);
    int[] firstDigit = new int[10];
    int n = 50_000;
    for (int i = 0; i < n; i++) {
      firstDigit[Lp2Code.parse(Lp2Code.code(mac, 1 + i % 1000, i, i % 10)).orElseThrow().mac() / 10_000_000]++;
    }
    for (int count : firstDigit) {
      assertTrue(Math.abs(count - n / 10) < 400, java.util.Arrays.toString(firstDigit));
    }
  }
}
