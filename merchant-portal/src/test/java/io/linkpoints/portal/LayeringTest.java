package io.linkpoints.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.testing.Layers;
import io.linkpoints.testing.Layers.Outside;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * merchant-portal's layers (docs/ARCHITECTURE.md; {@code io.linkpoints.portal}'s package-info), checked on
 * its main sources: every reference to an {@code io.linkpoints} package (an import, or a qualified name in
 * code) must run down. The module is the top of everything: below it are all of loyalty-core and of
 * pos-adapter ({@code io.linkpoints.till}). Within it, lowest first: {@code portal.logging} (the log's
 * set-up, found by logback), {@code portal.demo} and {@code portal.bench} (none uses another) →
 * {@code portal} (the launcher, which seeds the demo).
 */
class LayeringTest {
  static final String CORE = "loyalty-core";
  static final String TILL = "pos-adapter";

  /** Package → what it may import besides itself: a module below, or a package listed earlier. */
  static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  static {
    // The modules below, first: a reference to no package of the portal lands in one of them.
    ALLOWED.put(CORE, Set.of());
    ALLOWED.put(TILL, Set.of());
    ALLOWED.put("portal.logging", Set.of(CORE));
    ALLOWED.put("portal.demo", Set.of(CORE));
    // Also core's top: app to start the service, bench.PgBench for the pgbench side of the POS bench.
    ALLOWED.put("portal.bench", Set.of(CORE, TILL));
    ALLOWED.put("portal", Set.of(CORE, "portal.demo"));
  }

  /** Outside the portal's packages: pos-adapter's till, or else loyalty-core. */
  static final Layers LAYERS = new Layers(ALLOWED,
      ref -> Outside.as(ref.equals("till") || ref.startsWith("till.") ? TILL : CORE));

  @Test
  void mainSourcesImportOnlyDownward() throws IOException {
    LAYERS.assertMainSourcesRunDown(10);
  }

  @Test
  void theTableIsAStrictOrder() {
    LAYERS.assertStrictOrder();
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
        LAYERS.violations("portal/demo/X.java", "portal.demo", demo));
    assertEquals(1, LAYERS.violations("portal/bench/Y.java", "portal.bench",
        "import io.linkpoints.portal.demo.DemoSeed;\n").size());
    assertEquals(1,
        LAYERS.violations("portal/Y.java", "portal", "import io.linkpoints.portal.bench.PosBench;\n").size());
    assertEquals(List.of("portal/shop/Z.java: package portal.shop is not in LayeringTest's table"
        + " (nor in docs/ARCHITECTURE.md)"), LAYERS.violations("portal/shop/Z.java", "portal.shop", "class Z {}\n"));
    assertEquals(List.of(), LAYERS.violations("portal/bench/P.java", "portal.bench",
        "import io.linkpoints.bench.PgBench;\nimport io.linkpoints.till.client.PosClient;\n"
            + "import io.linkpoints.portal.bench.SaleFloor;\n"));
    assertEquals(List.of(), LAYERS.violations("portal/P.java", "portal", "import io.linkpoints.app.Main;\n"
        + "import io.linkpoints.portal.demo.DemoSeed;\nimport io.linkpoints.portal.PortalPages;\n"));
  }
}
