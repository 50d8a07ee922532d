package io.linkpoints.till.fleet;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Open-loop load: sale i is due at {@code start + i / rate} whether or not earlier sales have
 * finished, and its latency runs from that intended time to its completion. A server that stalls
 * is charged for every sale that should have started during the stall, not for one slow sample
 * (no coordinated omission).
 *
 * <p>Sales go round-robin to lanes (tills). A lane runs at most {@code inFlightPerLane} sales at
 * once and queues the rest in order, as customers queue at a counter; their wait counts.
 *
 * <p>Everything runs on one Vert.x context. A timer wakes at the next due time and starts every
 * sale due by then: a timer that fires late starts sales late, but they are still timed from when
 * they were due (and the lateness is counted). Sales due in the warm-up are not recorded. After
 * the window the loop waits for the window's sales, at most {@code drainMillis}; any still
 * unfinished then are timed up to that moment (a lower bound), so never answering cannot improve
 * the percentiles. Failed sales are counted by reason, not timed.
 */
public final class OpenLoop {
  /** Starts one sale on lane {@code lane}; the future completes when the sale does. */
  @FunctionalInterface
  public interface Sale {
    Future<?> start(int lane);
  }

  public record Options(double perSecond, int lanes, int inFlightPerLane, long warmupMillis, long measureMillis,
      long drainMillis) {
    public Options {
      if (!(perSecond > 0) || lanes < 1 || inFlightPerLane < 1 || warmupMillis < 0 || measureMillis <= 0
          || drainMillis < 0) {
        throw new IllegalArgumentException("bad open-loop options: " + this);
      }
    }
  }

  /**
   * The measured window's sales: {@code offered = completed + refused + unfinished}. {@code latency}
   * covers completed sales and, as lower bounds, unfinished ones. {@code lateStarts}: started more
   * than {@link #LATE_MILLIS} after they were due (the generator itself was behind);
   * {@code waitedInLane}: found their till's lanes all busy.
   */
  public record Result(double offeredPerSecond, long offered, long completed, Map<String, Long> refusals,
      long unfinished, long lateStarts, double maxLateMillis, long waitedInLane, int deepestLane,
      Fleet.Summary latency) {
    public long refused() {
      return refusals.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Beyond timer granularity (whole milliseconds, rounded up): the generator was behind. */
  public static final long LATE_MILLIS = 5;

  private record Pending(long index, long dueNanos, boolean measured) {
  }

  private final Vertx vertx;
  private final Options options;
  private final Sale sale;
  private final Promise<Result> result = Promise.promise();
  private final Latencies latencies = new Latencies();
  private final int[] inFlight;
  private final ArrayDeque<Pending>[] queued;
  // Measured sales not yet finished: index -> due time. Only touched on the context.
  private final Map<Long, Long> outstanding = new HashMap<>();
  private final Map<String, Long> refusals = new TreeMap<>();
  private final long durationNanos;
  private final long warmupNanos;
  private Context context;
  private long start;
  private long next;
  private boolean scheduledAll;
  private long drainTimer = -1;
  private boolean done;
  private long offered;
  private long completed;
  private long lateStarts;
  private long maxLateNanos;
  private long waitedInLane;
  private int deepestLane;

  @SuppressWarnings("unchecked")
  private OpenLoop(Vertx vertx, Options options, Sale sale) {
    this.vertx = vertx;
    this.options = options;
    this.sale = sale;
    this.inFlight = new int[options.lanes()];
    this.queued = new ArrayDeque[options.lanes()];
    for (int i = 0; i < queued.length; i++) {
      queued[i] = new ArrayDeque<>();
    }
    this.warmupNanos = options.warmupMillis() * 1_000_000;
    this.durationNanos = warmupNanos + options.measureMillis() * 1_000_000;
  }

  /** Offers sales at {@code options.perSecond()} for the warm-up and the window; see the class comment. */
  public static Future<Result> run(Vertx vertx, Options options, Sale sale) {
    return new OpenLoop(vertx, options, sale).run();
  }

  private Future<Result> run() {
    context = vertx.getOrCreateContext();
    start = System.nanoTime();
    context.runOnContext(v -> tick());
    return result.future();
  }

  private long offsetNanos(long index) {
    return (long) (index * 1e9 / options.perSecond());
  }

  /** Starts every sale due by now, then sleeps until the next one is due. */
  private void tick() {
    if (done) {
      return;
    }
    long now = System.nanoTime();
    while (true) {
      long offset = offsetNanos(next);
      if (offset >= durationNanos) {
        scheduledAll = true;
        drainTimer = vertx.setTimer(Math.max(1, options.drainMillis()), t -> finish());
        finishIfDrained();
        return;
      }
      long due = start + offset;
      if (due > now) {
        now = System.nanoTime();
      }
      if (due > now) {
        vertx.setTimer(Math.max(1, (due - now + 999_999) / 1_000_000), t -> tick());
        return;
      }
      dispatch(new Pending(next++, due, offset >= warmupNanos), now);
    }
  }

  private void dispatch(Pending p, long now) {
    int lane = (int) (p.index() % options.lanes());
    if (p.measured()) {
      offered++;
      outstanding.put(p.index(), p.dueNanos());
      long late = now - p.dueNanos();
      maxLateNanos = Math.max(maxLateNanos, late);
      if (late > LATE_MILLIS * 1_000_000) {
        lateStarts++;
      }
    }
    if (inFlight[lane] < options.inFlightPerLane()) {
      startOn(lane, p);
    } else {
      queued[lane].add(p);
      deepestLane = Math.max(deepestLane, queued[lane].size());
      if (p.measured()) {
        waitedInLane++;
      }
    }
  }

  private void startOn(int lane, Pending p) {
    inFlight[lane]++;
    Future<?> f;
    try {
      f = sale.start(lane);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    // The clock stops here; the bookkeeping hops to our context, and off this stack for sales done at once.
    f.onComplete(ar -> {
      long end = System.nanoTime();
      context.runOnContext(v -> finished(lane, p, ar, end));
    });
  }

  private void finished(int lane, Pending p, AsyncResult<?> ar, long end) {
    inFlight[lane]--;
    if (done) {
      return;
    }
    if (p.measured() && outstanding.remove(p.index()) != null) {
      if (ar.succeeded()) {
        completed++;
        latencies.add((end - p.dueNanos()) / 1_000);
      } else {
        refusals.merge(Fleet.why(ar.cause()), 1L, Long::sum);
      }
    }
    Pending waiting = queued[lane].poll();
    if (waiting != null) {
      startOn(lane, waiting);
    }
    finishIfDrained();
  }

  private void finishIfDrained() {
    if (scheduledAll && outstanding.isEmpty()) {
      finish();
    }
  }

  private void finish() {
    if (done) {
      return;
    }
    done = true;
    vertx.cancelTimer(drainTimer);
    long now = System.nanoTime();
    outstanding.values().forEach(due -> latencies.add((now - due) / 1_000));
    result.complete(new Result(options.perSecond(), offered, completed,
        Collections.unmodifiableMap(new TreeMap<>(refusals)), outstanding.size(), lateStarts, maxLateNanos / 1e6,
        waitedInLane, deepestLane, Fleet.summary(latencies)));
  }
}
