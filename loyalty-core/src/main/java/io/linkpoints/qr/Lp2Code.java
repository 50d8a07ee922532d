package io.linkpoints.qr;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The LP2 member code: 20 digits a phone computes offline from its device secret, like a
 * 付款码. Layout: {@code 88} (says "Linkpoints member code"), the device id (8 digits), the 30 s
 * time step mod 10 (1 digit), a one-use counter within the step (1 digit), and 8 digits of
 * HMAC-SHA256 truncated as RFC 4226 does, over {@code "LP2" || device (8 bytes) || step (8 bytes)
 * || counter (1 byte)}, all big-endian. Digits only: QR numeric mode fits it in a version-1 code.
 *
 * <p>The full step is inside the MAC but only its last digit is in the code: the checker knows
 * the time to within a few steps and picks the one step with that last digit.
 */
public final class Lp2Code {
  public static final String PREFIX = "88";
  public static final int LENGTH = 20;
  public static final long STEP_SECONDS = 30;
  public static final long MAX_DEVICE_ID = 99_999_999L;
  public static final int COUNTERS_PER_STEP = 10;
  public static final int SECRET_BYTES = 32;
  private static final byte[] DOMAIN = {'L', 'P', '2'};
  private static final int MAC_MODULUS = 100_000_000;

  private Lp2Code() {
  }

  /** What a code says in the clear; its MAC is checked separately, against a candidate step. */
  public record Parsed(long deviceId, int stepDigit, int counter, int mac) {
  }

  public static long stepOf(Instant at) {
    return Math.floorDiv(at.getEpochSecond(), STEP_SECONDS);
  }

  public static Instant stepStart(long step) {
    return Instant.ofEpochSecond(step * STEP_SECONDS);
  }

  /** The code of one device, step and counter. */
  public static String code(byte[] secret, long deviceId, long step, int counter) {
    return code(mac(secret), deviceId, step, counter);
  }

  /** The same with a MAC made once per device (cheaper: the key schedule is done). */
  public static String code(Mac keyed, long deviceId, long step, int counter) {
    if (deviceId < 1 || deviceId > MAX_DEVICE_ID || counter < 0 || counter >= COUNTERS_PER_STEP || step < 0) {
      throw new IllegalArgumentException("device 1.." + MAX_DEVICE_ID + ", counter 0..9, step >= 0");
    }
    return String.format("%s%08d%d%d%08d", PREFIX, deviceId, step % 10, counter, truncated(keyed, deviceId, step, counter));
  }

  /** Splits a code into its parts; empty unless it is exactly 20 ASCII digits starting 88 with a device ≥ 1. */
  public static Optional<Parsed> parse(String text) {
    if (text == null || text.length() != LENGTH || !text.startsWith(PREFIX)) {
      return Optional.empty();
    }
    for (int i = 0; i < LENGTH; i++) {
      char ch = text.charAt(i);
      if (ch < '0' || ch > '9') {
        return Optional.empty();
      }
    }
    long device = Long.parseLong(text.substring(2, 10));
    if (device < 1) {
      return Optional.empty();
    }
    return Optional.of(new Parsed(device, text.charAt(10) - '0', text.charAt(11) - '0',
        Integer.parseInt(text.substring(12, 20))));
  }

  /**
   * Whether the code's MAC is the device's for this step (constant time in the MAC's digits).
   * The caller picks {@code step} from the code's step digit and the time.
   */
  public static boolean matches(Mac keyed, Parsed code, long step) {
    int expected = truncated(keyed, code.deviceId(), step, code.counter());
    return java.security.MessageDigest.isEqual(intBytes(expected), intBytes(code.mac()));
  }

  /**
   * The step with the code's last digit nearest to {@code reference}: unique when the checker
   * looks at most 4 steps either side.
   */
  public static long nearestStep(int stepDigit, long reference) {
    long base = reference - Math.floorMod(reference, 10) + stepDigit;
    long best = base;
    for (long candidate : new long[] {base - 10, base + 10}) {
      if (Math.abs(candidate - reference) < Math.abs(best - reference)) {
        best = candidate;
      }
    }
    return best;
  }

  /** An HMAC-SHA256 keyed with a device secret; not thread-safe, one per use or per thread. */
  public static Mac mac(byte[] secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static int truncated(Mac keyed, long deviceId, long step, int counter) {
    byte[] message = new byte[20];
    System.arraycopy(DOMAIN, 0, message, 0, 3);
    putLong(message, 3, deviceId);
    putLong(message, 11, step);
    message[19] = (byte) counter;
    byte[] h = keyed.doFinal(message);
    int offset = h[h.length - 1] & 0x0f;
    int binary = ((h[offset] & 0x7f) << 24) | ((h[offset + 1] & 0xff) << 16) | ((h[offset + 2] & 0xff) << 8)
        | (h[offset + 3] & 0xff);
    return binary % MAC_MODULUS;
  }

  private static void putLong(byte[] into, int at, long value) {
    for (int i = 7; i >= 0; i--) {
      into[at + i] = (byte) value;
      value >>>= 8;
    }
  }

  private static byte[] intBytes(int value) {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }
}
