package io.linkpoints.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;

/**
 * A statement checked figure by figure, as the API renders it: the named figures as given, every
 * other one of {@link Statements#FIGURES} zero (so a figure the renderer forgot fails too).
 */
final class StatementFigures {
  private StatementFigures() {
  }

  /** {@code figures}: name, value, name, value... (names as on the wire: issuedPoints, netFen). */
  static void assertStatement(String who, Statements.Statement actual, Object... figures) {
    JsonObject expected = new JsonObject();
    for (String f : Statements.FIGURES) {
      expected.put(camel(f), 0L);
    }
    for (int i = 0; i < figures.length; i += 2) {
      expected.put((String) figures[i], ((Number) figures[i + 1]).longValue());
    }
    JsonObject got = SettlementJson.statement(actual);
    got.remove("partyId");
    got.remove("party");
    assertEquals(expected, got, who);
  }

  static String camel(String column) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char ch : column.toCharArray()) {
      if (ch == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return sb.toString();
  }
}
