package io.linkpoints.till;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.Layers;
import io.linkpoints.testing.Layers.Outside;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * pos-adapter's layers (docs/ARCHITECTURE.md; {@code io.linkpoints.till}'s package-info), checked on its
 * main sources: every reference to an {@code io.linkpoints} package (an import, or a qualified name in
 * code) must run down this order, and none may reach loyalty-core: the till speaks to the service over
 * HTTP only. Lowest first: {@code offline}, {@code qr}, {@code receipt} → {@code client} → {@code fleet},
 * {@code sim}.
 */
class LayeringTest {
  /** Package → what it may import besides itself; each names only earlier ones. */
  static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

  static {
    ALLOWED.put("till.offline", Set.of());
    ALLOWED.put("till.qr", Set.of());
    ALLOWED.put("till.receipt", Set.of());
    ALLOWED.put("till.client", Set.of("till.offline"));
    ALLOWED.put("till.fleet", Set.of("till.client"));
    ALLOWED.put("till.sim", Set.of("till.client", "till.qr", "till.receipt"));
    // till itself: its package-info, the map; no code, so it imports nothing and nothing imports it.
    ALLOWED.put("till", Set.of());
  }

  /** Anything of ours outside till is loyalty-core's (the portal is not on pos-adapter's classpath). */
  static final Layers LAYERS = new Layers(ALLOWED, ref -> Outside.refused("loyalty-core: never in pos-adapter"));

  @Test
  void mainSourcesImportOnlyDownwardAndNothingOfLoyaltyCore() throws IOException {
    LAYERS.assertMainSourcesRunDown(15);
  }

  @Test
  void theTableIsAStrictOrder() {
    LAYERS.assertStrictOrder();
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
        "till/client/X.java:4: import io.linkpoints.till.sim.PosSimulator; (till.client may import only"
            + " [till.offline])",
        "till/client/X.java:8: Object o = io.linkpoints.web.ProblemCode.HOLD_NOT_FOUND;"
            + " (loyalty-core: never in pos-adapter)"),
        LAYERS.violations("till/client/X.java", "till.client", client));
    assertEquals(1, LAYERS.violations("till/qr/Y.java", "till.qr", "import io.linkpoints.qr.Lp2Code;\n").size());
    assertEquals(1, LAYERS.violations("till/sim/Y.java", "till.sim", "import io.linkpoints.pos.PosRoutes;\n").size());
    assertEquals(List.of("till/newpkg/Z.java: package till.newpkg is not in LayeringTest's table"
        + " (nor in docs/ARCHITECTURE.md)"), LAYERS.violations("till/newpkg/Z.java", "till.newpkg", "class Z {}\n"));
    assertEquals(List.of(), LAYERS.violations("till/sim/P.java", "till.sim",
        "import io.linkpoints.till.client.PosClient;\nimport io.linkpoints.till.qr.QrImages;\n"
            + "import io.linkpoints.till.sim.Money;\n"));
  }
}
