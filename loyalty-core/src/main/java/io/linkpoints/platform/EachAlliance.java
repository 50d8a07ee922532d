package io.linkpoints.platform;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Work over every alliance, done one alliance after the other. Every statement pins one alliance
 * (a cluster distributed by {@code alliance_id} routes it to one node), so a job or a check over
 * all of them reads the alliance ids from {@code alliance} (a reference table, on every node) and
 * runs its statements once per alliance. One after the other, not all at once: the job's load on
 * the database stays that of one alliance, and each alliance gets its own bounded share per run.
 */
public final class EachAlliance {
  private static final String IDS = "select id from alliance order by id";

  private EachAlliance() {
  }

  /** Every alliance's id, in order. */
  public static Future<List<Long>> ids(SqlClient client) {
    return client.query(IDS).execute().map(rows -> {
      List<Long> ids = new ArrayList<>(rows.size());
      for (Row row : rows) {
        ids.add(row.getLong(0));
      }
      return ids;
    });
  }

  /**
   * Runs {@code work} for each alliance in turn, the next once the last has ended, and answers
   * their results in alliance order. An alliance whose work fails does not stop the others (one
   * broken alliance must not starve the rest); the answer then fails with the first failure.
   */
  public static <T> Future<List<T>> inTurn(SqlClient client, Function<Long, Future<T>> work) {
    return ids(client).compose(ids -> new Turns<>(ids, work).run());
  }

  /** One pass over the alliances; a loop, not a chain of callbacks, when a turn ends at once. */
  private static final class Turns<T> {
    private final List<Long> ids;
    private final Function<Long, Future<T>> work;
    private final List<T> results = new ArrayList<>();
    private final Promise<List<T>> done = Promise.promise();
    private Throwable firstFailure;
    private int next;

    Turns(List<Long> ids, Function<Long, Future<T>> work) {
      this.ids = ids;
      this.work = work;
    }

    Future<List<T>> run() {
      proceed();
      return done.future();
    }

    private void proceed() {
      while (next < ids.size()) {
        Future<T> turn;
        try {
          turn = work.apply(ids.get(next++));
        } catch (RuntimeException e) {
          turn = Future.failedFuture(e);
        }
        if (!turn.isComplete()) {
          turn.onComplete(ended -> {
            record(ended.succeeded(), ended.result(), ended.cause());
            proceed();
          });
          return;
        }
        record(turn.succeeded(), turn.result(), turn.cause());
      }
      if (firstFailure == null) {
        done.complete(results);
      } else {
        done.fail(firstFailure);
      }
    }

    private void record(boolean succeeded, T result, Throwable cause) {
      if (succeeded) {
        results.add(result);
      } else if (firstFailure == null) {
        firstFailure = cause;
      }
    }
  }
}
