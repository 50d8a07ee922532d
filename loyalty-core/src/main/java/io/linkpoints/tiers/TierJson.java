package io.linkpoints.tiers;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Tier definitions, tiers and a member's progress as the contract names them; {@link #tier} is the till's too. */
public final class TierJson {
  private TierJson() {
  }

  /** A tier as an answer carries it: null for none. */
  public static Object tier(Optional<Tier> tier) {
    return tier.map(TierJson::tier).orElse(null);
  }

  static JsonObject tier(Tier t) {
    return new JsonObject().put("id", t.id()).put("nameZh", t.nameZh()).put("nameEn", t.nameEn());
  }

  static JsonObject definitions(TierRule r) {
    JsonArray levels = new JsonArray();
    r.levels().forEach(l -> levels.add(level(l)));
    return new JsonObject().put("basis", r.basis().dbName()).put("windowDays", r.windowDays())
        .put("graceDays", r.graceDays()).put("levels", levels).put("version", r.version());
  }

  private static JsonObject level(TierRule.Level l) {
    JsonObject json = tier(l.tier()).put("threshold", l.threshold()).put("minShops", l.minShops());
    if (l.allianceMultiplierPermille() != null) {
      json.put("allianceMultiplierPermille", l.allianceMultiplierPermille());
    }
    return json;
  }

  /** A putTiers body (its types and bounds checked against the contract already); levels numbered in order. */
  static TierRule draft(JsonObject body) {
    List<TierRule.Level> levels = new ArrayList<>();
    JsonArray given = body.getJsonArray("levels");
    for (int i = 0; i < given.size(); i++) {
      JsonObject l = given.getJsonObject(i);
      levels.add(new TierRule.Level(i + 1, l.getString("nameZh"), l.getString("nameEn"), l.getLong("threshold"),
          l.getInteger("minShops", 0), l.getInteger("allianceMultiplierPermille")));
    }
    return new TierRule(TierRule.Basis.fromDb(body.getString("basis")), body.getInteger("windowDays"),
        body.getInteger("graceDays"), List.copyOf(levels), 0);
  }

  static JsonObject progress(MemberTiers.Progress p) {
    return new JsonObject().put("basis", p.rule().basis().dbName()).put("windowDays", p.rule().windowDays())
        .put("tier", p.tier() == null ? null : tier(p.tier()))
        .put("since", p.since() == null ? null : p.since().toString())
        .put("graceUntil", p.graceUntil() == null ? null : p.graceUntil().toString())
        .put("figures", new JsonObject().put("points", p.figures().points()).put("spendFen", p.figures().spendFen())
            .put("shops", p.figures().shops()))
        .put("next", p.next() == null ? null : level(p.next()))
        .put("missing", p.missing()).put("missingShops", p.missingShops())
        .put("perks", perks(p.perks()));
  }

  private static JsonObject perks(MemberTiers.Perks p) {
    JsonArray shops = new JsonArray();
    for (MemberTiers.ShopPerks s : p.shops()) {
      JsonArray coupons = new JsonArray();
      s.coupons().forEach(c -> coupons.add(new JsonObject().put("campaignId", c.campaignId()).put("name", c.name())
          .put("minTierLevel", c.minTierLevel())));
      shops.add(new JsonObject().put("shopId", s.shopId()).put("shopName", s.shopName())
          .put("multiplierPermille", s.multiplierPermille()).put("coupons", coupons));
    }
    return new JsonObject().put("allianceMultiplierPermille", p.allianceMultiplierPermille()).put("shops", shops);
  }

  /** A shop's tier perks as getShopTierPerks answers them. */
  static JsonObject shopPerks(long shopId, List<ShopTierPerks.Perk> perks) {
    JsonArray levels = new JsonArray();
    for (ShopTierPerks.Perk p : perks) {
      levels.add(new JsonObject().put("level", p.level()).put("multiplierPermille", p.multiplierPermille())
          .put("couponCampaignId", p.couponCampaignId()).put("couponCampaignName", p.couponCampaignName())
          .put("updatedAt", p.updatedAt().toString()));
    }
    return new JsonObject().put("shopId", shopId).put("levels", levels);
  }

  /** A putShopTierPerks body (shape checked against the contract already). */
  static List<ShopTierPerks.Draft> perkDrafts(JsonObject body) {
    List<ShopTierPerks.Draft> drafts = new ArrayList<>();
    JsonArray given = body.getJsonArray("levels");
    for (int i = 0; i < given.size(); i++) {
      JsonObject l = given.getJsonObject(i);
      drafts.add(new ShopTierPerks.Draft(l.getInteger("level"), l.getInteger("multiplierPermille"),
          l.getLong("couponCampaignId")));
    }
    return drafts;
  }
}
