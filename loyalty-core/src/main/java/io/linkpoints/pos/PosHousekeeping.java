package io.linkpoints.pos;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

/**
 * Forgets what can no longer matter: used member codes past their last possible use, closed
 * visits, and idempotency records older than any till would retry ({@link #REQUEST_RETENTION}).
 * Bounded batches, so a large backlog never holds locks for long.
 */
public final class PosHousekeeping {
  public static final Duration REQUEST_RETENTION = Duration.ofDays(7);
  private static final String CODES = "delete from member_code_use where ctid = any (array("
      + "select ctid from member_code_use where expires_at < $1 limit 5000))";
  private static final String VISITS = "delete from pos_visit where ctid = any (array("
      + "select ctid from pos_visit where expires_at < $1 limit 5000))";
  private static final String REQUESTS = "delete from pos_request where ctid = any (array("
      + "select ctid from pos_request where created_at < $1 limit 5000))";

  private final Pool pool;
  private final Clock clock;

  public PosHousekeeping(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  public Future<Void> runOnce() {
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery(CODES).execute(Tuple.of(now))
        .compose(v -> pool.preparedQuery(VISITS).execute(Tuple.of(now)))
        .compose(v -> pool.preparedQuery(REQUESTS).execute(Tuple.of(now.minus(REQUEST_RETENTION))))
        .mapEmpty();
  }
}
