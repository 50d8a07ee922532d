package io.linkpoints.promotions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Promotions and bounties as the contract writes them; bodies read here passed its schema already. */
public final class PromotionJson {
  private PromotionJson() {
  }

  static Promotion.Draft draft(JsonObject body) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    JsonArray weekdays = body.getJsonArray("weekdays");
    if (weekdays != null) {
      weekdays.forEach(d -> days.add(DayOfWeek.of(((Number) d).intValue())));
    }
    Integer permille = body.getInteger("multiplierPermille");
    return new Promotion.Draft(body.getString("name"),
        Promotion.Kind.valueOf(body.getString("kind").toUpperCase(Locale.ROOT)), permille,
        body.getLong("bonusPoints"), days, time(body.getString("windowStart")), time(body.getString("windowEnd")),
        body.getLong("minSpendFen", 0L), LocalDate.parse(body.getString("startsOn")),
        LocalDate.parse(body.getString("endsOn")));
  }

  private static LocalTime time(String hhmm) {
    return hhmm == null ? null : LocalTime.parse(hhmm);
  }

  static JsonObject promotion(Promotions.Shown shown) {
    Promotion p = shown.promotion();
    JsonArray days = new JsonArray();
    p.weekdays().stream().sorted().forEach(d -> days.add(d.getValue()));
    JsonObject json = new JsonObject().put("id", p.id()).put("shopId", p.shopId()).put("name", p.name())
        .put("kind", p.kind().name().toLowerCase(Locale.ROOT));
    if (p.multiplierPermille() != null) {
      json.put("multiplierPermille", p.multiplierPermille());
    }
    if (p.bonusPoints() != null) {
      json.put("bonusPoints", p.bonusPoints());
    }
    json.put("weekdays", days);
    if (p.windowStart() != null) {
      json.put("windowStart", p.windowStart().toString()).put("windowEnd", p.windowEnd().toString());
    }
    json.put("minSpendFen", p.minSpendFen()).put("startsOn", p.startsOn().toString())
        .put("endsOn", p.endsOn().toString());
    if (p.endedAt() != null) {
      json.put("endedAt", p.endedAt().toString());
    }
    return json.put("status", shown.status().name().toLowerCase(Locale.ROOT))
        .put("createdAt", p.createdAt().toString());
  }

  static JsonObject promotions(List<Promotions.Shown> list) {
    JsonArray items = new JsonArray();
    list.forEach(p -> items.add(promotion(p)));
    return new JsonObject().put("items", items);
  }

  static JsonObject bounty(Bounties.Bounty b) {
    JsonObject json = new JsonObject().put("shopId", b.shopId()).put("points", b.points())
        .put("minSpendFen", b.minSpendFen());
    if (b.updatedAt() != null) {
      json.put("updatedAt", b.updatedAt().toString());
    }
    return json;
  }

  static JsonObject report(PromotionReport.Report r) {
    JsonArray sources = new JsonArray();
    for (PromotionReport.Line l : r.sources()) {
      JsonObject json = new JsonObject().put("kind", l.source().kind());
      if (l.source().promotionId() != null) {
        json.put("promotionId", l.source().promotionId());
      }
      if (l.name() != null) {
        json.put("name", l.name());
      }
      sources.add(json.put("paidBy", l.source().paidBy()).put("bonuses", l.bonuses())
          .put("pointsGiven", l.pointsGiven()).put("pointsTakenBack", l.pointsTakenBack())
          .put("costPoints", l.costPoints()).put("costFen", l.costFen()).put("sales", l.sales())
          .put("spendFen", l.spendFen()).put("members", l.members()).put("newCustomers", l.newCustomers())
          .put("redeemingMembers", l.redeemingMembers()).put("redemptions", l.redemptions())
          .put("redeemedPoints", l.redeemedPoints()).put("redeemedFen", l.redeemedFen()));
    }
    JsonArray days = new JsonArray();
    r.days().forEach(d -> days.add(new JsonObject().put("day", d.day().toString()).put("costPoints", d.costPoints())
        .put("sales", d.sales())));
    return new JsonObject().put("shopId", r.shopId()).put("from", r.from().toString()).put("to", r.to().toString())
        .put("timeZone", r.timeZone().getId()).put("sources", sources).put("days", days);
  }
}
