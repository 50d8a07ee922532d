package io.linkpoints.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the writer tells an operator: batches (commands in each, time from begin to commit),
 * transfers committed and refused by their {@link LedgerError} code, commands lost to a failed
 * batch (the database went away: the caller retries), and the queue waiting for a batch.
 */
final class LedgerMeters {
  private final DistributionSummary batchCommands;
  private final Timer batchDuration;
  private final Counter committed;
  private final Map<LedgerError, Counter> refused = new EnumMap<>(LedgerError.class);
  private final Counter unwritten;

  LedgerMeters(MeterRegistry registry, Supplier<Number> queued) {
    batchCommands = DistributionSummary.builder("linkpoints.ledger.batch.commands")
        .description("Commands written per ledger batch (one transaction each)").register(registry);
    batchDuration = Timer.builder("linkpoints.ledger.batch.duration")
        .description("From a batch's begin to its commit").register(registry);
    committed = transfers(registry, "committed", "ok");
    for (LedgerError e : LedgerError.values()) {
      refused.put(e, transfers(registry, "refused", e.code()));
    }
    unwritten = Counter.builder("linkpoints.ledger.commands.unwritten")
        .description("Commands failed because their batch could not be written (database unavailable)")
        .register(registry);
    Gauge.builder("linkpoints.ledger.writer.queue", queued).description("Commands waiting for a batch")
        .register(registry);
  }

  private static Counter transfers(MeterRegistry registry, String result, String code) {
    return Counter.builder("linkpoints.ledger.transfers").description("Transfer commands by outcome")
        .tag("result", result).tag("code", code).register(registry);
  }

  void batch(int commands, long nanos) {
    batchCommands.record(commands);
    batchDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  void committed() {
    committed.increment();
  }

  void refused(LedgerError error) {
    refused.get(error).increment();
  }

  void unwritten(int commands) {
    unwritten.increment(commands);
  }
}
