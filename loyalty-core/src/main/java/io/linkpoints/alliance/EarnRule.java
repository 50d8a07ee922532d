package io.linkpoints.alliance;

/**
 * A shop's earn rule: whole points per yuan spent, how fractions round, and an optional cap on
 * what one member may earn at this shop in one day.
 */
public record EarnRule(int pointsPerYuan, Rounding rounding, Long dailyCapPoints) {
  public static final EarnRule DEFAULT = new EarnRule(1, Rounding.FLOOR, null);

  public EarnRule {
    if (pointsPerYuan < 0 || pointsPerYuan > 1000) {
      throw new IllegalArgumentException("pointsPerYuan must be 0..1000");
    }
    if (dailyCapPoints != null && dailyCapPoints <= 0) {
      throw new IllegalArgumentException("dailyCapPoints must be positive");
    }
  }
}
