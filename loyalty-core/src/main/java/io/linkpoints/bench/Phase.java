package io.linkpoints.bench;

import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LedgerWriter;
import java.time.Duration;

/**
 * One measured run of a mix: a warm-up that is not counted, then a window whose counts are the
 * difference of two snapshots, so the load never pauses at the window's edges.
 */
record Phase(String name, double seconds, ClosedLoop.Counts counts, long batches, long batchedCommands) {

  static Phase run(Ledger ledger, BenchAlliance alliance, TransferMix mix, int concurrency, Duration warmup,
      Duration window) {
    LedgerWriter writer = ledger.writer();
    ClosedLoop loop = new ClosedLoop(ledger, alliance, mix, concurrency);
    loop.start();
    Blocking.sleep(warmup.toMillis());
    ClosedLoop.Counts before = loop.counts();
    long batchesBefore = writer.batchesWritten();
    long commandsBefore = writer.commandsWritten();
    long start = System.nanoTime();
    Blocking.sleep(window.toMillis());
    ClosedLoop.Counts after = loop.counts();
    long batches = writer.batchesWritten() - batchesBefore;
    long commands = writer.commandsWritten() - commandsBefore;
    double seconds = (System.nanoTime() - start) / 1e9;
    Blocking.await(loop.stop());
    return new Phase(mix.label(), seconds, after.since(before), batches, commands);
  }

  double tps() {
    return counts.transfers() / seconds;
  }

  /** The share of successful transfers that credited the hot shop's acceptance account. */
  double hotShare() {
    return counts.transfers() == 0 ? 0 : (double) counts.hotCredits() / counts.transfers();
  }

  double meanBatch() {
    return batches == 0 ? 0 : (double) batchedCommands / batches;
  }
}
