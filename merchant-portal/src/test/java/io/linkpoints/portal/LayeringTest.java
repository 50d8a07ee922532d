package io.linkpoints.portal;

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
 * merchant-portal's layers (docs/ARCHITECTURE.md; {@code io.linkpoints.portal}'s package-info), checked on
 * its main sources: every reference to an {@code io.linkpoints} package (an import, or a qualified name in
 * code) must run down. The module is the top of everything: below it are all of loyalty-core and of
 * pos-adapter ({@code io.linkpoints.till}). Within it, lowest first: {@code portal.demo} and
 * {@code portal.bench} (neither uses the other) → {@code portal} (the launcher, which seeds the demo).
 */
class LayeringTest {
  static final String CORE = "loyalty-core";
  static final String TILL = "pos-adapter";

  /** Package → what it may import besides itself: a module below, or a package listed earlier. */
  static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  static {
    ALLOWED.put("portal.demo", Set.of(CORE));
    // Also core's top: app to start the service, bench.PgBench for the pgbench side of the POS bench.
    ALLOWED.put("portal.bench", Set.of(CORE, TILL));
    ALLOWED.put("portal", Set.of(CORE, "portal.demo"));
  }

  private static final Path SOURCES = Path.of("src/main/java/io/linkpoints");
  /** Group 1: the first package under io.linkpoints; group 2: the next one, for portal's own packages. */
  private static final Pattern OURS = Pattern.compile("\\bio\\.linkpoints\\.([a-z]+)(?:\\.([a-z]+))?\\.");

  @Test
  void mainSourcesImportOnlyDownward() throws IOException {
    Path portal = SOURCES.resolve("portal");
    assertTrue(Files.isDirectory(portal), "run from merchant-portal: no " + portal.toAbsolutePath());
    List<String> violations = new ArrayList<>();
    int files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      List<Path> sources = walk.filter(f -> f.toString().endsWith(".java")).toList();
      files = sources.size();
      for (Path file : sources) {
        Path dir = SOURCES.relativize(file).getParent();
        String pkg = dir == null ? "" : dir.toString().replace(java.io.File.separatorChar, '.');
        violations.addAll(violations(SOURCES.relativize(file).toString(), pkg, Files.readString(file)));
      }
    }
    assertTrue(files > 10, "read only " + files + " files under " + SOURCES);
    assertTrue(violations.isEmpty(), "references that run upward (see docs/ARCHITECTURE.md, Packages and layers):\n  "
        + String.join("\n  ", violations));
  }

  @Test
  void theTableIsAStrictOrder() {
    List<String> seen = new ArrayList<>(List.of(CORE, TILL));
    ALLOWED.forEach((pkg, allowed) -> {
      assertTrue(seen.containsAll(allowed), pkg + " may import a package listed after it: " + allowed);
      seen.add(pkg);
    });
  }

  @Test
  void anUpwardReferenceIsCaughtWithItsFileAndLine() {
    String demo = "package io.linkpoints.portal.demo;\n\nimport io.linkpoints.app.LinkpointsApp;\n"
        + "import io.linkpoints.portal.PortalPages;\n\nclass X {\n"
        + "  // io.linkpoints.till.fleet.Fleet in a comment is fine\n"
        + "  Object o = io.linkpoints.till.fleet.Fleet.class;\n}\n";
    assertEquals(List.of(
        "portal/demo/X.java:4: import io.linkpoints.portal.PortalPages; (portal.demo may import only [loyalty-core])",
        "portal/demo/X.java:8: Object o = io.linkpoints.till.fleet.Fleet.class; (portal.demo may import only"
            + " [loyalty-core])"),
        violations("portal/demo/X.java", "portal.demo", demo));
    assertEquals(1, violations("portal/bench/Y.java", "portal.bench", "import io.linkpoints.portal.demo.DemoSeed;\n")
        .size());
    assertEquals(1, violations("portal/Y.java", "portal", "import io.linkpoints.portal.bench.PosBench;\n").size());
    assertEquals(List.of("portal/shop/Z.java: package portal.shop is not in LayeringTest's table"
        + " (nor in docs/ARCHITECTURE.md)"), violations("portal/shop/Z.java", "portal.shop", "class Z {}\n"));
    assertEquals(List.of(), violations("portal/bench/P.java", "portal.bench", "import io.linkpoints.bench.PgBench;\n"
        + "import io.linkpoints.till.client.PosClient;\nimport io.linkpoints.portal.bench.SaleFloor;\n"));
    assertEquals(List.of(), violations("portal/P.java", "portal", "import io.linkpoints.app.Main;\n"
        + "import io.linkpoints.portal.demo.DemoSeed;\nimport io.linkpoints.portal.PortalPages;\n"));
  }

  /** Where a reference lands: loyalty-core, pos-adapter, or one of ours ({@code portal}, {@code portal.demo}, ...). */
  static String target(String first, String second) {
    if (first.equals("till")) {
      return TILL;
    }
    if (first.equals("portal")) {
      return second == null ? "portal" : "portal." + second;
    }
    return CORE;
  }

  /** The references in one source file that its package may not make, each naming file, line and text. */
  static List<String> violations(String file, String pkg, String source) {
    Set<String> allowed = ALLOWED.get(pkg);
    if (allowed == null) {
      return List.of(file + ": package " + pkg + " is not in LayeringTest's table (nor in docs/ARCHITECTURE.md)");
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
        String target = target(m.group(1), m.group(2));
        if (!target.equals(pkg) && !allowed.contains(target)) {
          found.add(file + ":" + (i + 1) + ": " + line + " (" + pkg + " may import only "
              + allowed.stream().sorted().toList() + ")");
          break;
        }
      }
    }
    return found;
  }
}
