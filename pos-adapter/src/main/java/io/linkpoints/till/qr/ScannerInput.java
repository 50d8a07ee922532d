package io.linkpoints.till.qr;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Text from a keyboard-wedge scanner. Scanners are set up to wrap what they read in a prefix
 * and a suffix (often none and a carriage return); we strip them, and anything else typed on
 * the same keyboard between scans is not mistaken for a code. Many scanners also send an AIM
 * symbology identifier ({@code ]C0} Code 128, {@code ]Q1} QR, {@code ]E0} EAN…) before the data,
 * and an input method left in full-width mode types digits as {@code ０-９}: both are undone.
 */
public final class ScannerInput {
  /** {@code ]}, a symbology letter, a modifier character (ISO/IEC 15424). */
  private static final Pattern AIM_IDENTIFIER = Pattern.compile("^\\][A-Za-z][0-9A-Za-z]");

  private final String prefix;
  private final String suffix;

  public ScannerInput(String prefix, String suffix) {
    this.prefix = prefix == null ? "" : prefix;
    this.suffix = suffix == null ? "" : suffix;
  }

  /** The usual setting: no prefix, a carriage return or line feed at the end. */
  public static ScannerInput standard() {
    return new ScannerInput("", "");
  }

  /** The code in one line of scanner text, or empty if the line is not a whole scan. */
  public Optional<ScannedCode> read(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String line = trimControl(raw);
    if (!line.startsWith(prefix) || !line.endsWith(suffix) || line.length() < prefix.length() + suffix.length()) {
      return Optional.empty();
    }
    String code = line.substring(prefix.length(), line.length() - suffix.length());
    code = foldFullWidthDigits(trimControl(AIM_IDENTIFIER.matcher(trimControl(code)).replaceFirst("")));
    if (code.isEmpty() || code.length() > ScannedCode.MAX_LENGTH || !printableAscii(code)) {
      return Optional.empty();
    }
    return Optional.of(ScannedCode.classify(code));
  }

  /** Carriage returns, line feeds, tabs (and spaces) a scanner or keyboard adds around a scan. */
  private static String trimControl(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isPadding(s.charAt(start))) {
      start++;
    }
    while (end > start && isPadding(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean isPadding(char c) {
    return c == '\r' || c == '\n' || c == '\t' || c == ' ';
  }

  private static String foldFullWidthDigits(String s) {
    StringBuilder folded = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      folded.append(c >= '０' && c <= '９' ? (char) ('0' + (c - '０')) : c);
    }
    return folded.toString();
  }

  /** Our codes are printable ASCII; a scanner in the wrong keyboard layout produces something else. */
  private static boolean printableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
