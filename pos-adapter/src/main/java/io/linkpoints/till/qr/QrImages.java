package io.linkpoints.till.qr;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.EncodeHintType;
import com.google.zxing.NotFoundException;
import com.google.zxing.ReaderException;
import com.google.zxing.Result;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.multi.qrcode.QRCodeMultiReader;
import com.google.zxing.oned.Code128Reader;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Reads the codes a till sees (a member's LP2 code as QR or Code 128, a coupon or shop code as
 * QR) from camera frames or image files, and draws QR codes (ZXing).
 *
 * <p>One pass per image, no retries at other scales: with the multi-symbol QR finder (below),
 * every wallet-size LP2 code is read as drawn ({@code MemberCodeReadabilityTest}).
 */
public final class QrImages {
  private static final Map<DecodeHintType, Object> HINTS = readHints();

  private QrImages() {
  }

  private static Map<DecodeHintType, Object> readHints() {
    Map<DecodeHintType, Object> hints = new EnumMap<>(DecodeHintType.class);
    hints.put(DecodeHintType.POSSIBLE_FORMATS, List.of(BarcodeFormat.QR_CODE, BarcodeFormat.CODE_128));
    hints.put(DecodeHintType.TRY_HARDER, Boolean.TRUE);
    hints.put(DecodeHintType.CHARACTER_SET, StandardCharsets.UTF_8.name());
    return Map.copyOf(hints);
  }

  /**
   * The text of the QR code or Code 128 barcode in the image, if one pass finds one. QR first with
   * ZXing's multi-symbol finder: it tries every triple of finder patterns, where the single-symbol
   * finder keeps one and, for about 1 in 400 wallet-size LP2 codes, the wrong one (a finder-like
   * run in the data). When a frame holds several QR codes, a member code among them wins.
   */
  public static Optional<String> decode(BufferedImage image) {
    BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image)));
    try {
      Result[] found = new QRCodeMultiReader().decodeMultiple(bitmap, HINTS);
      return Arrays.stream(found).map(Result::getText)
          .filter(text -> ScannedCode.classify(text).kind() == ScannedCode.Kind.MEMBER)
          .findFirst().or(() -> Optional.of(found[0].getText()));
    } catch (NotFoundException noQrCode) {
      // perhaps the barcode
    }
    try {
      return Optional.of(new Code128Reader().decode(bitmap, HINTS).getText());
    } catch (ReaderException nothingReadable) {
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
