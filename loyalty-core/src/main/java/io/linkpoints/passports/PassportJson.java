package io.linkpoints.passports;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Passports and cards as the contract writes them; bodies read here passed its schema already. */
public final class PassportJson {
  private PassportJson() {
  }

  static Passport.Draft draft(JsonObject body) {
    List<Passport.ShopShare> shops = new ArrayList<>();
    body.getJsonArray("shops").forEach(o -> {
      JsonObject s = (JsonObject) o;
      shops.add(new Passport.ShopShare(s.getLong("shopId"), s.getInteger("basisPoints")));
    });
    return new Passport.Draft(body.getString("nameZh"), body.getString("nameEn"), shops,
        body.getInteger("fundBasisPoints"), body.getInteger("stampsRequired"), body.getLong("minSpendFen", 0L),
        LocalDate.parse(body.getString("startsOn")), LocalDate.parse(body.getString("endsOn")),
        body.getLong("rewardPoints"));
  }

  static JsonObject passport(Passports.Shown shown) {
    Passport p = shown.passport();
    JsonArray shops = new JsonArray();
    for (Passport.Shop s : p.shops()) {
      JsonObject shop = new JsonObject().put("shopId", s.shopId()).put("shopName", s.name())
          .put("basisPoints", s.fundingBps()).put("consented", s.consentedAt() != null)
          .put("paused", s.pausedAt() != null);
      if (s.consentedAt() != null) {
        shop.put("consentedAt", s.consentedAt().toString());
      }
      shops.add(shop);
    }
    JsonObject json = new JsonObject().put("id", p.id()).put("nameZh", p.nameZh()).put("nameEn", p.nameEn())
        .put("stampsRequired", p.stampsRequired()).put("minSpendFen", p.minSpendFen())
        .put("startsOn", p.startsOn().toString()).put("endsOn", p.endsOn().toString())
        .put("rewardPoints", p.rewardPoints()).put("fundBasisPoints", p.fundBps())
        .put("pausedByAdmin", p.pausedAt() != null).put("shops", shops)
        .put("status", shown.status().name().toLowerCase(Locale.ROOT)).put("createdAt", p.createdAt().toString());
    if (shown.funnel() != null) {
      JsonArray atLeast = new JsonArray();
      for (long n : shown.funnel().atLeast()) {
        atLeast.add(n);
      }
      json.put("funnel", new JsonObject().put("atLeast", atLeast).put("completed", shown.funnel().completed()));
    }
    return json;
  }

  static JsonObject passports(List<Passports.Shown> list) {
    JsonArray items = new JsonArray();
    list.forEach(s -> items.add(passport(s)));
    return new JsonObject().put("items", items);
  }

  static JsonObject cards(List<Passports.Card> cards) {
    JsonArray items = new JsonArray();
    for (Passports.Card c : cards) {
      Passport p = c.passport().passport();
      JsonArray shops = new JsonArray();
      for (Passport.Shop s : p.shops()) {
        shops.add(new JsonObject().put("shopId", s.shopId()).put("shopName", s.name())
            .put("stamped", c.stampedShopIds().contains(s.shopId())));
      }
      JsonObject card = new JsonObject().put("passportId", p.id()).put("nameZh", p.nameZh()).put("nameEn", p.nameEn())
          .put("status", c.passport().status().name().toLowerCase(Locale.ROOT))
          .put("startsOn", p.startsOn().toString()).put("endsOn", p.endsOn().toString())
          .put("stampsRequired", p.stampsRequired()).put("minSpendFen", p.minSpendFen())
          .put("stamps", Math.min(c.stampedShopIds().size(), p.stampsRequired()))
          .put("rewardPoints", p.rewardPoints()).put("completed", c.completedAt() != null).put("shops", shops);
      if (c.completedAt() != null) {
        card.put("completedAt", c.completedAt().toString());
      }
      items.add(card);
    }
    return new JsonObject().put("items", items);
  }
}
