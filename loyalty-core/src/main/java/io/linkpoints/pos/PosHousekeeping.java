package io.linkpoints.pos;

import io.linkpoints.platform.EachAlliance;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Forgets what can no longer matter: used member codes past their last possible use, closed
 * visits, idempotency records and releases by key older than any till would retry
 * ({@link #REQUEST_RETENTION}), and earn-cap reservations whose day is over.
 * Bounded batches, so a large backlog never holds locks for long; alliance after alliance, each
 * with its own batch per table per run, so one alliance's backlog never holds the others' back.
 * Deleting what another instance already deleted deletes nothing: every instance may run it.
 */
public final class PosHousekeeping {
  public static final Duration REQUEST_RETENTION = Duration.ofDays(7);
  /** Rows deleted per table, per alliance, per run. */
  static final int BATCH = 5000;

  // Each statement deletes by primary key the rows its subquery picks, both pinned to one alliance
  // ($1); the subqueries read the (alliance_id, <time>) indexes of V14. A one-column key goes
  // through "= any (array(...))", which the generic plan turns into probes of the primary key (an
  // "in (...)" became a hash join over every row of the alliance); a composite key through "in",
  // its outer scan narrowed to the alliance's old rows by the same time condition.
  private static final String CODES = "delete from member_code_use where alliance_id = $1 and expires_at < $2"
      + " and (device_id, step, counter) in (select device_id, step, counter from member_code_use"
      + "  where alliance_id = $1 and expires_at < $2 limit $3)";
  private static final String VISITS = "delete from pos_visit where alliance_id = $1 and id = any (array("
      + "select id from pos_visit where alliance_id = $1 and expires_at < $2 limit $3))";
  private static final String REQUESTS = "delete from pos_request where alliance_id = $1 and created_at < $2"
      + " and (terminal_id, idempotency_key) in (select terminal_id, idempotency_key from pos_request"
      + "  where alliance_id = $1 and created_at < $2 limit $3)";
  private static final String RELEASES = "delete from pos_hold_release where alliance_id = $1 and hold_id = any (array("
      + "select hold_id from pos_hold_release where alliance_id = $1 and created_at < $2 limit $3))";
  private static final String RESERVATIONS = "delete from pos_earn_reservation where alliance_id = $1"
      + " and accrual_id = any (array(select accrual_id from pos_earn_reservation"
      + "  where alliance_id = $1 and created_at < $2 limit $3))";
  // Wrong-code counts matter within their 10-minute window only (kept an hour). Few rows: the
  // primary key's alliance prefix finds them.
  private static final String ATTEMPTS = "delete from member_code_attempt where alliance_id = $1 and window_start < $2"
      + " and (scope, subject_id, window_start) in (select scope, subject_id, window_start from member_code_attempt"
      + "  where alliance_id = $1 and window_start < $2 limit $3)";

  private final Pool pool;
  private final Clock clock;

  public PosHousekeeping(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  public Future<Void> runOnce() {
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return EachAlliance.inTurn(pool, alliance -> runOnce(alliance, now)).mapEmpty();
  }

  private Future<Void> runOnce(long alliance, OffsetDateTime now) {
    return delete(ATTEMPTS, alliance, now.minus(Duration.ofHours(1)))
        .compose(v -> delete(CODES, alliance, now))
        .compose(v -> delete(VISITS, alliance, now))
        .compose(v -> delete(REQUESTS, alliance, now.minus(REQUEST_RETENTION)))
        // A release by key matters as long as its reserve could still be retried.
        .compose(v -> delete(RELEASES, alliance, now.minus(REQUEST_RETENTION)))
        // A day and a half covers the alliance's day in any time zone; older reservations count for nothing.
        .compose(v -> delete(RESERVATIONS, alliance, now.minus(Duration.ofHours(36))));
  }

  private Future<Void> delete(String sql, long alliance, OffsetDateTime before) {
    return pool.preparedQuery(sql).execute(Tuple.of(alliance, before, BATCH)).mapEmpty();
  }
}
