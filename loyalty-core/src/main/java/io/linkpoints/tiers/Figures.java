package io.linkpoints.tiers;

/** A member's qualifying figures in the window: points earned and spend (net of refunds), distinct shops. */
public record Figures(long points, long spendFen, long shops) {
  static final Figures NONE = new Figures(0, 0, 0);

  long on(TierRule.Basis basis) {
    return basis == TierRule.Basis.POINTS_EARNED ? points : spendFen;
  }
}
