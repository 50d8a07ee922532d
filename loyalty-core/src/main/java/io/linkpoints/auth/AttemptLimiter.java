package io.linkpoints.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

/**
 * At most {@code max} attempts per subject (a username, a phone) in a fixed window, counted in
 * PostgreSQL so the limit holds across instances. An attempt is counted before it is tried, in
 * one atomic upsert, so concurrent tries cannot slip past the limit; a success clears the count.
 */
public final class AttemptLimiter {
  // Starts a new window when the old one is over; otherwise counts one more attempt in it.
  private static final String COUNT = "insert into sign_in_attempt (alliance_id, subject, window_start, attempts)"
      + " values ($1, $2, $3, 1)"
      + " on conflict (alliance_id, subject) do update set"
      + "   attempts = case when sign_in_attempt.window_start <= $4 then 1 else sign_in_attempt.attempts + 1 end,"
      + "   window_start = case when sign_in_attempt.window_start <= $4 then $3 else sign_in_attempt.window_start end"
      + " returning attempts";

  private static final String CLEAR = "delete from sign_in_attempt where alliance_id = $1 and subject = $2";

  private final Pool pool;
  private final Clock clock;
  private final int max;
  private final Duration window;

  public AttemptLimiter(Pool pool, Clock clock, int max, Duration window) {
    this.pool = pool;
    this.clock = clock;
    this.max = max;
    this.window = window;
  }

  /** Counts one attempt; true if it is within the limit and may go ahead. */
  public Future<Boolean> tryAcquire(long allianceId, String subject) {
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery(COUNT).execute(Tuple.of(allianceId, subject, now, now.minus(window)))
        .map(rows -> rows.iterator().next().getInteger(0) <= max);
  }

  public Future<Void> clear(long allianceId, String subject) {
    return pool.preparedQuery(CLEAR).execute(Tuple.of(allianceId, subject)).mapEmpty();
  }
}
