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

  /** The text of the QR code in the image, if one can be found. */
  public static Optional<String> decode(BufferedImage image) {
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
