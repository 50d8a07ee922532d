package io.linkpoints.pos;

import io.linkpoints.coupons.CouponJson;
import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * The POS answers as JSON, as the contract names them. The body made here is what PosRequests
 * records for the key, so every retry gets exactly this back.
 */
final class PosJson {
  private PosJson() {
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
    return new JsonObject().put("accrualId", a.accrualId().toString()).put("memberHandle", a.memberHandle())
        .put("spendFen", a.spendFen()).put("points", a.points()).put("rawPoints", a.rawPoints())
        .put("limitedBy", a.limitedBy()).put("recoveredPoints", a.recoveredPoints())
        .put("availablePoints", a.availablePoints())
        .put("couponsIssued", CouponJson.coupons(a.couponsIssued()));
  }

  static JsonObject refunded(Refunds.Refunded r) {
    return new JsonObject().put("refundId", r.refundId().toString()).put("accrualId", r.accrualId().toString())
        .put("refundFen", r.refundFen()).put("pointsDue", r.pointsDue())
        .put("pointsReversed", r.pointsReversed()).put("shortfallPoints", r.shortfallPoints())
        .put("refundedFenTotal", r.refundedFenTotal());
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
