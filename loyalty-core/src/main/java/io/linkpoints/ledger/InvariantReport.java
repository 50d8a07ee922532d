package io.linkpoints.ledger;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the invariant check found: every check, passing or with its violating rows. */
public record InvariantReport(Long allianceId, Instant checkedAt, List<Finding> findings) {

  /** One check; each violation is a row the check's query returned, column by column in order. */
  public record Finding(String name, String description, List<Map<String, Object>> violations) {
    public boolean ok() {
      return violations.isEmpty();
    }
  }

  public boolean ok() {
    return findings.stream().allMatch(Finding::ok);
  }

  /** A one-line summary naming the failing checks, for logs and assertion messages. */
  public String summary() {
    if (ok()) {
      return "all " + findings.size() + " ledger invariants hold";
    }
    StringBuilder sb = new StringBuilder("ledger invariants broken:");
    findings.stream().filter(f -> !f.ok())
        .forEach(f -> sb.append(' ').append(f.name()).append('=').append(f.violations()));
    return sb.toString();
  }
}
