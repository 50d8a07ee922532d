package io.linkpoints.ledger;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.linkpoints.platform.DatabaseOutage;
import io.linkpoints.platform.DatabaseTarget;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of this process. It queues commands, and whenever it has room it writes all
 * that waited (up to a batch) in one transaction: the cost of a commit is shared by the batch,
 * so a hot account goes as fast as a quiet one. Several processes may write to one database;
 * sorted row locks keep them correct and free of deadlocks.
 *
 * <p>All state is confined to one Vert.x context; callers may submit from any thread.
 */
public final class LedgerWriter {
  private static final Logger log = LoggerFactory.getLogger(LedgerWriter.class);

  private record Queued(TransferCommand command, Promise<TransferResult> promise) {
  }

  private final Vertx vertx;
  private final Context context;
  private final Pool pool;
  private final Clock clock;
  private final WriterOptions options;
  private final ArrayDeque<Queued> queue = new ArrayDeque<>();
  private int inFlight;
  private long lingerTimer = -1;
  /** Set by {@link #drain}: no new commands; completed when the queue is empty and nothing is in flight. */
  private Promise<Void> drained;
  /** False from the moment {@link #drain} is asked for: read by the readiness check from any thread. */
  private volatile boolean accepting = true;
  private volatile long batchesWritten;
  private volatile long commandsWritten;
  /** The queue's length, for the gauge read from another thread (the queue itself is confined). */
  private volatile int queued;
  private final LedgerMeters meters;

  /**
   * The writer's connections. Every statement of a batch finds rows by key through a small set of
   * keys (an {@code unnest} of arrays), so a nested loop over the primary key or an account index
   * is always the right plan. PostgreSQL caches a generic plan per prepared statement; if that plan
   * is made while a table is still small (a new alliance), it is a sequential scan and a hash join,
   * and it stays cached as the table grows: measured, every POS sale then read all of
   * {@code ledger_transfer}. With sequential scans, hash and merge joins ruled out on these
   * connections only, the plan is an index lookup at any size. Each statement also pins its
   * alliance ({@code alliance_id = $1}, {@link PerAlliance}), which an index scan can use alone:
   * on statistics that say the alliance is small (none yet, after a bulk load) the plan reads the
   * alliance's whole part of a table; analyzed, it looks the keys up (WriterPlansTest). Cached
   * plans are made again when the statistics change.
   */
  public static DatabaseTarget writerTarget(DatabaseTarget database) {
    return database.withSetting("enable_seqscan", "off").withSetting("enable_hashjoin", "off")
        .withSetting("enable_mergejoin", "off");
  }

  /**
   * The local event-bus address told (the alliance's id) each time this process commits transfers
   * of that alliance, and each time {@link FeedNotices} hears that any instance did: live feeds
   * wake on it instead of polling (they still look now and then, for a notification lost).
   */
  public static String committedAddress(long allianceId) {
    return "linkpoints.ledger.committed." + allianceId;
  }

  /** One connection per batch in flight. */
  public static Pool createPool(Vertx vertx, DatabaseTarget database, WriterOptions options) {
    return writerTarget(database).pool(vertx, options.maxInFlight(), "ledger-writer");
  }

