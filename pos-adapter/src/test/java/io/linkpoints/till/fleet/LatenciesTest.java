package io.linkpoints.till.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles, p99.9 included. */
class LatenciesTest {
  @Test
  void nearestRankPercentiles() {
    Latencies l = new Latencies();
    for (int i = 2000; i >= 1; i--) {
      l.add(i * 1000L); // 1..2000 ms, added out of order
    }
    Fleet.Summary s = Fleet.summary(l);
    assertEquals(2000, s.count());
    assertEquals(1000, s.p50Millis());
    assertEquals(1980, s.p99Millis());
    assertEquals(1998, s.p999Millis());
    assertEquals(0, Fleet.summary(new Latencies()).p999Millis(), "no samples, no figure");
  }
}
