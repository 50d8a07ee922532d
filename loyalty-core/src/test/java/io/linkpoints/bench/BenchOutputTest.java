package io.linkpoints.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** What the benchmark reads (pgbench's output, its flags) and the one line it prints. */
class BenchOutputTest {
  @Test
  void reportLineHasTheAgreedShape() {
    assertEquals("ledger-bench uniform_tps=3000 hot_tps=2850 pgbench_tps=1500 ratio=2.00 hot_ratio=0.95",
        Report.line(3000.4, 2850, 1500));
  }

  @Test
  void pgbenchTpsIsReadInBothOutputFormats() throws Exception {
    assertEquals(1234.5, PgBench.parseTps("latency average = 2 ms\ntps = 1234.5 (without initial connection time)\n"));
    assertEquals(987.25, PgBench.parseTps("tps = 987.25 (excluding connections establishing)\n"));
  }

  @Test
  void flagsOverrideDefaultsAndUnknownOnesAreRefused() {
    BenchOptions o = BenchOptions.parse("--seconds=3", "--max-batch=500", "--in-flight=1", "--linger=0");
    assertEquals(3, o.seconds());
    assertEquals(20_000, o.members());
    assertEquals(500, o.writer().maxBatch());
    assertEquals(1, o.writer().maxInFlight());
    assertEquals(0, o.writer().lingerMillis());
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--sekonds=3"));
    assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse("--seconds=0"));
  }
}
