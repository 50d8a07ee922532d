package io.linkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Services take and answer typed values; JSON is read and made at the edge. No method outside the
 * edge (the {@code *Routes} classes, their {@code *Json} readers and renderers, and the {@code web},
 * {@code app} and {@code bench} packages) takes or returns a {@code JsonObject} or {@code JsonArray},
 * bare or in a Future or a collection — except where the JSON is data rather than a request or an
 * answer, each file listed here with why.
 */
class ServiceResultsTest {
  private static final Path SOURCES = Path.of("src/main/java/io/linkpoints");
  private static final List<String> EDGE_PACKAGES = List.of("web", "app", "bench");
  private static final Pattern METHOD = Pattern.compile(
      "^(?:(?:public|protected|private|static|final|synchronized|default|abstract)\\s+)*(?:<[^>]+>\\s+)?"
          + "([A-Za-z][\\w.<>, ?]*?)\\s+(\\w+)\\s*\\(");

  private static final Pattern JSON_PARAMETER = Pattern.compile("(?:[\\w.]+<)*\\bJson(Object|Array)\\b[^,]*");

  /** File → why the JSON its methods take or return is data, not a request or an answer. */
  private static final Map<String, String> JSON_AS_DATA = Map.ofEntries(
      Map.entry("ledger/Transfer.java", "a transfer's metadata, stored as JSONB with it"),
      Map.entry("ledger/TransferCommand.java", "a transfer's metadata, stored as JSONB with it"),
      Map.entry("coupons/CouponInvariants.java", "a violation's rows: each check selects its own columns"),
      Map.entry("settlement/Reconciliation.java", "a check's discrepancies: each check selects its own columns"),
      Map.entry("audit/AuditLog.java", "an audit record's detail, stored and hashed as text"),
      Map.entry("pos/PosRequests.java", "the fingerprint is over the request exactly as the till sent it"),
      Map.entry("pos/RecordedAnswer.java", "a POS answer is recorded as the JSON sent, and replayed as it was"),
      Map.entry("notifications/Notifications.java", "a notification's data, stored as JSONB with it and shown as sent"),
      Map.entry("notifications/NotificationText.java", "a notification's data, the fields its words are rendered from"),
      Map.entry("outbox/Outbox.java", "an event's data, stored as JSONB and sent as the webhook body's data as it is"),
      Map.entry("notifications/OutboxToMembers.java", "an outbox event's data, read as stored and told to the member as it is"),
      Map.entry("privacy/MemberDataExport.java", "a member's rows, exported as JSON as they are stored"));

  @Test
  void noServiceTakesOrReturnsJson() throws IOException {
    List<String> found = new ArrayList<>();
    int files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      List<Path> sources = walk.filter(f -> f.toString().endsWith(".java")).toList();
      files = sources.size();
      for (Path file : sources) {
        String relative = SOURCES.relativize(file).toString().replace('\\', '/');
        if (!isEdge(relative) && !JSON_AS_DATA.containsKey(relative)) {
          found.addAll(jsonMethods(relative, Files.readString(file)));
        }
      }
    }
    assertTrue(files > 100, "read only " + files + " files under " + SOURCES.toAbsolutePath());
    assertTrue(found.isEmpty(), "services that take or answer JSON (read the body into a record in the routes, "
        + "return a record and render it there):\n  "
        + String.join("\n  ", found));
  }

  @Test
  void aServiceMethodTakingOrReturningJsonIsCaughtWithItsFileAndLine() {
    String source = "class Shops {\n  public Future<JsonObject> get(long id) {\n  }\n"
        + "  static List<JsonArray> rows() {\n  }\n  Future<Shop> find(long id) {\n  }\n"
        + "  JsonObject metadata = new JsonObject();\n  return new JsonObject();\n"
        + "  public Future<Shop> create(long allianceId,\n      JsonObject body) {\n  }\n"
        + "  Future<Shop> rename(long id, String name) {\n  }\n  if (x instanceof JsonObject o) {\n  }\n}\n";
    assertEquals(List.of("alliance/Shops.java:2: get returns Future<JsonObject>",
        "alliance/Shops.java:4: rows returns List<JsonArray>",
        "alliance/Shops.java:10: create takes JsonObject body"), jsonMethods("alliance/Shops.java", source));
    assertTrue(isEdge("alliance/AllianceRoutes.java") && isEdge("coupons/CouponJson.java") && isEdge("web/Json.java"));
    assertTrue(!isEdge("alliance/Shops.java"));
  }

  static boolean isEdge(String relative) {
    String name = relative.substring(relative.lastIndexOf('/') + 1);
    return name.endsWith("Routes.java") || name.endsWith("Json.java")
        || EDGE_PACKAGES.contains(relative.substring(0, relative.indexOf('/')));
  }

  static List<String> jsonMethods(String file, String source) {
    List<String> found = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = METHOD.matcher(lines[i].strip());
      if (!m.find() || m.group(1).equals("return") || m.group(1).startsWith("new ") || m.group(1).equals("else")) {
        continue;
      }
      if (m.group(1).matches(".*\\bJson(Object|Array)\\b.*")) {
        found.add(file + ":" + (i + 1) + ": " + m.group(2) + " returns " + m.group(1));
      }
      // The parameters: up to the closing parenthesis, over as many lines as they take.
      StringBuilder params = new StringBuilder(lines[i].substring(lines[i].indexOf('(') + 1));
      for (int j = i + 1; params.indexOf(")") < 0 && j < lines.length; j++) {
        params.append(' ').append(lines[j].strip());
      }
      String declared = params.indexOf(")") < 0 ? params.toString() : params.substring(0, params.indexOf(")"));
      Matcher json = JSON_PARAMETER.matcher(declared);
      if (json.find()) {
        found.add(file + ":" + (i + 1) + ": " + m.group(2) + " takes " + json.group());
      }
    }
    return found;
  }
}
