package io.linkpoints.adjustments;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/** Adjustments as the contract's {@code PointAdjustment}; a proposal from its body. */
public final class AdjustmentJson {
  private AdjustmentJson() {
  }

  static PointAdjustments.Proposal proposal(JsonObject body) {
    String accrual = body.getString("accrualId");
    return new PointAdjustments.Proposal(body.getString("memberHandle"), body.getLong("points", 0L),
        body.getString("reason"), body.getString("note", ""), accrual == null ? null : UUID.fromString(accrual));
  }

  static JsonObject adjustment(PointAdjustment a) {
    JsonObject json = new JsonObject().put("id", a.id()).put("shopId", a.shopId()).put("memberHandle", a.memberHandle())
        .put("points", a.points()).put("reason", a.reason()).put("note", a.note()).put("status", a.status())
        .put("proposedBy", new JsonObject().put("staffId", a.proposedBy()).put("username", a.proposedByUsername())
            .put("role", a.proposedRole()))
        .put("proposedAt", a.proposedAt().toString());
    if (a.accrualId() != null) {
      json.put("accrualId", a.accrualId().toString());
    }
    if (a.decidedBy() != null) {
      json.put("decidedBy", new JsonObject().put("staffId", a.decidedBy()).put("username", a.decidedByUsername())
          .put("role", "admin"));
    }
    if (a.decidedAt() != null) {
      json.put("decidedAt", a.decidedAt().toString());
    }
    if (a.transferId() != null) {
      json.put("transferId", a.transferId().toString());
    }
    if (a.failureCode() != null) {
      json.put("failureCode", a.failureCode());
    }
    return json;
  }

  /** An audit record's detail: what changed, status before and after (and a failed one's code). */
  static JsonObject auditDetail(PointAdjustment a, String before, String after) {
    JsonObject detail = new JsonObject().put("adjustmentId", a.id()).put("shopId", a.shopId())
        .put("points", a.points()).put("reason", a.reason()).put("proposedBy", a.proposedBy())
        .put("before", before).put("after", after);
    if (a.failureCode() != null) {
      detail.put("failureCode", a.failureCode());
    }
    return detail;
  }

  static JsonObject adjustments(List<PointAdjustment> list) {
    JsonArray items = new JsonArray();
    list.forEach(a -> items.add(adjustment(a)));
    return new JsonObject().put("items", items);
  }

  static JsonObject policy(long approvalAbovePoints) {
    return new JsonObject().put("approvalAbovePoints", approvalAbovePoints);
  }
}