  public LedgerWriter(Vertx vertx, Pool pool, Clock clock, WriterOptions options, MeterRegistry registry) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.pool = pool;
    this.clock = clock;
    this.options = options;
    this.meters = new LedgerMeters(registry, () -> queued);
  }

  public Future<TransferResult> submit(TransferCommand command) {
    Promise<TransferResult> promise = Promise.promise();
    if (Vertx.currentContext() == context) {
      enqueue(new Queued(command, promise));
    } else {
      context.runOnContext(v -> enqueue(new Queued(command, promise)));
    }
    return promise.future();
  }

  public Future<List<TransferResult>> submitAll(List<TransferCommand> batch) {
    List<Future<TransferResult>> futures = new ArrayList<>(batch.size());
    batch.forEach(c -> futures.add(submit(c)));
    return Future.join(futures).map(all -> futures.stream().map(Future::result).toList())
        .recover(err -> Future.failedFuture(futures.stream().filter(Future::failed).findFirst()
            .map(Future::cause).orElse(err)));
  }

  /**
   * Stops taking commands and writes what is queued; the future completes when the last batch has
   * committed (or failed). Commands submitted from then on are refused with {@code ledger_unavailable}.
   */
  public Future<Void> drain() {
    accepting = false;
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (drained == null) {
        drained = Promise.promise();
        if (!queue.isEmpty()) {
          flush();
        }
        completeDrainIfIdle();
      }
      drained.future().onComplete(done);
    });
    return done.future();
  }

  /** True until the writer is told to drain (shutdown): it takes new commands. */
  public boolean accepting() {
    return accepting;
  }

  private void completeDrainIfIdle() {
    if (drained != null && queue.isEmpty() && inFlight == 0) {
      drained.tryComplete();
    }
  }

  /** Batches and commands written so far (for the benchmark's report). */
  public long batchesWritten() {
    return batchesWritten;
  }

  public long commandsWritten() {
    return commandsWritten;
  }

  private void enqueue(Queued q) {
    if (drained != null) {
      q.promise.fail(new LedgerException(LedgerError.LEDGER_UNAVAILABLE, "the ledger is shutting down; retry with the same id"));
      return;
    }
    if (queue.size() >= options.maxQueued()) {
      q.promise.fail(new LedgerException(LedgerError.LEDGER_BUSY, "the ledger is busy; retry with the same id"));
      return;
    }
    queue.add(q);
    queued = queue.size();
    if (inFlight >= options.maxInFlight()) {
      return; // the batch in flight will pick it up when it commits
    }
    if (queue.size() >= options.maxBatch() || options.lingerMillis() == 0) {
      flush();
    } else if (lingerTimer < 0) {
      lingerTimer = vertx.setTimer(options.lingerMillis(), id -> {
        lingerTimer = -1;
        flush();
      });
    }
  }

  private void flush() {
    if (lingerTimer >= 0) {
      vertx.cancelTimer(lingerTimer);
      lingerTimer = -1;
    }
    while (inFlight < options.maxInFlight() && !queue.isEmpty()) {
      List<Queued> batch = new ArrayList<>(Math.min(queue.size(), options.maxBatch()));
      while (batch.size() < options.maxBatch() && !queue.isEmpty()) {
        batch.add(queue.poll());
      }
      queued = queue.size();
      inFlight++;
      write(batch, true).onComplete(done -> {
        inFlight--;
        if (!queue.isEmpty()) {
          flush();
        }
        completeDrainIfIdle();
      });
    }
  }

  /**
   * Writes a batch. If the transaction fails as a whole (a deadlock with a writer that broke the
   * lock order, a key inserted concurrently by another process), each command is retried alone,
   * so one bad command can only ever fail itself.
   */
  private Future<Void> write(List<Queued> batch, boolean mayRetry) {
    List<TransferCommand> cmds = batch.stream().map(Queued::command).toList();
    long started = System.nanoTime();
    return attempt(cmds).transform(ar -> {
      if (ar.succeeded()) {
        batchesWritten++;
        commandsWritten += batch.size();
        meters.batch(batch.size(), System.nanoTime() - started);
        List<LedgerBatch.Verdict> verdicts = ar.result();
        Set<Long> alliances = new HashSet<>();
        for (int i = 0; i < batch.size(); i++) {
          LedgerBatch.Verdict v = verdicts.get(i);
          if (v.refusal() != null) {
            meters.refused(v.refusal().error());
            batch.get(i).promise.fail(v.refusal());
          } else {
            meters.committed();
            alliances.add(batch.get(i).command.allianceId());
            batch.get(i).promise.complete(v.result());
          }
        }
        alliances.forEach(a -> vertx.eventBus().publish(committedAddress(a), a));
        if (!alliances.isEmpty()) {
          announce(alliances);
        }
        return Future.succeededFuture();
      }
      if (!mayRetry) {
        if (DatabaseOutage.is(ar.cause())) {
          log.warn("Ledger write failed, database unavailable: {}", describe(ar.cause()));
        } else {
          log.error("Ledger write failed", ar.cause());
        }
        meters.unwritten(batch.size());
        batch.forEach(q -> q.promise.fail(new LedgerException(LedgerError.LEDGER_UNAVAILABLE,
            "the ledger could not write; retry with the same id")));
        return Future.succeededFuture();
      }
      log.warn("Batch of {} failed ({}); retrying each command alone", batch.size(), describe(ar.cause()));
      Future<Void> chain = Future.succeededFuture();
      for (Queued q : batch) {
        chain = chain.compose(v -> write(List.of(q), false));
      }
      return chain;
    });
  }

  /**
   * Tells every instance's live feeds ({@link FeedNotices}) that these alliances committed
   * transfers. Sent after the commit, in a transaction of its own, not inside the batch's: a
   * transaction that NOTIFYs holds PostgreSQL's one cluster-wide notify lock until it has
   * committed, WAL flush included, so batches that notified would commit one at a time (no group
   * commit, across instances). This one writes nothing worth waiting for (synchronous_commit
   * off). Lost if the process dies in between: the feeds' safety poll covers that.
   */
  private static final String NOTIFY = "select pg_notify('" + FeedNotices.CHANNEL + "', a::text)"
      + " from (select set_config('synchronous_commit', 'off', true)) as quick, unnest($1::bigint[]) as a";

  private void announce(Set<Long> alliances) {
    pool.preparedQuery(NOTIFY).execute(Tuple.of((Object) alliances.toArray(Long[]::new)))
        .onFailure(err -> log.debug("Could not announce a commit to the feeds: {}", err.getMessage()));
  }

  private Future<List<LedgerBatch.Verdict>> attempt(List<TransferCommand> cmds) {
    return pool.getConnection().compose(conn -> conn.begin()
        .compose(tx -> LedgerBatch.run(conn, cmds, clock.instant().truncatedTo(ChronoUnit.MICROS))
            .compose(verdicts -> tx.commit().map(verdicts))
            .onFailure(err -> rollbackQuietly(tx)))
        .onComplete(ar -> conn.close()));
  }

  private static void rollbackQuietly(Transaction tx) {
    tx.rollback().onFailure(ignored -> { });
  }

  private static String describe(Throwable t) {
    return t instanceof PgException pg ? pg.getSqlState() + " " + pg.getErrorMessage() : String.valueOf(t);
  }
}
