package io.linkpoints.rewards;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumMap;
import java.util.Map;

/** Rewards as the contract names them. */
final class RewardJson {
  private RewardJson() {
  }

  static JsonObject settings(RewardRules.Settings s) {
    JsonObject out = new JsonObject();
    for (RewardKind kind : RewardKind.values()) {
      RewardRules.Rule r = s.rules().get(kind);
      out.put(kind.dbName(), r == null || !r.on() ? null : new JsonObject().put("points", r.points())
          .put("fundedBy", r.fundedBy().dbName()).put("since", r.since().toString()));
    }
    JsonArray optIns = new JsonArray();
    s.optIns().forEach(o -> optIns.add(optIn(o)));
    return out.put("optIns", optIns);
  }

  /** A putRewards body (types and bounds checked against the contract): a reward absent or null is off. */
  static Map<RewardKind, RewardRules.Rule> rules(JsonObject body) {
    Map<RewardKind, RewardRules.Rule> rules = new EnumMap<>(RewardKind.class);
    for (RewardKind kind : RewardKind.values()) {
      JsonObject r = body.getJsonObject(kind.dbName());
      if (r != null) {
        rules.put(kind, new RewardRules.Rule(kind, r.getLong("points"),
            RewardRules.FundedBy.fromDb(r.getString("fundedBy", "alliance_fund")), null));
      }
    }
    return rules;
  }

  static JsonObject optIn(RewardRules.OptIn o) {
    return new JsonObject().put("shopId", o.shopId()).put("welcome", o.welcome()).put("birthday", o.birthday());
  }

  static Birthdays.Birthday birthday(JsonObject body) {
    return new Birthdays.Birthday(body.getInteger("month"), body.getInteger("day"), body.getInteger("year"));
  }

  static JsonObject birthday(Birthdays.Birthday b) {
    return birthdayFields(b).put("locked", true);
  }

  static JsonObject view(MemberRewards.View v) {
    JsonArray grants = new JsonArray();
    v.grants().forEach(g -> grants.add(new JsonObject().put("kind", g.kind().dbName()).put("year", g.year())
        .put("points", g.points()).put("fundedBy", g.fundedBy().dbName()).put("grantedAt", g.grantedAt().toString())
        .put("transferred", g.transferred())));
    return new JsonObject().put("birthday", v.birthday() == null ? null : birthday(v.birthday()))
        .put("grants", grants);
  }

  /** A birthday as the API and the audit log show it: month, day, and the year if given. */
  static JsonObject birthdayFields(Birthdays.Birthday b) {
    return new JsonObject().put("month", b.month()).put("day", b.day()).put("year", b.year());
  }
}
