package io.linkpoints.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The JSON of the audit log's answers (listAuditLog, verifyAuditLog), for the routes that serve them. */
public final class AuditJson {
  private AuditJson() {
  }

  public static JsonObject page(AuditLog.Page page) {
    JsonArray items = new JsonArray();
    page.items().forEach(r -> items.add(record(r)));
    return new JsonObject().put("items", items)
        .put("nextCursor", page.nextCursor() == null ? null : String.valueOf(page.nextCursor()));
  }

  /** The detail is the stored JSON text, parsed back to an object. */
  public static JsonObject record(AuditRecord r) {
    return new JsonObject().put("seq", r.seq()).put("at", r.at().toString()).put("actorRole", r.actorRole())
        .put("actorId", r.actorId()).put("action", r.action()).put("target", r.target())
        .put("detail", new JsonObject(r.detail())).put("prevHash", r.prevHash()).put("hash", r.hash());
  }

  public static JsonObject chainCheck(AuditLog.ChainCheck c) {
    JsonObject result = new JsonObject().put("allianceId", c.allianceId()).put("records", c.records());
    if (!c.ok()) {
      return result.put("ok", false).put("firstBroken", new JsonObject().put("seq", c.firstBroken().seq())
          .put("reason", c.firstBroken().reason()));
    }
    return result.put("ok", true).put("headHash", c.headHash());
  }
}
