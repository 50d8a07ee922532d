package io.linkpoints.qr;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import com.google.zxing.qrcode.encoder.QRCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * QR codes drawn with ZXing: error correction M, a quiet zone of 4 modules, whole pixels per
 * module so phones and cameras read them crisply. CPU only, a millisecond or so: callers on an
 * event loop still run it with executeBlocking, as PNG encoding goes through ImageIO.
 */
public final class QrRender {
  public static final int QUIET_ZONE = 4;
  public static final int PIXELS_PER_MODULE = 5;

  private QrRender() {
  }

  /** The QR code ZXing makes for this text at level M (its version says how dense it is). */
  public static QRCode encode(String text) {
    Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
    hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.ISO_8859_1.name());
    try {
      return Encoder.encode(text, ErrorCorrectionLevel.M, hints);
    } catch (WriterException e) {
      throw new IllegalArgumentException("cannot encode as a QR code: " + e.getMessage(), e);
    }
  }

  public static byte[] png(String text) {
    BitMatrix bits = bits(encode(text));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      MatrixToImageWriter.writeToStream(bits, "PNG", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** An SVG with one path of unit squares, scaled by the viewBox: small and sharp at any size. */
  public static String svg(String text) {
    ByteMatrix m = encode(text).getMatrix();
    int size = m.getWidth() + 2 * QUIET_ZONE;
    StringBuilder path = new StringBuilder();
    for (int y = 0; y < m.getHeight(); y++) {
      for (int x = 0; x < m.getWidth(); x++) {
        if (m.get(x, y) == 1) {
          path.append('M').append(x + QUIET_ZONE).append(' ').append(y + QUIET_ZONE).append("h1v1h-1z");
        }
      }
    }
    int pixels = size * PIXELS_PER_MODULE;
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + pixels + "\" height=\"" + pixels
        + "\" viewBox=\"0 0 " + size + " " + size + "\" shape-rendering=\"crispEdges\">"
        + "<rect width=\"" + size + "\" height=\"" + size + "\" fill=\"#fff\"/>"
        + "<path fill=\"#000\" d=\"" + path + "\"/></svg>";
  }

  private static BitMatrix bits(QRCode code) {
    ByteMatrix m = code.getMatrix();
    int size = (m.getWidth() + 2 * QUIET_ZONE) * PIXELS_PER_MODULE;
    BitMatrix bits = new BitMatrix(size, size);
    for (int y = 0; y < m.getHeight(); y++) {
      for (int x = 0; x < m.getWidth(); x++) {
        if (m.get(x, y) == 1) {
          bits.setRegion((x + QUIET_ZONE) * PIXELS_PER_MODULE, (y + QUIET_ZONE) * PIXELS_PER_MODULE,
              PIXELS_PER_MODULE, PIXELS_PER_MODULE);
        }
      }
    }
    return bits;
  }
}
