package io.linkpoints.pos;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

/**
 * Forgets what can no longer matter: used member codes past their last possible use, closed
 * visits, idempotency records and releases by key older than any till would retry
 * ({@link #REQUEST_RETENTION}), and earn-cap reservations whose day is over.
 * Bounded batches, so a large backlog never holds locks for long.
 */
public final class PosHousekeeping {
  public static final Duration REQUEST_RETENTION = Duration.ofDays(7);
  private static final String CODES = "delete from member_code_use where ctid = any (array("
      + "select ctid from member_code_use where expires_at < $1 limit 5000))";
  // Wrong-code counts matter within their 10-minute window only.
  private static final String ATTEMPTS = "delete from member_code_attempt where ctid = any (array("
      + "select ctid from member_code_attempt where window_start < $1 limit 5000))";
  private static final String VISITS = "delete from pos_visit where ctid = any (array("
      + "select ctid from pos_visit where expires_at < $1 limit 5000))";
  private static final String REQUESTS = "delete from pos_request where ctid = any (array("
      + "select ctid from pos_request where created_at < $1 limit 5000))";

  private static final String RELEASES = "delete from pos_hold_release where ctid = any (array("
      + "select ctid from pos_hold_release where created_at < $1 limit 5000))";
  // A day and a half covers the alliance's day in any time zone; older reservations count for nothing.
  private static final String RESERVATIONS = "delete from pos_earn_reservation where ctid = any (array("
      + "select ctid from pos_earn_reservation where created_at < $1 limit 5000))";

  private final Pool pool;
  private final Clock clock;

  public PosHousekeeping(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  public Future<Void> runOnce() {
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery(CODES).execute(Tuple.of(now))
        .compose(v -> pool.preparedQuery(ATTEMPTS).execute(Tuple.of(now.minus(Duration.ofHours(1)))))
        .compose(v -> pool.preparedQuery(VISITS).execute(Tuple.of(now)))
        .compose(v -> pool.preparedQuery(REQUESTS).execute(Tuple.of(now.minus(REQUEST_RETENTION))))
        // A release by key matters as long as its reserve could still be retried.
        .compose(v -> pool.preparedQuery(RELEASES).execute(Tuple.of(now.minus(REQUEST_RETENTION))))
        .compose(v -> pool.preparedQuery(RESERVATIONS).execute(Tuple.of(now.minus(Duration.ofHours(36)))))
        .mapEmpty();
  }
}
