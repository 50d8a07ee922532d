package io.linkpoints.qr;

import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks an LP2 member code's MAC against its device's secret, at the time step nearest to now
 * (or, for an accrual a till queued offline, to when the till read it). What it cannot decide
 * alone is left to the statement that uses the code: whether the device is still active, whether
 * this (device, step, counter) was used before, whether the device or terminal is over its
 * wrong-code limit. A wrong MAC is counted here ({@link WrongCodeLimits}).
 */
public final class MemberCodeCheck {
  /**
   * How long after it was read a code may still back an accrual that a till queued while it was
   * offline. Earning only: spending always needs a live code.
   */
  public static final Duration OFFLINE_GRACE = Duration.ofHours(72);
  /** Tills' clocks run a little ahead at times; a scan time further ahead is not believed. */
  public static final Duration SCAN_CLOCK_SKEW = Duration.ofMinutes(2);
  /** Old codes told apart from forged ones: 12 × 10 steps back, an hour. */
  private static final int OLD_CODE_LOOKBACK = 12;

  /**
   * A code whose MAC is the device's. {@code expired}: genuine but older than the window (only a
   * request that already used it may go on with it). {@code rememberUntil}: how long its use must
   * be kept so it is never accepted twice, offline grace included.
   */
  public record Genuine(long deviceId, long step, int counter, boolean expired, Instant rememberUntil) {
  }

  private final DeviceKeys keys;
  private final WrongCodeLimits limits;
  private final Clock clock;
  private final int window;

  public MemberCodeCheck(DeviceKeys keys, WrongCodeLimits limits, Clock clock, int window) {
    if (window < 0 || window > 4) {
      throw new IllegalArgumentException("the step window is 0..4 (the code carries the step's last digit only)");
    }
    this.keys = keys;
    this.limits = limits;
    this.clock = clock;
    this.window = window;
  }

  /**
   * {@code scannedAt}: null for a live code (checked against now); else when a till that was
   * offline read it, within {@link #OFFLINE_GRACE}.
   */
  public Future<Genuine> check(long allianceId, long terminalId, String code, Instant scannedAt) {
    Instant now = clock.instant();
    Optional<Lp2Code.Parsed> parsed = Lp2Code.parse(code);
    if (parsed.isEmpty()) {
      return Future.failedFuture(invalid());
    }
    Instant reference = scannedAt == null ? now : scannedAt;
    if (scannedAt != null && (scannedAt.isAfter(now.plus(SCAN_CLOCK_SKEW)) || scannedAt.isBefore(now.minus(OFFLINE_GRACE)))) {
      return Future.failedFuture(ProblemCode.CODE_EXPIRED.refuse(
          "this code was read too long ago (or the till's clock is wrong) to back an accrual made offline"));
    }
    Lp2Code.Parsed p = parsed.get();
    return keys.of(p.deviceId()).compose(key -> {
      long referenceStep = Lp2Code.stepOf(reference);
      long step = key.isEmpty() || key.get().allianceId() != allianceId ? -1
          : genuineStep(Lp2Code.mac(key.get().secret()), p, Lp2Code.nearestStep(p.stepDigit(), referenceStep));
      if (step < 0) {
        return limits.countWrong(p.deviceId(), terminalId, now).compose(over -> Future.failedFuture(over
            ? ProblemCode.TOO_MANY_ATTEMPTS.refuse(
                "too many wrong member codes from this phone or this till: wait a few minutes")
            : invalid()));
      }
      if (step > referenceStep + window) {
        return Future.failedFuture(ProblemCode.CODE_INVALID.refuse(
            "this member code is from the future: the phone's clock is ahead"));
      }
      Instant rememberUntil = Lp2Code.stepStart(step + 1 + window).plus(OFFLINE_GRACE).plus(SCAN_CLOCK_SKEW);
      return Future.succeededFuture(new Genuine(p.deviceId(), step, p.counter(), step < referenceStep - window,
          rememberUntil));
    });
  }

  /**
   * The step whose MAC the code carries: the one nearest the reference with the code's last
   * digit, or one 10, 20… steps before it (an old code, up to an hour: refused as expired, not
   * as forged, and not counted as a guess). -1: no step matches.
   */
  private static long genuineStep(javax.crypto.Mac mac, Lp2Code.Parsed p, long nearest) {
    for (int back = 0; back <= OLD_CODE_LOOKBACK && nearest - 10L * back >= 0; back++) {
      if (Lp2Code.matches(mac, p, nearest - 10L * back)) {
        return nearest - 10L * back;
      }
    }
    return -1;
  }

  public static ApiException invalid() {
    return ProblemCode.CODE_INVALID.refuse("this is not a valid Linkpoints member code");
  }

  public static ApiException expired() {
    return ProblemCode.CODE_EXPIRED.refuse("this member code has expired: show a fresh one");
  }
}
