package io.linkpoints.tiers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.tiers.TierDecision.Occasion;
import io.linkpoints.tiers.TierDecision.Outcome;
import io.linkpoints.tiers.TierDecision.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule of one evaluation, case by case (the API test walks the same through PostgreSQL). */
class TierDecisionTest {
  private static final Instant NOW = Instant.parse("2026-06-01T04:00:00Z");
  private static final Instant GRACE = NOW.plus(Duration.ofDays(7));

  @Test
  void aSaleUpgradesAtOnceAndNeverDowngrades() {
    assertEquals(new Outcome(2, null, "earned"), TierDecision.decide(new State(1, null, 3), 2, 3, 7, Occasion.EARN, NOW));
    assertEquals(new Outcome(2, null, null), TierDecision.decide(new State(2, null, 3), 1, 3, 7, Occasion.EARN, NOW));
    assertEquals(new Outcome(2, GRACE, null), TierDecision.decide(new State(2, GRACE, 3), 0, 3, 7, Occasion.EARN, NOW));
    assertEquals(new Outcome(2, null, null), TierDecision.decide(new State(2, GRACE, 3), 2, 3, 7, Occasion.EARN, NOW),
        "back at the tier: the grace goes");
  }

  @Test
  void theReviewStartsTheGraceThenDowngradesWhenItHasPassed() {
    assertEquals(new Outcome(2, GRACE, null),
        TierDecision.decide(new State(2, null, 3), 0, 3, 7, Occasion.DAILY_REVIEW, NOW));
    assertEquals(new Outcome(2, GRACE, null),
        TierDecision.decide(new State(2, GRACE, 3), 1, 3, 7, Occasion.DAILY_REVIEW, GRACE.minusSeconds(1)));
    assertEquals(new Outcome(1, null, "daily_review"),
        TierDecision.decide(new State(2, GRACE, 3), 1, 3, 7, Occasion.DAILY_REVIEW, GRACE));
    assertEquals(new Outcome(0, null, "daily_review"),
        TierDecision.decide(new State(1, null, 3), 0, 3, 0, Occasion.DAILY_REVIEW, NOW), "no grace: at once");
    assertEquals(new Outcome(2, null, "daily_review"),
        TierDecision.decide(new State(1, null, 3), 2, 3, 7, Occasion.DAILY_REVIEW, NOW));
  }

  @Test
  void newDefinitionsApplyAtOnceBothWaysAndANewRowIsNoDefinitionChange() {
    for (Occasion o : List.of(Occasion.EARN, Occasion.DAILY_REVIEW)) {
      assertEquals(new Outcome(0, null, "definitions_changed"), TierDecision.decide(new State(2, GRACE, 3), 0, 4, 7, o, NOW));
      assertEquals(new Outcome(2, null, "definitions_changed"), TierDecision.decide(new State(1, null, 3), 2, 4, 7, o, NOW));
      assertEquals(new Outcome(1, null, null), TierDecision.decide(new State(1, GRACE, 3), 1, 4, 7, o, NOW));
    }
    assertEquals(new Outcome(1, null, "earned"), TierDecision.decide(new State(0, null, 0), 1, 4, 7, Occasion.EARN, NOW));
  }
}
