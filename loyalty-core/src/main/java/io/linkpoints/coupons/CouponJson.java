package io.linkpoints.coupons;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The coupon results as the API writes them (openapi.yaml): field names and order, and which
 * absent values are written as null. Public where the till's answers (pos) list coupons too. And the
 * one body read here: a createCampaign body as a {@link Campaigns.Draft}.
 */
public final class CouponJson {
  private CouponJson() {
  }

  /**
   * A createCampaign body (checked against CampaignCreate) as a draft, with the defaults of absent
   * fields: no minimum spend, one coupon per member, no shop codes; absent shop lists stay null (the
   * creating shop alone, as {@link Campaigns#create} takes it).
   */
  static Campaigns.Draft draft(JsonObject body) {
    Benefit benefit = givenBenefit(body.getJsonObject("benefit", new JsonObject()));
    Instant from = instant(body, "validFrom");
    Instant until = instant(body, "validUntil");
    JsonArray funding = body.getJsonArray("funding");
    List<FundingSplit.Share> shares = null;
    if (funding != null) {
      shares = new ArrayList<>();
      for (Object o : funding) {
        JsonObject f = (JsonObject) o;
        shares.add(new FundingSplit.Share(f.getLong("shopId"), f.getInteger("basisPoints")));
      }
    }
    return new Campaigns.Draft(body.getString("name"), benefit, body.getLong("minSpendFen", 0L), from, until,
        body.getInteger("inventory"), body.getInteger("perMemberLimit", 1), body.getLong("autoIssueMinSpendFen"),
        body.getLong("marketPricePoints"), body.getBoolean("shopCodes", false), ids(body, "issuingShopIds"),
        ids(body, "honouringShopIds"), shares);
  }

  /** A campaign body's benefit: its kind, and the fields of that kind (others are ignored). */
  static Benefit givenBenefit(JsonObject b) {
    Benefit.Kind kind = switch (b.getString("kind", "")) {
      case "fixed_off" -> Benefit.Kind.FIXED_OFF;
      case "percent_off" -> Benefit.Kind.PERCENT_OFF;
      case "gift" -> Benefit.Kind.GIFT;
      default -> throw ProblemCode.INVALID_BENEFIT.refuse("benefit.kind must be fixed_off, percent_off or gift");
    };
    Long amountFen = b.getLong("amountFen");
    Integer percent = b.getInteger("percent");
    Long capFen = b.getLong("capFen");
    String giftName = b.getString("giftName");
    Long valueFen = b.getLong("valueFen");
    Benefit benefit = switch (kind) {
      case FIXED_OFF -> amountFen == null ? null : Benefit.fixedOff(amountFen);
      case PERCENT_OFF -> percent == null || capFen == null ? null : Benefit.percentOff(percent, capFen);
      case GIFT -> giftName == null || valueFen == null ? null : Benefit.gift(giftName, valueFen);
    };
    if (benefit == null) {
      throw ProblemCode.INVALID_BENEFIT.refuse("fixed_off needs amountFen; percent_off needs percent and"
          + " capFen; gift needs giftName and valueFen");
    }
    return benefit;
  }

  private static Instant instant(JsonObject body, String field) {
    try {
      return OffsetDateTime.parse(body.getString(field)).toInstant();
    } catch (DateTimeParseException | NullPointerException e) {
      throw ProblemCode.INVALID_WINDOW.refuse(field + " must be an ISO-8601 date-time with offset");
    }
  }

  /** The shop ids of a list, as given; null when the body has no such list. */
  private static List<Long> ids(JsonObject body, String field) {
    JsonArray given = body.getJsonArray(field);
    if (given == null) {
      return null;
    }
    List<Long> ids = new ArrayList<>();
    for (Object o : given) {
      ids.add(((Number) o).longValue());
    }
    return ids;
  }

  /** The kind and only the fields of that kind. */
  public static JsonObject benefit(Benefit b) {
    JsonObject json = new JsonObject().put("kind", b.kind().dbName());
    switch (b.kind()) {
      case FIXED_OFF -> json.put("amountFen", b.amountFen());
      case PERCENT_OFF -> json.put("percent", b.percentOff()).put("capFen", b.capFen());
      case GIFT -> json.put("giftName", b.giftName()).put("valueFen", b.giftValueFen());
    }
    return json;
  }

  static JsonObject campaign(Campaign c) {
    JsonArray participants = new JsonArray();
    for (Campaign.Participant p : c.participants()) {
      participants.add(new JsonObject().put("shopId", p.shopId()).put("shopName", p.shopName())
          .put("issuer", p.issuer()).put("honouring", p.honouring()).put("fundingBasisPoints", p.fundingBasisPoints())
          .put("accepted", p.accepted()).put("paused", p.paused()));
    }
    JsonObject json = new JsonObject().put("id", c.id()).put("allianceId", c.allianceId()).put("creatorShopId", c.creatorShopId())
        .put("name", c.name()).put("benefit", benefit(c.benefit())).put("minSpendFen", c.minSpendFen())
        .put("validFrom", c.validFrom().toString()).put("validUntil", c.validUntil().toString())
        .put("inventory", c.inventory()).put("issued", c.issued()).put("remaining", c.remaining())
        .put("perMemberLimit", c.perMemberLimit()).put("autoIssueMinSpendFen", c.autoIssueMinSpendFen())
        .put("marketPricePoints", c.marketPricePoints()).put("shopCodes", c.shopCodes()).put("status", c.status())
        .put("ended", c.ended()).put("createdAt", c.createdAt().toString()).put("participants", participants)
        .put("redeemed", c.redeemed());
    if (c.minTierLevel() != null) {
      json.put("minTierLevel", c.minTierLevel());
    }
    return json;
  }

