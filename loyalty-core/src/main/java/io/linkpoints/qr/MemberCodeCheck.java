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
    return judge(allianceId, code, scannedAt, now).compose(v -> {
      if (v instanceof Verdict.Good good) {
        return Future.succeededFuture(good.genuine());
      }
      if (v instanceof Verdict.Refused refused) {
        return Future.failedFuture(refused.refusal());
      }
      return limits.countWrong(allianceId, ((Verdict.WrongMac) v).deviceId(), terminalId, now)
          .compose(over -> Future.failedFuture(over ? ProblemCode.TOO_MANY_ATTEMPTS.refuse(
              "too many wrong member codes from this phone or this till: wait a few minutes") : invalid()));
    });
  }

  /**
   * The code, if it is genuine and live (not expired, not from the future), judged as {@link #check}
   * judges it but changing nothing: a wrong MAC is not counted. For a fast path that falls back to
   * {@link #check} on anything else, so every refusal is still made (and counted) there.
   */
  public Future<Optional<Genuine>> verify(long allianceId, String code, Instant scannedAt) {
    return judge(allianceId, code, scannedAt, clock.instant()).map(v -> v instanceof Verdict.Good good
        && !good.genuine().expired() ? Optional.of(good.genuine()) : Optional.empty());
  }

  /** What a code is, before anything is counted. */
  private sealed interface Verdict {
    record Good(Genuine genuine) implements Verdict {
    }

    record Refused(ApiException refusal) implements Verdict {
    }

    /** No step of the device's secret gives this MAC (or no such device here): a guess, to count. */
    record WrongMac(long deviceId) implements Verdict {
    }
  }

  private Future<Verdict> judge(long allianceId, String code, Instant scannedAt, Instant now) {
    Optional<Lp2Code.Parsed> parsed = Lp2Code.parse(code);
    if (parsed.isEmpty()) {
      return Future.succeededFuture(new Verdict.Refused(invalid()));
    }
    Instant reference = scannedAt == null ? now : scannedAt;
    if (scannedAt != null && (scannedAt.isAfter(now.plus(SCAN_CLOCK_SKEW)) || scannedAt.isBefore(now.minus(OFFLINE_GRACE)))) {
      return Future.succeededFuture(new Verdict.Refused(ProblemCode.CODE_EXPIRED.refuse(
          "this code was read too long ago (or the till's clock is wrong) to back an accrual made offline")));
    }
    Lp2Code.Parsed p = parsed.get();
    return keys.of(allianceId, p.deviceId()).map(key -> {
      long referenceStep = Lp2Code.stepOf(reference);
      long step = key.isEmpty() ? -1
          : genuineStep(Lp2Code.mac(key.get().secret()), p, Lp2Code.nearestStep(p.stepDigit(), referenceStep));
      if (step < 0) {
        return new Verdict.WrongMac(p.deviceId());
      }
      if (step > referenceStep + window) {
        return new Verdict.Refused(ProblemCode.CODE_INVALID.refuse(
            "this member code is from the future: the phone's clock is ahead"));
      }
      Instant rememberUntil = Lp2Code.stepStart(step + 1 + window).plus(OFFLINE_GRACE).plus(SCAN_CLOCK_SKEW);
      return new Verdict.Good(new Genuine(p.deviceId(), step, p.counter(), step < referenceStep - window,
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
