package io.linkpoints.till.qr;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.oned.Code128Writer;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.EnumMap;
import java.util.Map;

/**
 * An LP2 member code drawn the way the wallet draws it on the phone: every module a whole number
 * of pixels (a fractional module width smears edges and is what makes scanners miss), with the
 * quiet zone each symbology needs (QR 4 modules, Code 128 10 modules each side).
 */
public final class MemberCodeImages {
  public static final int QR_QUIET_MODULES = 4;
  public static final int BARCODE_QUIET_MODULES = 10;

  private MemberCodeImages() {
  }

  /** The QR symbol's modules including its quiet zone, one bit per module (level M, numeric mode). */
  public static BitMatrix qrModules(String code) {
    Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
    hints.put(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M);
    hints.put(EncodeHintType.MARGIN, QR_QUIET_MODULES);
    try {
      // Size 0: ZXing returns one pixel per module, which we scale by a whole number.
      return new QRCodeWriter().encode(code, BarcodeFormat.QR_CODE, 0, 0, hints);
    } catch (WriterException e) {
      throw new IllegalArgumentException("cannot encode as a QR code: " + e.getMessage(), e);
    }
  }

  /** The Code 128 bars including both quiet zones, one bit per narrow module (one row). */
  public static BitMatrix barcodeModules(String code) {
    Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
    // ZXing's one-dimensional margin is the sum of both sides.
    hints.put(EncodeHintType.MARGIN, 2 * BARCODE_QUIET_MODULES);
    return new Code128Writer().encode(code, BarcodeFormat.CODE_128, 0, 1, hints);
  }

  public static BufferedImage qr(String code, int pixelsPerModule) {
    BitMatrix modules = qrModules(code);
    return draw(modules, pixelsPerModule, modules.getHeight() * pixelsPerModule);
  }

  public static BufferedImage barcode(String code, int pixelsPerModule, int heightPixels) {
    return draw(barcodeModules(code), pixelsPerModule, heightPixels);
  }

  /** Black on white, each module a block of whole pixels; a one-row matrix is stretched to the height. */
  private static BufferedImage draw(BitMatrix modules, int pixelsPerModule, int heightPixels) {
    if (pixelsPerModule < 1) {
      throw new IllegalArgumentException("pixels per module must be at least 1");
    }
    int width = modules.getWidth() * pixelsPerModule;
    BufferedImage image = new BufferedImage(width, heightPixels, BufferedImage.TYPE_BYTE_GRAY);
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int rowsPerModule = modules.getHeight() == 1 ? heightPixels : pixelsPerModule;
    for (int y = 0; y < heightPixels; y++) {
      int my = Math.min(y / rowsPerModule, modules.getHeight() - 1);
      for (int x = 0; x < width; x++) {
        pixels[y * width + x] = modules.get(x / pixelsPerModule, my) ? (byte) 0 : (byte) 0xff;
      }
    }
    return image;
  }
}
