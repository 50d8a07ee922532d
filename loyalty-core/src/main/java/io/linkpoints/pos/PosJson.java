package io.linkpoints.pos;

import io.linkpoints.alliance.EarnRules;
import io.linkpoints.alliance.EarnRulesJson;
import io.linkpoints.coupons.CouponJson;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The POS requests read from JSON, and the answers made as JSON, as the contract names them. A
 * body read here has passed the contract's schema (its types and required fields are trusted); the
 * refusals here are the POS's own, with their codes, and PosRoutes reads a body only after its key
 * is claimed, so they are recorded like any other. An answer's body made here is what PosRequests
 * records for the key, so every retry gets exactly this back.
 */
final class PosJson {
  private PosJson() {
  }

  /** identify's member: always a code, read now. */
  static MemberRef memberCode(JsonObject body) {
    return new MemberRef.ByCode(body.getString("memberCode"), null);
  }

  static Redemptions.Reservation reservation(JsonObject body) {
    long points = body.getLong("points");
    return new Redemptions.Reservation(member(body, null), points);
  }

  static Redemptions.Capture capture(JsonObject body) {
    UUID holdId = UUID.fromString(body.getString("holdId"));
    return new Redemptions.Capture(holdId, body.getLong("points"));
  }

  /** Exactly one of {@code holdId} and {@code reserveKey}. */
  static Redemptions.Release release(JsonObject body) {
    String byId = body.getString("holdId");
    String byKey = body.getString("reserveKey");
    if ((byId == null) == (byKey == null)) {
      throw ProblemCode.HOLD_REQUIRED.refuse("give exactly one of holdId and reserveKey");
    }
    return byId != null ? new Redemptions.Release.ByHold(UUID.fromString(byId))
        : new Redemptions.Release.ByReserveKey(byKey);
  }

  static Accruals.Sale sale(JsonObject body) {
    long spendFen = body.getLong("spendFen");
    String orderRef = body.getString("orderRef");
    Instant scannedAt = scannedAt(body);
    return new Accruals.Sale(member(body, scannedAt), spendFen, orderRef);
  }

  static Refunds.Refund refund(JsonObject body) {
    UUID accrualId = UUID.fromString(body.getString("accrualId"));
    return new Refunds.Refund(accrualId, body.getLong("refundFen"));
  }

  /** Exactly one of {@code memberCode} and {@code visitId}; {@code scannedAt} goes with a code. */
  static MemberRef member(JsonObject body, Instant scannedAt) {
    String code = body.getString("memberCode");
    String visit = body.getString("visitId");
    if ((code == null) == (visit == null)) {
      throw ProblemCode.MEMBER_REQUIRED.refuse("give exactly one of memberCode and visitId");
    }
    return code != null ? new MemberRef.ByCode(code, scannedAt) : new MemberRef.ByVisit(UUID.fromString(visit));
  }

  /**
   * When an accrual queued offline read its member code: the code is checked against that time
   * (within the offline grace). A live accrual's code is checked against now, whatever it says.
   */
  static Instant scannedAt(JsonObject body) {
    if (!body.getBoolean("offline", false) || body.getString("memberCode") == null) {
      return null;
    }
    String scanned = body.getString("scannedAt");
    if (scanned == null) {
      throw ProblemCode.SCANNED_AT_REQUIRED.refuse(
          "an accrual queued offline gives scannedAt, when the till read the code");
    }
    try {
      return OffsetDateTime.parse(scanned).toInstant();
    } catch (DateTimeParseException e) {
      throw ProblemCode.SCANNED_AT_INVALID.refuse("scannedAt is an ISO-8601 date-time with an offset");
    }
  }

  static JsonObject visit(Visits.Visit v) {
    return new JsonObject().put("memberHandle", v.memberHandle()).put("availablePoints", v.availablePoints())
        .put("coupons", CouponJson.usable(v.coupons())).put("visitId", v.visitId().toString())
        .put("visitExpiresAt", v.expiresAt().toString());
  }

  static JsonObject reserved(Redemptions.Reserved r) {
    return new JsonObject().put("holdId", r.holdId().toString()).put("points", r.points())
        .put("expiresAt", r.expiresAt().toString()).put("memberHandle", r.memberHandle())
        .put("availablePoints", r.availablePoints());
  }

