package io.linkpoints.coupons;

import io.linkpoints.auth.Secrets;

/**
 * Unguessable codes: 130 bits from SecureRandom in 26 Crockford base-32 characters (no I, L, O,
 * U: nothing to misread on a receipt), behind a prefix saying what the code is.
 */
final class CouponCodes {
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  static final String COUPON_PREFIX = "LPC-";
  static final String CLAIM_PREFIX = "LPS-";

  private CouponCodes() {
  }

  static String coupon() {
    return COUPON_PREFIX + random26();
  }

  static String claim() {
    return CLAIM_PREFIX + random26();
  }

  private static String random26() {
    byte[] bytes = Secrets.randomBytes(26);
    StringBuilder out = new StringBuilder(26);
    for (byte b : bytes) {
      out.append(ALPHABET[b & 31]);
    }
    return out.toString();
  }
}
