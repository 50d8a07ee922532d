package io.linkpoints.alliance;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/** The JSON of earn rules and earn quotes; public because the till's posQuote answers the same quote. */
public final class EarnRulesJson {
  private EarnRulesJson() {
  }

  public static JsonObject quote(EarnRules.EarnQuote q) {
    return new JsonObject().put("shopId", q.shopId()).put("spendFen", q.quote().spendFen())
        .put("rawPoints", q.quote().rawPoints()).put("points", q.quote().points())
        .put("limitedBy", q.quote().limitedBy().name().toLowerCase(Locale.ROOT))
        .put("earnedTodayAtShop", q.earnedToday().atShop()).put("earnedTodayInAlliance", q.earnedToday().inAlliance())
        .put("rule", rule(q.rule()));
  }

  static JsonObject rule(EarnRules.ShopRule r) {
    return rule(r.rule()).put("shopId", r.shopId());
  }

  static JsonObject rule(EarnRule rule) {
    return new JsonObject().put("pointsPerYuan", rule.pointsPerYuan()).put("rounding", rule.rounding().dbName())
        .put("dailyCapPoints", rule.dailyCapPoints());
  }

  /** The rule a putEarnRule body states (checked against the contract's EarnRuleInput already). */
  static EarnRule rule(JsonObject body) {
    return new EarnRule(body.getInteger("pointsPerYuan"), Rounding.fromDb(body.getString("rounding")),
        body.getLong("dailyCapPoints"));
  }
}
