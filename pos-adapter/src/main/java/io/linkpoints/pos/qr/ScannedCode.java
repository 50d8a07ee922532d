package io.linkpoints.pos.qr;

/**
 * A code read at the till, classified by its prefix so the POS knows what to do with it:
 * a member's code pays or earns, a coupon code is redeemed, anything else is refused.
 */
public record ScannedCode(Kind kind, String text) {
  public enum Kind {
    /** A member's rotating code, {@code LP1:<signed token>}. */
    MEMBER,
    /** A coupon code, {@code LPC1:<code>}. */
    COUPON,
    /** Something that is not a Linkpoints code. */
    UNKNOWN
  }

  /** Longest text accepted from a scanner; a member code is far shorter. */
  public static final int MAX_LENGTH = 1024;

  public static ScannedCode classify(String text) {
    if (text.startsWith("LP1:")) {
      return new ScannedCode(Kind.MEMBER, text);
    }
    if (text.startsWith("LPC1:")) {
      return new ScannedCode(Kind.COUPON, text);
    }
    return new ScannedCode(Kind.UNKNOWN, text);
  }
}
