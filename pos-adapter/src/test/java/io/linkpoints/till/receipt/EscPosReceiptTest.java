package io.linkpoints.till.receipt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class EscPosReceiptTest {
  private final Receipt receipt = new Receipt("街角咖啡 Corner Café",
      List.of(new Receipt.Line("拿铁 Latte", 2800), new Receipt.Line("可颂 Croissant", 1050)), 3850,
      "LPS1:Q2F7K3M9", "扫码领取 38 积分");

  @Test
  void startsInitialisedAndEndsWithACut() {
    byte[] bytes = EscPosReceipt.render(receipt);
    assertArrayEquals(new byte[] {0x1B, 0x40}, Arrays.copyOfRange(bytes, 0, 2));
    assertArrayEquals(new byte[] {0x1D, 0x56, 0x42, 0x00}, Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length));
  }

  @Test
  void theClaimCodeIsStoredAndPrintedAsAQrCode() {
    byte[] bytes = EscPosReceipt.render(receipt);
    int store = indexOf(bytes, new byte[] {0x1D, 0x28, 0x6B});
    // Walk the GS ( k commands: model, size, error correction M, store, print.
    int errorCorrection = indexOf(bytes, new byte[] {0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45});
    assertEquals(0x31, bytes[errorCorrection + 7], "error correction level M");
    int storeAt = indexOf(bytes, new byte[] {0x31, 0x50, 0x30}) - 5;
    int len = (bytes[storeAt + 3] & 0xFF) | (bytes[storeAt + 4] & 0xFF) << 8;
    String stored = new String(bytes, storeAt + 8, len - 3, StandardCharsets.US_ASCII);
    assertEquals("LPS1:Q2F7K3M9", stored);
    assertTrue(indexOf(bytes, new byte[] {0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30}) > storeAt, "printed after storing");
    assertTrue(store >= 0);
  }

  @Test
  void chineseTextIsSentInGb18030AndMoneyInExactYuan() {
    byte[] bytes = EscPosReceipt.render(receipt);
    assertTrue(indexOf(bytes, "扫码领取 38 积分".getBytes(EscPosReceipt.PRINTER_CHARSET)) > 0);
    assertTrue(indexOf(bytes, "¥38.50".getBytes(EscPosReceipt.PRINTER_CHARSET)) > 0);
    assertEquals("-¥0.05", Receipt.yuan(-5));
    assertEquals("¥1234567.89", Receipt.yuan(123456789));
  }

  @Test
  void aReceiptWithoutAClaimCodeHasNoQr() {
    byte[] bytes = EscPosReceipt.render(new Receipt("Shop", List.of(), 0, null, null));
    assertEquals(-1, indexOf(bytes, new byte[] {0x1D, 0x28, 0x6B}));
    assertThrows(IllegalArgumentException.class,
        () -> EscPosReceipt.render(new Receipt("Shop", List.of(), 0, "X".repeat(701), null)));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
