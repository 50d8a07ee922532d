package io.linkpoints.pos.qr;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.EncodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.Result;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/** Reads QR codes from camera frames or image files, and draws them (ZXing). */
public final class QrImages {
  private QrImages() {
  }

  /**
   * Scales at which a still image is read again when the first read finds no code. ZXing's
   * detector is now and then fooled by a false finder or alignment pattern that the data happens
   * to draw at one particular size: about one version-12 member code in a hundred at some screen
   * sizes (a wallet's QR shown at 260 px, say). A camera gets a new frame at another distance; a
   * still image gets these. The larger side of a scaled copy stays within 100..3000 px.
   */
  private static final double[] RETRY_SCALES = {0.75, 0.5, 1.5, 0.6};
  private static final int MIN_SCALED_SIDE = 100;
  private static final int MAX_SCALED_SIDE = 3000;

  /** The text of the QR code in the image, if one can be found (read as is, then at other scales). */
  public static Optional<String> decode(BufferedImage image) {
    Optional<String> text = readOnce(image);
    int side = Math.max(image.getWidth(), image.getHeight());
    for (int i = 0; text.isEmpty() && i < RETRY_SCALES.length; i++) {
      int scaledSide = (int) Math.round(side * RETRY_SCALES[i]);
      if (scaledSide >= MIN_SCALED_SIDE && scaledSide <= MAX_SCALED_SIDE) {
        text = readOnce(scaled(image, RETRY_SCALES[i]));
      }
    }
    return text;
  }

  /** One pass of ZXing's camera-style reader (no pure-image shortcut). */
  public static Optional<String> readOnce(BufferedImage image) {
    Map<DecodeHintType, Object> hints = new EnumMap<>(DecodeHintType.class);
    hints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
    hints.put(DecodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
    BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
    try {
      Result result = new QRCodeReader().decode(bitmap, hints);
      return Optional.of(result.getText());
    } catch (NotFoundException | com.google.zxing.ChecksumException | com.google.zxing.FormatException e) {
      return Optional.empty();
    }
  }

  private static BufferedImage scaled(BufferedImage image, double scale) {
    int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
    BufferedImage copy = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = copy.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return copy;
  }

  public static Optional<String> decode(Path imageFile) throws IOException {
    BufferedImage image = ImageIO.read(imageFile.toFile());
    if (image == null) {
      throw new IOException("not an image ZXing can read: " + imageFile);
    }
    return decode(image);
  }

  /** A QR code image: error correction M, quiet zone of 4 modules. */
  public static BufferedImage encode(String text, int sizePixels) {
    Map<EncodeHintType, Object> hints = new EnumMap<>(EncodeHintType.class);
    hints.put(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M);
    hints.put(EncodeHintType.MARGIN, 4);
    hints.put(EncodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
    try {
      BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, sizePixels, sizePixels, hints);
      return MatrixToImageWriter.toBufferedImage(matrix);
    } catch (com.google.zxing.WriterException e) {
      throw new IllegalArgumentException("cannot encode as a QR code: " + e.getMessage(), e);
    }
  }
}
