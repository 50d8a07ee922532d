package io.linkpoints.qr;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.LuminanceSource;
import com.google.zxing.ReaderException;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.GlobalHistogramBinarizer;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.multi.qrcode.QRCodeMultiReader;
import com.google.zxing.qrcode.QRCodeReader;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads the QR code in a photo a member took (PNG or JPEG, at most {@link #MAX_BYTES}) with
 * ZXing's camera-style reader. The image's size is checked from its header before its pixels are
 * decoded, so a small file cannot unpack into a huge bitmap. Blocking (CPU): run with executeBlocking.
 */
public final class QrScan {
  public static final int MAX_BYTES = 2 * 1024 * 1024;
  /** 4000 x 4000; the wallet sends at most 2000 px a side. */
  public static final long MAX_PIXELS = 16_000_000L;

  private QrScan() {
  }

  /** The text of the QR code in the image; 422 image_unreadable or qr_not_found when there is none. */
  public static String decode(byte[] image) {
    if (image.length == 0 || image.length > MAX_BYTES) {
      throw ProblemCode.IMAGE_UNREADABLE.refuse("the image must be a PNG or JPEG of at most 2 MB");
    }
    BufferedImage picture = read(image);
    LuminanceSource source = new BufferedImageLuminanceSource(picture);
    Map<DecodeHintType, Object> hints = new EnumMap<>(DecodeHintType.class);
    hints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
    hints.put(DecodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
    // ZXing's multi-symbol finder first: it tries every triple of finder patterns, where the
    // single-symbol one keeps one and, for some codes, the wrong one (a finder-like run in the
    // data): PosApiTest's clean shop-code render was refused now and then. The single-symbol
    // reader stays as the last try (it copes better with a photo's perspective).
    for (BinaryBitmap bitmap : new BinaryBitmap[] {new BinaryBitmap(new HybridBinarizer(source)),
        new BinaryBitmap(new GlobalHistogramBinarizer(source))}) {
      try {
        return new QRCodeMultiReader().decodeMultiple(bitmap, hints)[0].getText();
      } catch (ReaderException e) {
        // the single-symbol reader, then the other binarizer
      }
      try {
        return new QRCodeReader().decode(bitmap, hints).getText();
      } catch (ReaderException e) {
        // try the other binarizer
      }
    }
    throw ProblemCode.QR_NOT_FOUND.refuse("no QR code could be read in this image");
  }

  private static BufferedImage read(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw ProblemCode.IMAGE_UNREADABLE.refuse("the image must be a PNG or JPEG");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        if ((long) reader.getWidth(0) * reader.getHeight(0) > MAX_PIXELS) {
          throw ProblemCode.IMAGE_UNREADABLE.refuse("the image has too many pixels");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ApiException api) {
        throw api;
      }
      throw ProblemCode.IMAGE_UNREADABLE.refuse("the image could not be read");
    }
  }
}
