package io.linkpoints.alliance;

import io.vertx.core.json.JsonObject;

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

  public JsonObject toJson() {
    return new JsonObject().put("pointsPerYuan", pointsPerYuan).put("rounding", rounding.dbName())
        .put("dailyCapPoints", dailyCapPoints);
  }
}
