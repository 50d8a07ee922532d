package io.linkpoints.settlement;

import io.linkpoints.ledger.api.LedgerJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * The settlement answers as JSON, as the contract names them. Where a value may be missing the
 * contract's choice is kept: a period's {@code lastRunAt}/{@code closedAt} and a page's
 * {@code nextCursor} are null, an item's references and an adjustment's {@code correctsPeriodId}
 * are left out. And the one body read here: a createSettlementAdjustment body as an
 * {@link Adjustments.Correction}.
 */
final class SettlementJson {
  private SettlementJson() {
  }

  /** A createSettlementAdjustment body (checked against SettlementAdjustmentCreate); correctsPeriodId may be absent. */
  static Adjustments.Correction correction(JsonObject body) {
    return new Adjustments.Correction(body.getLong("payerId"), body.getLong("payeeId"), body.getLong("amountFen"),
        body.getString("reason"), body.getLong("correctsPeriodId"));
  }

  static JsonObject period(Periods.Period p) {
    return new JsonObject().put("id", p.id()).put("allianceId", p.allianceId()).put("label", p.label())
        .put("startsAt", p.start().toString()).put("endsAt", p.end().toString()).put("status", p.status())
        .put("breakageRule", p.breakageRule()).put("runs", p.runs())
        .put("lastRunAt", text(p.lastRunAt()))
        .put("closedAt", text(p.closedAt()));
  }

  static JsonObject periods(List<Periods.Period> periods) {
    return new JsonObject().put("items", array(periods, SettlementJson::period));
  }

  static JsonObject statement(Statements.Statement s) {
    return new JsonObject().put("partyId", s.partyId()).put("party", Parties.name(s.partyId()))
        .put("issuedPoints", s.issuedPoints()).put("issuedFen", s.issuedFen())
        .put("adjustedPoints", s.adjustedPoints()).put("adjustedFen", s.adjustedFen())
        .put("acceptedPoints", s.acceptedPoints()).put("acceptedFen", s.acceptedFen())
        .put("acceptedFromOthersFen", s.acceptedFromOthersFen()).put("redeemedElsewhereFen", s.redeemedElsewhereFen())
        .put("expiredPoints", s.expiredPoints()).put("expiredFen", s.expiredFen())
        .put("breakagePaidFen", s.breakagePaidFen()).put("breakageReceivedFen", s.breakageReceivedFen())
        .put("marketCouponFen", s.marketCouponFen()).put("couponFundingPaidFen", s.couponFundingPaidFen())
        .put("couponFundingReceivedFen", s.couponFundingReceivedFen()).put("adjustmentFen", s.adjustmentFen())
        .put("exitChargeFen", s.exitChargeFen())
        .put("otherFen", s.otherFen()).put("receivableFen", s.receivableFen()).put("payableFen", s.payableFen())
        .put("netFen", s.netFen());
  }

  static JsonObject periodStatements(Statements.PeriodStatements all) {
    return new JsonObject().put("period", period(all.period()))
        .put("statements", array(all.statements(), SettlementJson::statement)).put("sumOfNetFen", all.sumOfNetFen());
  }

  static JsonObject shopStatement(Statements.ShopStatement s) {
    return new JsonObject().put("period", period(s.period())).put("statement", statement(s.statement()))
        .put("items", itemPage(s.items()));
  }

  static JsonObject item(Statements.Item i) {
    JsonObject json = new JsonObject().put("n", i.n()).put("category", i.category())
        .put("payerId", i.payerId()).put("payeeId", i.payeeId())
        .put("points", i.points()).put("amountFen", i.amountFen());
    if (i.transferId() != null) {
      json.put("transferId", i.transferId().toString());
    }
    if (i.lot() != null) {
      json.put("lot", new JsonObject().put("transferId", i.lot().transferId().toString()).put("n", i.lot().n()));
    }
    if (i.couponId() != null) {
      json.put("couponId", i.couponId());
    }
    if (i.adjustmentId() != null) {
      json.put("adjustmentId", i.adjustmentId());
    }
    return json;
  }

  static JsonObject itemPage(Statements.ItemPage page) {
    return new JsonObject().put("items", array(page.items(), SettlementJson::item))
        .put("nextCursor", page.nextCursor() == null ? null : String.valueOf(page.nextCursor()));
  }

  static JsonObject matrix(Statements.Matrix m) {
    return new JsonObject().put("periodId", m.periodId()).put("entries", owed(m.entries()));
  }

  static JsonObject netted(Statements.Netted n) {
    JsonArray positions = new JsonArray();
    n.positions().forEach((party, net) -> positions.add(new JsonObject().put("partyId", party).put("netFen", net)));
    return new JsonObject().put("periodId", n.periodId()).put("positions", positions)
        .put("transfers", owed(n.transfers()));
  }

  private static JsonArray owed(List<Netting.Owed> rows) {
    return array(rows, o -> new JsonObject().put("payerId", o.payer()).put("payeeId", o.payee())
        .put("amountFen", o.amountFen()));
  }

  static JsonObject reconciliation(Reconciliation.Report r) {
    return new JsonObject().put("ok", r.ok()).put("period", period(r.period()))
        .put("settlementChecks", array(r.settlementChecks(), c -> new JsonObject().put("name", c.name())
            .put("description", c.description()).put("ok", c.ok())
            .put("discrepancies", array(c.discrepancies(), row -> row))))
        .put("ledger", LedgerJson.invariantReport(r.ledger()));
  }

  static JsonObject crossVisits(CrossVisits.PeriodPairs v) {
    return new JsonObject().put("period", period(v.period())).put("pairs", array(v.pairs(), p -> new JsonObject()
        .put("earnedAtShopId", p.earnedAtShopId()).put("spentAtShopId", p.spentAtShopId())
        .put("members", p.members())));
  }

  static JsonObject customerOverlap(CustomerOverlap.Overlap o) {
    return new JsonObject().put("shopId", o.shopId()).put("from", o.from().toString()).put("to", o.to().toString())
        .put("timeZone", o.timeZone().getId()).put("customers", o.customers())
        .put("shops", array(o.shops(), s -> new JsonObject().put("shopId", s.shopId()).put("name", s.name())
            .put("members", s.members()).put("earned", s.earned()).put("spent", s.spent())));
  }

  static JsonObject liability(Liability.Snapshot l) {
    return new JsonObject().put("asOf", l.asOf().toString()).put("shops", array(l.shops(), s -> new JsonObject()
        .put("shopId", s.shopId()).put("outstandingPoints", s.outstandingPoints())
        .put("outstandingFen", s.outstandingFen())
        .put("expiring", array(s.expiring(), e -> new JsonObject().put("withinDays", e.withinDays())
            .put("points", e.points()).put("valueFen", e.valueFen())))));
  }

  static JsonObject adjustment(Adjustments.Adjustment a) {
    JsonObject json = new JsonObject().put("payerId", a.payerId()).put("payeeId", a.payeeId())
        .put("amountFen", a.amountFen()).put("reason", a.reason());
    if (a.correctsPeriodId() != null) {
      json.put("correctsPeriodId", a.correctsPeriodId());
    }
    return json.put("id", a.id()).put("periodId", a.periodId());
  }

  private static <T> JsonArray array(List<T> values, Function<T, JsonObject> render) {
    JsonArray out = new JsonArray();
    values.forEach(v -> out.add(render.apply(v)));
    return out;
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
