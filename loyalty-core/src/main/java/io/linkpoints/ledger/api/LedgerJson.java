package io.linkpoints.ledger.api;

import io.linkpoints.ledger.Account;
import io.linkpoints.ledger.InvariantReport;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.ShopFeed;
import io.linkpoints.ledger.Transfer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ledger's answers as the contract writes them. Public because settlement's reconciliation
 * answer carries the invariant report ({@link #invariantReport}).
 */
public final class LedgerJson {
  private LedgerJson() {
  }

  public static JsonObject transfer(Transfer t) {
    JsonObject json = new JsonObject()
        .put("allianceId", t.allianceId())
        .put("id", t.id().toString())
        .put("debitAccountId", t.debitAccountId())
        .put("creditAccountId", t.creditAccountId())
        .put("amount", t.amount())
        .put("type", t.type())
        .put("code", t.code())
        .put("createdAt", t.createdAt().toString());
    if (t.pendingId() != null) {
      json.put("pendingId", t.pendingId().toString());
    }
    if (t.reversesId() != null) {
      json.put("reversesId", t.reversesId().toString());
    }
    if (t.timeoutAt() != null) {
      json.put("timeoutAt", t.timeoutAt().toString());
    }
    if (t.metadata() != null) {
      json.put("metadata", t.metadata());
    }
    return json;
  }

  public static JsonObject account(Account a) {
    return new JsonObject()
        .put("allianceId", a.allianceId())
        .put("id", a.id())
        .put("kind", a.kind().dbName())
        .put("ownerId", a.ownerId())
        .put("flags", a.flags())
        .put("debitsPending", a.debitsPending())
        .put("debitsPosted", a.debitsPosted())
        .put("creditsPending", a.creditsPending())
        .put("creditsPosted", a.creditsPosted())
        .put("postedBalance", a.postedBalance())
        .put("availableBalance", a.availableBalance());
  }

  /** One page of an account's transfers; {@code nextCursor} is null (present) on the last page. */
  public static JsonObject historyPage(Ledger.HistoryPage page) {
    return new JsonObject()
        .put("items", new JsonArray(page.transfers().stream().map(LedgerJson::transfer).toList()))
        .put("nextCursor", page.nextCursor() == null ? null : String.valueOf(page.nextCursor()));
  }

  public static JsonObject invariantReport(InvariantReport report) {
    JsonArray checks = new JsonArray();
    for (InvariantReport.Finding f : report.findings()) {
      checks.add(new JsonObject().put("name", f.name()).put("description", f.description()).put("ok", f.ok())
          .put("violations", rows(f.violations())));
    }
    return new JsonObject().put("ok", report.ok()).put("allianceId", report.allianceId())
        .put("checkedAt", report.checkedAt().toString()).put("checks", checks);
  }

  private static JsonArray rows(List<Map<String, Object>> rows) {
    JsonArray array = new JsonArray();
    for (Map<String, Object> row : rows) {
      JsonObject json = new JsonObject();
      row.forEach(json::put);
      array.add(json);
    }
    return array;
  }

  static JsonObject feedEntry(ShopFeed.Entry e) {
    return new JsonObject().put("cursor", e.cursor().encode()).put("seq", e.seq()).put("id", e.id().toString())
        .put("kind", e.kind().name().toLowerCase(Locale.ROOT)).put("points", e.points()).put("code", e.code())
        .put("at", e.at().toString());
  }
}
