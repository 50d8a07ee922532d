package io.linkpoints.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The human-readable table and the one machine-readable line. */
final class Report {
  private Report() {
  }

  static void table(PrintStream out, List<Phase> phases, double pgbenchTps) {
    out.println();
    out.printf(Locale.ROOT, "%-9s %10s %10s %8s %7s %9s %9s %10s  %s%n", "phase", "tps", "transfers", "seconds",
        "failed", "hot-share", "batches", "mean-batch", "refused");
    for (Phase p : phases) {
      out.printf(Locale.ROOT, "%-9s %10.0f %10d %8.1f %7d %8.1f%% %9d %10.1f  %d %s%n", p.name(), p.tps(),
          p.counts().transfers(), p.seconds(), p.counts().failed(), 100 * p.hotShare(), p.batches(), p.meanBatch(),
          p.counts().refused(), p.counts().refusals().isEmpty() ? "" : p.counts().refusals());
    }
    out.printf(Locale.ROOT, "%-9s %10.0f   (pgbench -N -c %d -j %d -M prepared)%n%n", "pgbench", pgbenchTps,
        PgBench.CLIENTS, PgBench.THREADS);
  }

  /** {@code ledger-bench uniform_tps=N hot_tps=N pgbench_tps=N ratio=R hot_ratio=H}. */
  static String line(double uniformTps, double hotTps, double pgbenchTps) {
    return String.format(Locale.ROOT, "ledger-bench uniform_tps=%d hot_tps=%d pgbench_tps=%d ratio=%.2f hot_ratio=%.2f",
        Math.round(uniformTps), Math.round(hotTps), Math.round(pgbenchTps), ratio(uniformTps, pgbenchTps),
        ratio(hotTps, uniformTps));
  }

  private static double ratio(double a, double b) {
    return b == 0 ? 0 : a / b;
  }
}
