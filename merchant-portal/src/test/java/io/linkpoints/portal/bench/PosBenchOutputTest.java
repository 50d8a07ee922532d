package io.linkpoints.portal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.till.fleet.Fleet;
import io.linkpoints.till.fleet.OpenLoop;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The open loop's line has the agreed shape, in any default locale. */
class PosBenchOutputTest {
  @Test
  void latencyLineHasTheAgreedShape() {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY); // a decimal comma would break every reader of the line
    try {
      OpenLoop.Result r = new OpenLoop.Result(612.4, 18372, 18370, Map.of("code_used", 2L), 0, 3, 7.5, 40, 2,
          new Fleet.Summary(18370, 4.127, 19.5, 61.004));
      assertEquals("pos-latency offered_per_s=612 p50_ms=4.13 p99_ms=19.50 p999_ms=61.00", PosBench.latencyLine(r));
    } finally {
      Locale.setDefault(before);
    }
  }
}
