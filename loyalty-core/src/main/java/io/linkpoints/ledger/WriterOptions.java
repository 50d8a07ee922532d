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
  public static final WriterOptions DEFAULT = new WriterOptions(1000, 2, 2, 100_000);

  public WriterOptions {
    if (maxBatch < 1 || lingerMillis < 0 || maxInFlight < 1 || maxQueued < maxBatch) {
      throw new IllegalArgumentException("bad writer options");
    }
  }
}
