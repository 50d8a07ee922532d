package io.linkpoints.till.qr;

import java.util.regex.Pattern;

/**
 * A code read at the till, classified so the POS knows what to do with it: a member's code pays
 * or earns, a coupon code is redeemed, anything else is refused.
 */
public record ScannedCode(Kind kind, String text) {
  public enum Kind {
    /** A member's LP2 code: 20 digits starting {@code 88}, made offline on the member's phone. */
    MEMBER,
    /** A coupon code, {@code LPC1:<code>}. */
    COUPON,
    /** Something that is not a Linkpoints code. */
    UNKNOWN
  }

  /** Longest text accepted from a scanner; our codes are far shorter. */
  public static final int MAX_LENGTH = 1024;

  private static final Pattern LP2 = Pattern.compile("88[0-9]{18}");

  public static ScannedCode classify(String text) {
    if (LP2.matcher(text).matches()) {
      return new ScannedCode(Kind.MEMBER, text);
    }
    if (text.startsWith("LPC1:")) {
      return new ScannedCode(Kind.COUPON, text);
    }
    return new ScannedCode(Kind.UNKNOWN, text);
  }

  /** What to tell the cashier about a code the till cannot use as a member code. */
  public String problem() {
    return switch (kind) {
      case MEMBER -> "";
      case COUPON -> "a coupon code, not a member code";
      case UNKNOWN -> "not a Linkpoints member code";
    };
  }
}
