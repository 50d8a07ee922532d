package io.linkpoints.ledger;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** What the invariant check found: every check, passing or with its violating rows. */
public record InvariantReport(Long allianceId, Instant checkedAt, List<Finding> findings) {

  public record Finding(String name, String description, JsonArray violations) {
    public boolean ok() {
      return violations.isEmpty();
    }
  }

  public boolean ok() {
    return findings.stream().allMatch(Finding::ok);
  }

  public JsonObject toJson() {
    JsonArray checks = new JsonArray();
    for (Finding f : findings) {
      checks.add(new JsonObject().put("name", f.name()).put("description", f.description()).put("ok", f.ok())
          .put("violations", f.violations()));
    }
    return new JsonObject().put("ok", ok()).put("allianceId", allianceId).put("checkedAt", checkedAt.toString())
        .put("checks", checks);
  }

  /** A one-line summary naming the failing checks, for logs and assertion messages. */
  public String summary() {
    if (ok()) {
      return "all " + findings.size() + " ledger invariants hold";
    }
    StringBuilder sb = new StringBuilder("ledger invariants broken:");
    findings.stream().filter(f -> !f.ok()).forEach(f -> sb.append(' ').append(f.name()).append('=').append(f.violations().encode()));
    return sb.toString();
  }
}
