package io.linkpoints.till;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * pos-adapter's layers (docs/ARCHITECTURE.md; {@code io.linkpoints.till}'s package-info), checked on its
 * main sources: every reference to an {@code io.linkpoints} package (an import, or a qualified name in
 * code) must run down this order, and none may reach loyalty-core: the till speaks to the service over
 * HTTP only. Lowest first: {@code offline}, {@code qr}, {@code receipt} → {@code client} → {@code fleet},
 * {@code sim}.
 */
class LayeringTest {
  /** Package (under {@code io.linkpoints.till}) → what it may import besides itself; each names only earlier ones. */
  static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  static {
    ALLOWED.put("offline", Set.of());
    ALLOWED.put("qr", Set.of());
    ALLOWED.put("receipt", Set.of());
    ALLOWED.put("client", Set.of("offline"));
    ALLOWED.put("fleet", Set.of("client"));
    ALLOWED.put("sim", Set.of("client", "qr", "receipt"));
  }

  private static final Path SOURCES = Path.of("src/main/java/io/linkpoints/till");
  /** Group 1: the first package under io.linkpoints; group 2: the next one, for till's own packages. */
  private static final Pattern OURS = Pattern.compile("\\bio\\.linkpoints\\.([a-z]+)(?:\\.([a-z]+))?\\.");

  @Test
  void mainSourcesImportOnlyDownwardAndNothingOfLoyaltyCore() throws IOException {
    assertTrue(Files.isDirectory(SOURCES), "run from pos-adapter: no " + SOURCES.toAbsolutePath());
    List<String> violations = new ArrayList<>();
    int files = 0;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      for (Path file : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
        Path relative = SOURCES.relativize(file);
        if (relative.getNameCount() == 1) {
          continue; // till's own package-info: the map, no code
        }
        files++;
        violations.addAll(violations(relative.toString(), relative.getName(0).toString(), Files.readString(file)));
      }
    }
    assertTrue(files > 15, "read only " + files + " files under " + SOURCES);
    assertTrue(violations.isEmpty(), "references that run upward or into loyalty-core (see docs/ARCHITECTURE.md):\n  "
        + String.join("\n  ", violations));
  }

  @Test
  void theTableIsAStrictOrder() {
    List<String> seen = new ArrayList<>();
    ALLOWED.forEach((pkg, allowed) -> {
      assertTrue(seen.containsAll(allowed), pkg + " may import a package listed after it: " + allowed);
      seen.add(pkg);
    });
  }

  /** Test scope only: the end-to-end tests start the real service; the adapter itself never links it. */
  @Test
  void thePomNamesLoyaltyCoreOnlyForTests() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    Matcher dependency = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(pom);
    int onCore = 0;
    while (dependency.find()) {
      String d = dependency.group(1);
      if (d.contains("<artifactId>loyalty-core</artifactId>")) {
        onCore++;
        assertTrue(d.contains("<scope>test</scope>"), "pos-adapter depends on loyalty-core outside tests: " + d);
      }
    }
    assertTrue(onCore > 0, "expected loyalty-core as a test dependency (ApiFixture)");
  }

  @Test
  void anUpwardOrCoreReferenceIsCaughtWithItsFileAndLine() {
    String client = "package io.linkpoints.till.client;\n\nimport io.linkpoints.till.offline.OfflineQueue;\n"
        + "import io.linkpoints.till.sim.PosSimulator;\n\nclass X {\n"
        + "  // io.linkpoints.web.ProblemCode in a comment is fine\n"
        + "  Object o = io.linkpoints.web.ProblemCode.HOLD_NOT_FOUND;\n}\n";
    assertEquals(List.of(
        "client/X.java:4: import io.linkpoints.till.sim.PosSimulator; (client may import only [offline])",
        "client/X.java:8: Object o = io.linkpoints.web.ProblemCode.HOLD_NOT_FOUND;"
            + " (loyalty-core: never in pos-adapter)"),
        violations("client/X.java", "client", client));
    assertEquals(1, violations("qr/Y.java", "qr", "import io.linkpoints.qr.Lp2Code;\n").size());
    assertEquals(1, violations("sim/Y.java", "sim", "import io.linkpoints.pos.PosRoutes;\n").size());
    assertEquals(List.of("newpkg/Z.java: package till.newpkg is not in LayeringTest's table"
        + " (nor in docs/ARCHITECTURE.md)"), violations("newpkg/Z.java", "newpkg", "class Z {}\n"));
    assertEquals(List.of(), violations("sim/P.java", "sim", "import io.linkpoints.till.client.PosClient;\n"
        + "import io.linkpoints.till.qr.QrImages;\nimport io.linkpoints.till.sim.Money;\n"));
  }

  /** The references in one source file of till's package {@code pkg} that it may not make, with file, line, text. */
  static List<String> violations(String file, String pkg, String source) {
    Set<String> allowed = ALLOWED.get(pkg);
    if (allowed == null) {
      return List.of(file + ": package till." + pkg + " is not in LayeringTest's table (nor in docs/ARCHITECTURE.md)");
    }
    List<String> found = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.startsWith("package ") || line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
        continue;
      }
      Matcher m = OURS.matcher(line);
      while (m.find()) {
        String why = null;
        if (!m.group(1).equals("till")) {
          why = "loyalty-core: never in pos-adapter";
        } else if (m.group(2) != null && !m.group(2).equals(pkg) && !allowed.contains(m.group(2))) {
          why = pkg + " may import only " + allowed.stream().sorted().toList();
        }
        if (why != null) {
          found.add(file + ":" + (i + 1) + ": " + line + " (" + why + ")");
          break;
        }
      }
    }
    return found;
  }
}
