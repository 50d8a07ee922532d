package io.linkpoints.tiers;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one evaluation does to a member's tier, decided under the member's row lock: upgrades at
 * once; a downgrade only at a daily review, after a grace period that the first review finding the
 * member below their tier starts; a member back at their tier loses the grace. Definitions
 * replaced since the member's tier was decided put them at once where the new ones say.
 */
final class TierDecision {
  private TierDecision() {
  }

  /** Why an evaluation runs. */
  enum Occasion {
    EARN, DAILY_REVIEW
  }

  /** The member's row as locked: level 0 = no tier; ruleVersion 0 = a row made just now. */
  record State(int level, Instant graceUntil, long ruleVersion) {
  }

  /** The row to write, and the reason to record a change with (null: the level did not change). */
  record Outcome(int level, Instant graceUntil, String reason) {
    boolean changes(State s) {
      return level != s.level() || !Objects.equals(graceUntil, s.graceUntil());
    }
  }

  static Outcome decide(State s, int qualified, long ruleVersion, int graceDays, Occasion occasion, Instant now) {
    if (s.ruleVersion() != 0 && s.ruleVersion() != ruleVersion) {
      return new Outcome(qualified, null, qualified == s.level() ? null : "definitions_changed");
    }
    String upgrade = occasion == Occasion.EARN ? "earned" : "daily_review";
    if (qualified > s.level()) {
      return new Outcome(qualified, null, upgrade);
    }
    if (qualified == s.level()) {
      return new Outcome(s.level(), null, null);
    }
    // Below their tier: only the daily review acts, first starting the grace, then downgrading.
    if (occasion == Occasion.EARN) {
      return new Outcome(s.level(), s.graceUntil(), null);
    }
    if (s.graceUntil() == null && graceDays > 0) {
      return new Outcome(s.level(), now.plus(Duration.ofDays(graceDays)), null);
    }
    if (s.graceUntil() == null || !now.isBefore(s.graceUntil())) {
      return new Outcome(qualified, null, "daily_review");
    }
    return new Outcome(s.level(), s.graceUntil(), null);
  }
}
