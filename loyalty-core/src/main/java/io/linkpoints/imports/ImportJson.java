package io.linkpoints.imports;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The imports' answers as the contract's JSON ({@code MemberImportCheck}, {@code MemberImport}, {@code MemberImportList}). */
final class ImportJson {
  private ImportJson() {
  }

  static JsonObject check(MemberImports.Check c) {
    JsonArray errors = new JsonArray();
    for (MemberImports.RowError e : c.errors()) {
      errors.add(new JsonObject().put("row", e.row()).put("code", e.code()).put("detail", e.detail()));
    }
    return new JsonObject().put("dryRun", c.dryRun()).put("rows", c.rows()).put("newMembers", c.newMembers())
        .put("matchedMembers", c.matchedMembers()).put("points", c.points()).put("errorCount", c.errorCount())
        .put("errors", errors);
  }

  static JsonObject memberImport(MemberImports.Import i) {
    JsonObject j = new JsonObject().put("id", i.id()).put("shopId", i.shopId()).put("status", i.status())
        .put("rowsTotal", i.rowsTotal()).put("rowsDone", i.rowsDone()).put("newMembers", i.newMembers())
        .put("matchedMembers", i.matchedMembers()).put("points", i.points()).put("sha256", i.sha256())
        .put("createdAt", i.createdAt().toString());
    if (i.finishedAt() != null) {
      j.put("finishedAt", i.finishedAt().toString());
    }
    return j;
  }

  static JsonObject list(java.util.List<MemberImports.Import> imports) {
    JsonArray items = new JsonArray();
    imports.forEach(i -> items.add(memberImport(i)));
    return new JsonObject().put("items", items);
  }

  static JsonObject outcome(MemberImports.Outcome o) {
    return o.check() != null ? check(o.check()) : memberImport(o.result());
  }
}
