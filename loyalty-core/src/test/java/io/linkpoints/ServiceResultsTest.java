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
 * Services answer with typed results; JSON is made at the edge. No method outside the edge (the
 * {@code *Routes} classes, their {@code *Json} renderers, and the {@code web}, {@code app} and
 * {@code bench} packages) returns a {@code JsonObject} or {@code JsonArray}, bare or in a Future or
 * a collection — except where the JSON is data rather than an answer, each listed here with why.
 */
class ServiceResultsTest {
  private static final Path SOURCES = Path.of("src/main/java/io/linkpoints");
  private static final List<String> EDGE_PACKAGES = List.of("web", "app", "bench");
  private static final Pattern METHOD = Pattern.compile(
      "^(?:(?:public|protected|private|static|final|synchronized|default|abstract)\\s+)*(?:<[^>]+>\\s+)?"
          + "([A-Za-z][\\w.<>, ?]*?)\\s+(\\w+)\\s*\\(");

  /** File → why its JSON-returning methods are data, not answers. */
  private static final Map<String, String> JSON_AS_DATA = Map.of();

  @Test
  void noServiceReturnsJson() throws IOException {
    List<String> found = new ArrayList<>();
    int files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      List<Path> sources = walk.filter(f -> f.toString().endsWith(".java")).toList();
      files = sources.size();
      for (Path file : sources) {
        String relative = SOURCES.relativize(file).toString().replace('\\', '/');
        if (!isEdge(relative) && !JSON_AS_DATA.containsKey(relative)) {
          found.addAll(jsonReturningMethods(relative, Files.readString(file)));
        }
      }
    }
    assertTrue(files > 100, "read only " + files + " files under " + SOURCES.toAbsolutePath());
    assertTrue(found.isEmpty(), "services that answer in JSON (return a record; render it in the routes):\n  "
        + String.join("\n  ", found));
  }

  @Test
  void aJsonReturningServiceMethodIsCaughtWithItsFileAndLine() {
    String source = "class Shops {\n  public Future<JsonObject> get(long id) {\n  }\n"
        + "  static List<JsonArray> rows() {\n  }\n  Future<Shop> find(long id) {\n  }\n"
        + "  JsonObject metadata = new JsonObject();\n  return new JsonObject();\n}\n";
    assertEquals(List.of("alliance/Shops.java:2: get returns Future<JsonObject>",
        "alliance/Shops.java:4: rows returns List<JsonArray>"), jsonReturningMethods("alliance/Shops.java", source));
    assertTrue(isEdge("alliance/AllianceRoutes.java") && isEdge("coupons/CouponJson.java") && isEdge("web/Json.java"));
    assertTrue(!isEdge("alliance/Shops.java"));
  }

  static boolean isEdge(String relative) {
    String name = relative.substring(relative.lastIndexOf('/') + 1);
    return name.endsWith("Routes.java") || name.endsWith("Json.java")
        || EDGE_PACKAGES.contains(relative.substring(0, relative.indexOf('/')));
  }

  static List<String> jsonReturningMethods(String file, String source) {
    List<String> found = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = METHOD.matcher(lines[i].strip());
      if (m.find() && !m.group(1).equals("return") && !m.group(1).startsWith("new ")
          && m.group(1).matches(".*\\bJson(Object|Array)\\b.*")) {
        found.add(file + ":" + (i + 1) + ": " + m.group(2) + " returns " + m.group(1));
      }
    }
    return found;
  }
}
