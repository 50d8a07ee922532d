package io.linkpoints.till.fleet;

import java.util.Arrays;

/** Latencies of one kind of operation, in microseconds; percentiles by sorting (a run is only so long). */
final class Latencies {
  private long[] micros = new long[1 << 14];
  private int count;

  synchronized void add(long value) {
    if (count == micros.length) {
      micros = Arrays.copyOf(micros, count * 2);
    }
    micros[count++] = value;
  }

  synchronized void addAll(Latencies other) {
    long[] theirs;
    int n;
    synchronized (other) {
      theirs = Arrays.copyOf(other.micros, other.count);
      n = other.count;
    }
    for (int i = 0; i < n; i++) {
      add(theirs[i]);
    }
  }

  synchronized int count() {
    return count;
  }

  /** The q-quantile (0..1) in milliseconds, nearest rank. */
  synchronized double percentileMillis(double q) {
    if (count == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(micros, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * count) - 1;
    return sorted[Math.max(0, Math.min(count - 1, rank))] / 1000.0;
  }
}
