package io.linkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.testing.Layers;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    feature("outbox");
    feature("ledger", "outbox");
    feature("ledger.api", "ledger");
    feature("export");
    feature("alliance", "ledger", "outbox");
    feature("member", "ledger");
    feature("qr", "alliance", "ledger", "member", "outbox");
    feature("coupons", "ledger", "outbox", "qr");
    feature("promotions", "alliance");
    feature("tiers", "outbox");
    feature("notifications", "outbox");
    feature("passports", "coupons", "ledger", "outbox");
    feature("pos", "alliance", "coupons", "ledger", "passports", "promotions", "qr", "tiers");
    feature("settlement", "export", "ledger", "ledger.api", "outbox");
    feature("rewards", "ledger", "outbox");
    feature("webhooks", "outbox");
    feature("privacy", "ledger");
    feature("adjustments", "ledger");
    feature("imports", "ledger");
    feature("exits", "outbox", "coupons", "passports", "notifications");
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

  /** Every package of loyalty-core is in the table: a reference to anything else is refused. */
  static final Layers LAYERS = new Layers(ALLOWED);

  @Test
  void mainSourcesImportOnlyDownward() throws IOException {
    LAYERS.assertMainSourcesRunDown(100);
  }

  @Test
  void theTableIsAStrictOrder() {
    LAYERS.assertStrictOrder();
  }

  @Test
  void anUpwardImportIsCaughtWithItsFileAndLine() {
    String web = "package io.linkpoints.web;\n\nimport io.linkpoints.platform.DatabaseOutage;\n"
        + "import io.linkpoints.ledger.LedgerException;\n\nclass X {\n"
        + "  // io.linkpoints.pos.PosRoutes in a comment is fine\n"
        + "  Object o = new io.linkpoints.auth.Principal();\n}\n";
    assertEquals(List.of(
        "web/X.java:4: import io.linkpoints.ledger.LedgerException; (web may import only [platform])",
        "web/X.java:8: Object o = new io.linkpoints.auth.Principal(); (web may import only [platform])"),
        LAYERS.violations("web/X.java", "web", web));
    assertEquals(1, LAYERS.violations("ledger/Y.java", "ledger", "import io.linkpoints.app.Wiring;\n").size());
    assertEquals(1, LAYERS.violations("ledger/Y.java", "ledger", "import io.linkpoints.pos.PosRoutes;\n").size());
    assertEquals(List.of("newpkg/Z.java: package newpkg is not in LayeringTest's table (nor in docs/ARCHITECTURE.md)"),
        LAYERS.violations("newpkg/Z.java", "newpkg", "class Z {}\n"));
    assertEquals(List.of(), LAYERS.violations("pos/P.java", "pos", "import static io.linkpoints.web.ApiRoutes.on;\n"
        + "import io.linkpoints.coupons.Coupons;\nimport io.linkpoints.pos.Visits;\n"));
    // A sub-package is a package of its own: the ledger's routes build on the ledger, not the reverse.
    assertEquals(List.of(), LAYERS.violations("ledger/api/R.java", "ledger.api",
        "import io.linkpoints.ledger.Ledger;\nimport static io.linkpoints.ledger.api.LedgerJson.transfer;\n"
            + "import io.linkpoints.auth.Principal;\n"));
    assertEquals(List.of("ledger/L.java:1: import io.linkpoints.ledger.api.LedgerJson; (ledger may import only "
        + "[audit, auth, outbox, platform, web])"),
        LAYERS.violations("ledger/L.java", "ledger", "import io.linkpoints.ledger.api.LedgerJson;\n"));
    assertEquals(1,
        LAYERS.violations("alliance/A.java", "alliance", "import io.linkpoints.ledger.api.LedgerJson;\n").size());
  }
}
