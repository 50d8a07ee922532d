package io.linkpoints.promotions;

import io.linkpoints.alliance.EarnRule;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Which of a shop's promotions a sale earns. Promotions do not stack: of those that apply, the one
 * that adds the most points wins (ties: the oldest, the lowest id), as a shop owner reading
 * "double points on Tuesdays" and "50 extra points over 100 yuan" expects: never both at once.
 * The new-customer bounty is not a promotion and comes on top.
 */
public final class BestPromotion {
  private BestPromotion() {
  }

  /** The promotion a sale earns and its points. */
  public record Chosen(Promotion promotion, long points) {
  }

  public static Optional<Chosen> of(List<Promotion> promotions, Instant at, ZoneId zone, long spendFen, EarnRule rule) {
    Chosen best = null;
    for (Promotion p : promotions) {
      if (!p.appliesTo(at, zone, spendFen)) {
        continue;
      }
      long points = p.bonusPoints(spendFen, rule);
      if (points > 0 && (best == null || points > best.points()
          || points == best.points() && p.id() < best.promotion().id())) {
        best = new Chosen(p, points);
      }
    }
    return Optional.ofNullable(best);
  }
}
