package io.linkpoints.till.fleet;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.till.client.PosException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The open loop's scheduling with a fake sale (a timer), no server. Bounds are loose on purpose:
 * these run on busy two-core machines, and speed is measured by the bench, not here.
 */
class OpenLoopTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  /** A sale that takes {@code millis} on a timer. */
  private Future<Void> takes(long millis) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(millis, t -> done.complete());
    return done.future();
  }

  @Test
  void offersSalesAtTheRateRoundRobinNeverEarly() {
    Map<Integer, AtomicInteger> byLane = new ConcurrentHashMap<>();
    AtomicLong lastStart = new AtomicLong();
    long called = System.nanoTime();
    OpenLoop.Result r = await(OpenLoop.run(vertx, new OpenLoop.Options(200, 4, 2, 0, 1_000, 10_000), lane -> {
      byLane.computeIfAbsent(lane, k -> new AtomicInteger()).incrementAndGet();
      lastStart.accumulateAndGet(System.nanoTime(), Math::max);
      return takes(1);
    }));

    assertEquals(200, r.offered());
    assertEquals(200, r.completed());
    assertEquals(0, r.unfinished());
    assertEquals(200, r.latency().count());
    byLane.values().forEach(n -> assertEquals(50, n.get(), "round-robin: " + byLane));
    // The last sale is due at 995 ms: the loop paces sales, it does not fire them all at once.
    assertTrue(lastStart.get() - called >= 990_000_000L, "last start " + (lastStart.get() - called) / 1e6 + " ms");
    assertTrue(r.latency().p50Millis() < 250, "p50 " + r.latency().p50Millis());
  }

  @Test
  void salesDueDuringAStallAreTimedFromWhenTheyWereDue() {
    // One lane, one sale at a time: everything due while sale 100 stalls waits behind it.
    AtomicInteger started = new AtomicInteger();
    OpenLoop.Result r = await(OpenLoop.run(vertx, new OpenLoop.Options(200, 1, 1, 0, 2_000, 10_000),
        lane -> takes(started.incrementAndGet() == 100 ? 500 : 1)));

    assertEquals(400, r.offered());
    assertEquals(400, r.completed());
    // About 100 sales fall due during the stall, waiting from ~500 ms down to ~0; timed from their
    // actual start they would show one slow sample and a p99 of a few milliseconds.
    assertTrue(r.latency().p99Millis() >= 400, "p99 " + r.latency().p99Millis());
    assertTrue(r.waitedInLane() >= 50, "waited " + r.waitedInLane());
  }

  @Test
  void refusalsAreCountedNotTimedAndTheUnfinishedCountUpToTheDeadline() {
    // Lane 0 refuses at once, lane 1 answers, lane 2 never answers (its queue only grows).
    OpenLoop.Options o = new OpenLoop.Options(100, 3, 1, 200, 300, 1_000);
    OpenLoop.Result r = await(OpenLoop.run(vertx, o, lane -> switch (lane) {
      case 0 -> Future.failedFuture(new PosException(409, "code_used", "again"));
      case 1 -> takes(1);
      default -> Promise.<Void>promise().future();
    }));

    // 30 sales due in the window (the 20 due in the warm-up are not recorded), 10 per lane.
    assertEquals(30, r.offered());
    assertEquals(10, r.completed());
    assertEquals(Map.of("code_used", 10L), r.refusals());
    assertEquals(10, r.unfinished());
    assertEquals(20, r.latency().count(), "refusals are not timed");
    // Each unfinished sale waited at least the drain (1 s) after the window closed.
    assertTrue(r.latency().p99Millis() >= 1_000, "p99 " + r.latency().p99Millis());
  }
}
