package io.linkpoints.till.receipt;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Renders a {@link Receipt} as ESC/POS bytes for a thermal receipt printer, with the claim code
 * printed by the printer itself as a QR code (GS ( k, model 2, error correction M). Chinese
 * text is sent in GB18030, which printers sold in China expect in their Chinese mode.
 */
public final class EscPosReceipt {
  static final Charset PRINTER_CHARSET = Charset.forName("GB18030");
  private static final int WIDTH = 32; // characters per line on 58 mm paper

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private EscPosReceipt() {
  }

  public static byte[] render(Receipt receipt) {
    EscPosReceipt r = new EscPosReceipt();
    r.bytes(0x1B, 0x40); // ESC @: initialise
    r.bytes(0x1C, 0x26); // FS &: Chinese character mode
    r.bytes(0x1B, 0x61, 1); // centre
    r.bytes(0x1B, 0x45, 1); // bold on
    r.line(receipt.shopName());
    r.bytes(0x1B, 0x45, 0);
    r.bytes(0x1B, 0x61, 0); // left
    r.line("-".repeat(WIDTH));
    for (Receipt.Line line : receipt.lines()) {
      r.line(columns(line.text(), Receipt.yuan(line.amountFen())));
    }
    r.line("-".repeat(WIDTH));
    r.line(columns("合计 Total", Receipt.yuan(receipt.totalFen())));
    if (receipt.claimCode() != null) {
      r.bytes(0x1B, 0x61, 1);
      r.line("");
      r.qr(receipt.claimCode());
      if (receipt.claimCaption() != null) {
        r.line(receipt.claimCaption());
      }
      r.bytes(0x1B, 0x61, 0);
    }
    r.bytes(0x1B, 0x64, 4); // feed 4 lines
    r.bytes(0x1D, 0x56, 0x42, 0x00); // GS V B: feed and partial cut
    return r.out.toByteArray();
  }

  private void qr(String data) {
    byte[] payload = data.getBytes(StandardCharsets.US_ASCII);
    if (payload.length > 700) {
      throw new IllegalArgumentException("QR payload too long for a receipt: " + payload.length + " bytes");
    }
    bytes(0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00); // fn 165: model 2
    bytes(0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 0x06); // fn 167: module size 6 dots
    bytes(0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 0x31); // fn 169: error correction M
    int len = payload.length + 3;
    bytes(0x1D, 0x28, 0x6B, len & 0xFF, (len >> 8) & 0xFF, 0x31, 0x50, 0x30); // fn 180: store
    out.writeBytes(payload);
    bytes(0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30); // fn 181: print
    bytes(0x0A);
  }

  private static String columns(String left, String right) {
    int pad = WIDTH - displayWidth(left) - displayWidth(right);
    return left + " ".repeat(Math.max(1, pad)) + right;
  }

  /** CJK characters take two columns on the printer. */
  static int displayWidth(String s) {
    int width = 0;
    for (int i = 0; i < s.length(); i++) {
      width += s.charAt(i) > 0x2E80 ? 2 : 1;
    }
    return width;
  }

  private void line(String text) {
    out.writeBytes(text.getBytes(PRINTER_CHARSET));
    out.write(0x0A);
  }

  private void bytes(int... values) {
    for (int v : values) {
      out.write(v);
    }
  }
}
