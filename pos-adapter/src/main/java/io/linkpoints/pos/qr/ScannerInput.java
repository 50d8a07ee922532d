package io.linkpoints.pos.qr;

import java.util.Optional;

/**
 * Text from a keyboard-wedge scanner. Scanners are set up to wrap what they read in a prefix
 * and a suffix (often none and a carriage return); we strip them, and anything else typed on
 * the same keyboard between scans is not mistaken for a code.
 */
public final class ScannerInput {
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
    String line = stripLineEnd(raw);
    if (!line.startsWith(prefix) || !line.endsWith(suffix) || line.length() < prefix.length() + suffix.length()) {
      return Optional.empty();
    }
    String code = line.substring(prefix.length(), line.length() - suffix.length()).strip();
    if (code.isEmpty() || code.length() > ScannedCode.MAX_LENGTH || !printableAscii(code)) {
      return Optional.empty();
    }
    return Optional.of(ScannedCode.classify(code));
  }

  private static String stripLineEnd(String raw) {
    int end = raw.length();
    while (end > 0 && (raw.charAt(end - 1) == '\n' || raw.charAt(end - 1) == '\r')) {
      end--;
    }
    return raw.substring(0, end);
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
