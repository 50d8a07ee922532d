package io.linkpoints.testing;

import io.linkpoints.platform.ManualClock;
import java.time.Instant;

/** The tests' name for a {@link ManualClock}. */
public final class MutableClock extends ManualClock {
  public MutableClock(Instant start) {
    super(start);
  }
}
