package io.linkpoints.bench;

import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LedgerException;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.ledger.TransferResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps a fixed number of transfers outstanding at the writer: each completion issues the next
 * one, so the load adapts to the writer's pace and never queues without bound. Completions run
 * on event loops and only count and submit; they never block.
 */
final class ClosedLoop {
  /** Counters at one instant; the difference of two is what happened between them. */
  record Counts(long transfers, long hotCredits, long refused, long failed, Map<String, Long> refusals) {
    Counts since(Counts earlier) {
      Map<String, Long> byCode = new TreeMap<>(refusals);
      earlier.refusals.forEach((code, n) -> byCode.merge(code, -n, Long::sum));
      byCode.values().removeIf(n -> n == 0);
      return new Counts(transfers - earlier.transfers, hotCredits - earlier.hotCredits, refused - earlier.refused,
          failed - earlier.failed, byCode);
    }
  }

  private final Ledger ledger;
  private final BenchAlliance alliance;
  private final TransferMix mix;
  private final int concurrency;
  private final LongAdder transfers = new LongAdder();
  private final LongAdder hotCredits = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final Promise<Void> drained = Promise.promise();
  private volatile boolean stopping;

  ClosedLoop(Ledger ledger, BenchAlliance alliance, TransferMix mix, int concurrency) {
    this.ledger = ledger;
    this.alliance = alliance;
    this.mix = mix;
    this.concurrency = concurrency;
  }

  void start() {
    outstanding.set(concurrency);
    for (int i = 0; i < concurrency; i++) {
      issue();
    }
  }

  /** Stops issuing; the future completes once every outstanding transfer has finished. */
  Future<Void> stop() {
    stopping = true;
    if (outstanding.get() == 0) {
      drained.tryComplete();
    }
    return drained.future();
  }

  Counts counts() {
    Map<String, Long> byCode = new TreeMap<>();
    refusals.forEach((code, n) -> byCode.put(code, n.sum()));
    long refused = byCode.values().stream().mapToLong(Long::longValue).sum();
    return new Counts(transfers.sum(), hotCredits.sum(), refused, failed.sum(), byCode);
  }

  private void issue() {
    TransferCommand command = mix.next(alliance);
    ledger.submit(command).onComplete(result -> completed(command, result));
  }

  private void completed(TransferCommand command, AsyncResult<TransferResult> result) {
    if (result.succeeded()) {
      transfers.increment();
      if (command.creditAccountId() == alliance.hotAcceptance()) {
        hotCredits.increment();
      }
    } else if (result.cause() instanceof LedgerException refusal) {
      refusals.computeIfAbsent(refusal.code(), code -> new LongAdder()).increment();
    } else {
      failed.increment();
    }
    if (!stopping) {
      issue();
    } else if (outstanding.decrementAndGet() == 0) {
      drained.tryComplete();
    }
  }
}