  static JsonObject committed(Redemptions.Committed c) {
    return new JsonObject().put("holdId", c.holdId().toString()).put("transferId", c.transferId().toString())
        .put("points", c.points()).put("released", c.released());
  }

  static JsonObject released(Redemptions.Released r) {
    return new JsonObject().put("holdId", r.holdId().toString()).put("released", r.released());
  }

  static JsonObject accrued(Accruals.Accrued a) {
    JsonArray earned = new JsonArray().add(new JsonObject().put("source", "base").put("points", a.basePoints())
        .put("paidBy", "shop").put("paidByShopId", a.paidByShopId()));
    if (a.basePoints() > 0) {
      earned.getJsonObject(0).put("transferId", a.accrualId().toString());
    }
    bonusItems(earned, a.bonuses(), a.paidByShopId());
    return new JsonObject().put("accrualId", a.accrualId().toString()).put("memberHandle", a.memberHandle())
        .put("spendFen", a.spendFen()).put("points", a.points()).put("basePoints", a.basePoints())
        .put("rawPoints", a.rawPoints()).put("limitedBy", a.limitedBy()).put("earned", earned)
        .put("recoveredPoints", a.recoveredPoints())
        .put("availablePoints", a.availablePoints())
        .put("couponsIssued", CouponJson.coupons(a.couponsIssued()));
  }

  /** Each bonus with who pays: the selling shop, or the alliance fund (paidByShopId null) for the alliance's tier perk. */
  private static void bonusItems(JsonArray earned, List<Bonuses.Bonus> bonuses, long shopId) {
    for (Bonuses.Bonus b : bonuses) {
      boolean fund = b.source().paidByFund();
      JsonObject item = new JsonObject().put("source", b.source().name().toLowerCase(Locale.ROOT))
          .put("points", b.points()).put("paidBy", fund ? "alliance_fund" : "shop")
          .put("paidByShopId", fund ? null : shopId);
      if (b.promotionId() != null) {
        item.put("promotionId", b.promotionId()).put("promotionName", b.promotionName());
      }
      if (b.tierLevel() != null) {
        item.put("tierLevel", b.tierLevel());
      }
      if (b.id() != null) {
        item.put("transferId", b.id().toString());
      }
      earned.add(item);
    }
  }

  /**
   * posQuote's answer: the shop rule's quote (as quoteEarn gives it) with {@code points} the total a
   * sale would earn now, {@code basePoints} the rule's part and the bonuses itemised.
   */
  static JsonObject quote(EarnRules.EarnQuote q, List<Bonuses.Bonus> bonuses) {
    long base = q.quote().points();
    JsonArray earned = new JsonArray().add(new JsonObject().put("source", "base").put("points", base)
        .put("paidBy", "shop").put("paidByShopId", q.shopId()));
    bonusItems(earned, bonuses, q.shopId());
    return EarnRulesJson.quote(q).put("points", base + Bonuses.total(bonuses)).put("basePoints", base)
        .put("earned", earned);
  }

  static JsonObject refunded(Refunds.Refunded r) {
    return new JsonObject().put("refundId", r.refundId().toString()).put("accrualId", r.accrualId().toString())
        .put("refundFen", r.refundFen()).put("pointsDue", r.pointsDue())
        .put("pointsReversed", r.pointsReversed()).put("shortfallPoints", r.shortfallPoints())
        .put("refundedFenTotal", r.refundedFenTotal()).put("bonusPointsDue", r.bonusPointsDue());
  }

  /** {@code operation} once the key is known; {@code statusCode} and {@code response} (as recorded) once completed. */
  static JsonObject requestStatus(PosRequests.RequestStatus s) {
    JsonObject json = new JsonObject().put("idempotencyKey", s.idempotencyKey());
    if (s.state() != PosRequests.RequestStatus.State.UNKNOWN) {
      json.put("operation", s.operation());
    }
    json.put("state", s.state().name().toLowerCase(Locale.ROOT));
    if (s.state() == PosRequests.RequestStatus.State.COMPLETED) {
      json.put("statusCode", s.answer().status()).put("response", s.answer().body());
    }
    return json;
  }
}
