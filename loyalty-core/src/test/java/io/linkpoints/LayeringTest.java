package io.linkpoints;

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
 * The layers of docs/ARCHITECTURE.md, checked on loyalty-core's main sources: every reference to
 * another {@code io.linkpoints} package (an import, or a qualified name in code) must run down.
 *
 * <ul>
 *   <li>The floor, in this order: {@code platform} (nothing of ours) → {@code web} (platform) →
 *       {@code auth} (web) → {@code audit} (auth, web). It imports no feature.
 *   <li>Features: the floor and the features they are documented to build on (below). Being a
 *       strict order, the table leaves no room for a cycle. A sub-package ({@code ledger.api}) is a
 *       package of its own here: {@code ledger} may not import it.
 *   <li>The top: {@code app} may import anything; {@code bench} anything but app. Nothing else
 *       imports the top.
 * </ul>
 */
class LayeringTest {
  private static final Set<String> FLOOR = Set.of("platform", "web", "auth", "audit");
  private static final Set<String> TOP = Set.of("app", "bench");

  /** Package → what it may import besides itself. Listed lowest first; each names only earlier ones. */
  static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  static {
    ALLOWED.put("platform", Set.of());
    ALLOWED.put("web", Set.of("platform"));
    ALLOWED.put("auth", Set.of("platform", "web"));
    ALLOWED.put("audit", Set.of("platform", "web", "auth"));
    feature("ledger");
    feature("ledger.api", "ledger");
    feature("export");
    feature("alliance", "ledger");
    feature("member", "ledger");
    feature("qr", "alliance", "ledger", "member");
    feature("coupons", "ledger", "qr");
    feature("pos", "alliance", "coupons", "ledger", "qr");
    feature("settlement", "export", "ledger", "ledger.api");
    Set<String> belowTop = Set.copyOf(ALLOWED.keySet());
    ALLOWED.put("bench", belowTop);
    ALLOWED.put("app", union(belowTop, Set.of("bench")));
  }

  private static void feature(String name, String... builtOn) {
    ALLOWED.put(name, union(FLOOR, Set.of(builtOn)));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    return Stream.concat(a.stream(), b.stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  private static final Path SOURCES = Path.of("src/main/java/io/linkpoints");
  /** A package of ours, down to its last lower-case segment (sub-packages included). */
  private static final Pattern OURS = Pattern.compile("\\bio\\.linkpoints\\.([a-z]+(?:\\.[a-z]+)*)\\.");

  @Test
  void mainSourcesImportOnlyDownward() throws IOException {
    assertTrue(Files.isDirectory(SOURCES), "run from loyalty-core: no " + SOURCES.toAbsolutePath());
    List<String> violations = new ArrayList<>();
    int files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      List<Path> sources = walk.filter(f -> f.toString().endsWith(".java")).toList();
      files = sources.size();
      for (Path file : sources) {
        Path relative = SOURCES.relativize(file);
        String pkg = relative.getParent() == null ? "" : relative.getParent().toString().replace('/', '.');
        violations.addAll(violations(relative.toString(), pkg, Files.readString(file)));
      }
    }
    assertTrue(files > 100, "read only " + files + " files under " + SOURCES);
    assertTrue(violations.isEmpty(), "imports that run upward (see docs/ARCHITECTURE.md, Packages and layers):\n  "
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

  @Test
  void anUpwardImportIsCaughtWithItsFileAndLine() {
    String web = "package io.linkpoints.web;\n\nimport io.linkpoints.platform.DatabaseOutage;\n"
        + "import io.linkpoints.ledger.LedgerException;\n\nclass X {\n  // io.linkpoints.pos.PosRoutes in a comment is fine\n"
        + "  Object o = new io.linkpoints.auth.Principal();\n}\n";
    assertEquals(List.of(
        "web/X.java:4: import io.linkpoints.ledger.LedgerException; (web may import only [platform])",
        "web/X.java:8: Object o = new io.linkpoints.auth.Principal(); (web may import only [platform])"),
        violations("web/X.java", "web", web));
    assertEquals(1, violations("ledger/Y.java", "ledger", "import io.linkpoints.app.Wiring;\n").size());
    assertEquals(1, violations("ledger/Y.java", "ledger", "import io.linkpoints.pos.PosRoutes;\n").size());
    assertEquals(List.of("newpkg/Z.java: package newpkg is not in LayeringTest's table (nor in docs/ARCHITECTURE.md)"),
        violations("newpkg/Z.java", "newpkg", "class Z {}\n"));
    assertEquals(List.of(), violations("pos/P.java", "pos", "import static io.linkpoints.web.ApiRoutes.on;\n"
        + "import io.linkpoints.coupons.Coupons;\nimport io.linkpoints.pos.Visits;\n"));
    // A sub-package is a package of its own: the ledger's routes build on the ledger, not the reverse.
    assertEquals(List.of(), violations("ledger/api/R.java", "ledger.api", "import io.linkpoints.ledger.Ledger;\n"
        + "import static io.linkpoints.ledger.api.LedgerJson.transfer;\nimport io.linkpoints.auth.Principal;\n"));
    assertEquals(List.of("ledger/L.java:1: import io.linkpoints.ledger.api.LedgerJson; (ledger may import only "
        + "[audit, auth, platform, web])"),
        violations("ledger/L.java", "ledger", "import io.linkpoints.ledger.api.LedgerJson;\n"));
    assertEquals(1, violations("alliance/A.java", "alliance", "import io.linkpoints.ledger.api.LedgerJson;\n").size());
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
        String target = m.group(1);
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
