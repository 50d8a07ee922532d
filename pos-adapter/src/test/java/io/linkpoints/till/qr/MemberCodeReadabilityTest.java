package io.linkpoints.till.qr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.EncodeHintType;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.Encoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Every LP2 member code, drawn at wallet size as the wallet draws it (whole pixels per module,
 * full quiet zones), is read in one pass both by the till's own decoder (ZXing) and by an
 * independent one (zbar's {@code zbarimg}), as a QR code and as a Code 128 barcode.
 */
class MemberCodeReadabilityTest {
  private static final int CODES = 3_000;
  private static final long SEED = 20261207L;
  private static final Path ZBARIMG = Path.of("/usr/bin/zbarimg");
  private static final int ZBAR_BATCH = 500;

  /** One image of one code: which symbology, at which size, and where it was written. */
  private record Drawn(String code, String symbology, String size, Path file) {
  }

  @Test
  void everyWalletCodeIsReadInOnePassByZxingAndZbar() throws Exception {
    assertTrue(Files.isExecutable(ZBARIMG), "zbarimg missing: install Debian's zbar-tools (.ci/run does)");
    Path dir = freshDirectory(Path.of("target", "member-code-readability"));
    Random random = new Random(SEED);
    List<Drawn> drawn = new ArrayList<>();
    List<String> zxingMissed = new ArrayList<>();
    int i = 0;
    for (String code : randomCodes(random)) {
      assertTrue(qrVersion(code) <= 2, "QR version 1 or 2 for " + code);
      int qrPixels = 6 + random.nextInt(5);
      int barPixels = 2 + random.nextInt(3);
      int barHeight = 60 + random.nextInt(61);
      drawn.add(drawAndRead(code, "QR", qrPixels + "px/module", MemberCodeImages.qr(code, qrPixels),
          dir.resolve("qr-" + i + ".png"), zxingMissed));
      drawn.add(drawAndRead(code, "Code128", barPixels + "px/module h" + barHeight,
          MemberCodeImages.barcode(code, barPixels, barHeight), dir.resolve("bar-" + i + ".png"), zxingMissed));
      i++;
    }
    List<String> zbarMissed = readWithZbar(drawn);

    System.out.printf("member-code readability: %d codes; ZXing unreadable QR=%d Code128=%d; "
            + "zbarimg unreadable QR=%d Code128=%d%n", CODES, count(zxingMissed, "QR"), count(zxingMissed, "Code128"),
        count(zbarMissed, "QR"), count(zbarMissed, "Code128"));
    assertEquals(List.of(), zxingMissed, "unreadable by ZXing in one pass");
    assertEquals(List.of(), zbarMissed, "unreadable by zbarimg");
  }

  /** Random digits in every field: device id, step digit, counter and MAC. */
  private static Set<String> randomCodes(Random random) {
    Set<String> codes = new LinkedHashSet<>();
    while (codes.size() < CODES) {
      StringBuilder code = new StringBuilder("88");
      for (int d = 0; d < 18; d++) {
        code.append((char) ('0' + random.nextInt(10)));
      }
      codes.add(code.toString());
    }
    return codes;
  }

  private static int qrVersion(String code) throws Exception {
    return Encoder.encode(code, ErrorCorrectionLevel.M, Map.of(EncodeHintType.MARGIN, 4)).getVersion()
        .getVersionNumber();
  }

  private static Drawn drawAndRead(String code, String symbology, String size, BufferedImage image, Path file,
      List<String> zxingMissed) throws IOException {
    String read = QrImages.decode(image).orElse(null);
    Drawn d = new Drawn(code, symbology, size, file);
    if (!code.equals(read)) {
      zxingMissed.add(describe(d, read));
    }
    ImageIO.write(image, "png", file.toFile());
    return d;
  }

  /** zbarimg over many files per call; its XML names the file each symbol came from. */
  private static List<String> readWithZbar(List<Drawn> drawn) throws Exception {
    List<String> missed = new ArrayList<>();
    for (int from = 0; from < drawn.size(); from += ZBAR_BATCH) {
      List<Drawn> batch = drawn.subList(from, Math.min(drawn.size(), from + ZBAR_BATCH));
      Map<String, List<String>> readByFile = zbarimg(batch);
      for (Drawn d : batch) {
        List<String> read = readByFile.getOrDefault(d.file().toString(), List.of());
        if (!read.equals(List.of(d.code()))) {
          missed.add(describe(d, String.join("|", read)));
        }
      }
    }
    return missed;
  }

  private static final Pattern SOURCE = Pattern.compile("<source href='([^']*)'>(.*?)</source>", Pattern.DOTALL);
  private static final Pattern SYMBOL_DATA = Pattern.compile("<data><!\\[CDATA\\[(.*?)\\]\\]></data>", Pattern.DOTALL);

  private static Map<String, List<String>> zbarimg(List<Drawn> batch) throws Exception {
    List<String> command = new ArrayList<>(List.of(ZBARIMG.toString(), "-q", "--xml", "--nodbus"));
    batch.forEach(d -> command.add(d.file().toString()));
    Process zbar = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String xml = new String(zbar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(zbar.waitFor(60, TimeUnit.SECONDS), "zbarimg did not finish");
    Map<String, List<String>> readByFile = new HashMap<>();
    Matcher source = SOURCE.matcher(xml);
    while (source.find()) {
      List<String> symbols = new ArrayList<>();
      Matcher data = SYMBOL_DATA.matcher(source.group(2));
      while (data.find()) {
        symbols.add(data.group(1));
      }
      readByFile.put(source.group(1), symbols);
    }
    return readByFile;
  }

  private static String describe(Drawn d, String read) {
    return d.symbology() + " " + d.code() + " at " + d.size() + " read as " + read + " (" + d.file() + ")";
  }

  private static long count(List<String> missed, String symbology) {
    return missed.stream().filter(m -> m.startsWith(symbology + " ")).count();
  }

  private static Path freshDirectory(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> old = Files.walk(dir)) {
        for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return Files.createDirectories(dir);
  }
}
