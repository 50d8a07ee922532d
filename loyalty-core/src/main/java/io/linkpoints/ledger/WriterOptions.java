package io.linkpoints.ledger;

/**
 * How the batching writer groups commands.
 *
 * @param maxBatch commands in one PostgreSQL transaction at most
 * @param lingerMillis how long an idle writer waits for company before it writes a lone command
 * @param maxInFlight batches being written at once (each on its own connection)
 * @param maxQueued commands waiting at most; past that callers get {@code ledger_busy}
 */
public record WriterOptions(int maxBatch, long lingerMillis, int maxInFlight, int maxQueued) {
  /**
   * One batch at a time: the next one gathers while it commits. Two in flight made batches half as
   * big under the POS benchmark, and PostgreSQL pays per statement, not per row: one gave 10-15 %
   * more sales per second there, at lower latency.
   */
  public static final WriterOptions DEFAULT = new WriterOptions(1000, 2, 1, 100_000);

  public WriterOptions {
    if (maxBatch < 1 || lingerMillis < 0 || maxInFlight < 1 || maxQueued < maxBatch) {
      throw new IllegalArgumentException("bad writer options");
    }
  }
}