  static JsonObject campaigns(List<Campaign> campaigns) {
    JsonArray items = new JsonArray();
    campaigns.forEach(c -> items.add(campaign(c)));
    return new JsonObject().put("items", items);
  }

  static JsonObject claimCode(CouponIssuer.ClaimCode c) {
    return new JsonObject().put("code", c.code()).put("campaignId", c.campaignId()).put("shopId", c.shopId())
        .put("createdAt", c.createdAt().toString());
  }

  /** A coupon as its member sees it; redeemedAt and redeemedShopId are null until it is redeemed. */
  public static JsonObject coupon(Coupon c) {
    return new JsonObject().put("id", c.id()).put("campaignId", c.campaignId()).put("code", c.code())
        .put("state", c.state()).put("source", c.source()).put("pointsPaid", c.pointsPaid())
        .put("issuedAt", c.issuedAt().toString()).put("redeemedAt", string(c.redeemedAt()))
        .put("redeemedShopId", c.redeemedShopId());
  }

  /** Coupons just issued (as the accrual answer's couponsIssued lists them). */
  public static JsonArray coupons(List<Coupon> coupons) {
    JsonArray items = new JsonArray();
    coupons.forEach(c -> items.add(coupon(c)));
    return items;
  }

  static JsonObject claimed(CouponIssuer.Claimed c) {
    return coupon(c.coupon()).put("alreadyClaimed", c.alreadyClaimed());
  }

  static JsonObject page(MemberCoupons.Page page) {
    JsonArray items = new JsonArray();
    for (MemberCoupons.Owned o : page.items()) {
      items.add(coupon(o.coupon()).put("campaignName", o.campaignName()).put("benefit", benefit(o.benefit()))
          .put("minSpendFen", o.minSpendFen()).put("validFrom", o.validFrom().toString())
          .put("validUntil", o.validUntil().toString()).put("honouredAt", shops(o.honouredAt())));
    }
    return new JsonObject().put("items", items)
        .put("nextCursor", page.nextCursor() == null ? null : String.valueOf(page.nextCursor()));
  }

  /** The coupons a till can take (as the identify answer's coupons lists them). */
  public static JsonArray usable(List<MemberCoupons.Usable> usable) {
    JsonArray items = new JsonArray();
    for (MemberCoupons.Usable u : usable) {
      items.add(new JsonObject().put("id", u.id()).put("code", u.code()).put("campaignName", u.campaignName())
          .put("benefit", benefit(u.benefit())).put("minSpendFen", u.minSpendFen())
          .put("validUntil", u.validUntil().toString()));
    }
    return items;
  }

  static JsonObject offers(List<MemberCoupons.Offer> offers) {
    JsonArray items = new JsonArray();
    for (MemberCoupons.Offer o : offers) {
      items.add(new JsonObject().put("campaignId", o.campaignId()).put("name", o.name())
          .put("benefit", benefit(o.benefit())).put("minSpendFen", o.minSpendFen())
          .put("validFrom", o.validFrom().toString()).put("validUntil", o.validUntil().toString())
          .put("pricePoints", o.pricePoints()).put("remaining", o.remaining()).put("perMemberLimit", o.perMemberLimit())
          .put("claimedByMe", o.claimedByMe()).put("honouredAt", shops(o.honouredAt())));
      if (o.minTierLevel() != null) {
        items.getJsonObject(items.size() - 1).put("minTierLevel", o.minTierLevel());
      }
    }
    return new JsonObject().put("items", items);
  }

  /** A till's coupon hold; funding only once committed, resolvedAt null until resolved. */
  static JsonObject hold(CouponTill.Hold h) {
    JsonObject json = new JsonObject().put("holdId", h.holdId().toString()).put("shopId", h.shopId())
        .put("state", h.state()).put("couponId", h.couponId()).put("campaignId", h.campaignId())
        .put("campaignName", h.campaignName()).put("benefit", benefit(h.benefit())).put("orderRef", h.orderRef())
        .put("spendFen", h.spendFen()).put("discountFen", h.discountFen()).put("benefitFen", h.benefitFen())
        .put("expiresAt", h.expiresAt().toString()).put("resolvedAt", string(h.resolvedAt()));
    if (h.committed()) {
      JsonArray funding = new JsonArray();
      h.funding().forEach(p -> funding.add(new JsonObject().put("shopId", p.shopId())
          .put("basisPoints", p.basisPoints()).put("amountFen", p.amountFen())));
      json.put("funding", funding);
    }
    return json;
  }

  /** Honouring shops; null for none, as PostgreSQL's json_agg answered it. */
  private static JsonArray shops(List<MemberCoupons.HonouringShop> shops) {
    if (shops.isEmpty()) {
      return null;
    }
    JsonArray out = new JsonArray();
    shops.forEach(s -> out.add(new JsonObject().put("shopId", s.shopId()).put("name", s.name())));
    return out;
  }

  private static String string(Instant at) {
    return at == null ? null : at.toString();
  }
}
