package io.linkpoints.portal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.web.ProblemCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The problem codes the portal's scripts act on are the server's: each one they compare, translate
 * ({@code mpErr_<code>}, {@code err_<code>}), map ({@code CLAIM_ERRORS}) or raise themselves ({@code new ApiError(status,
 * code)}, with the catalogue's status) is a code of {@link ProblemCode}, so a renamed code cannot
 * leave a page showing the generic message.
 */
class PortalScriptCodesTest {
  private static final Path SCRIPTS = Path.of("src/main/resources/portal/app");
  /** {@code e.code === 'x'} and the i18n keys {@code mpErr_x} and {@code err_x}: group 1 is the code. */
  private static final List<Pattern> NAMED = List.of(
      Pattern.compile("\\.code === '([a-z_]+)'"), Pattern.compile("\\b(?:mpErr|err)_([a-z_]+):"));
  /** The claim scanner's table of codes to messages: its keys are codes. */
  private static final Pattern CLAIM_ERRORS = Pattern.compile("CLAIM_ERRORS = \\{([^}]*)}");
  private static final Pattern KEY = Pattern.compile("\\b([a-z_]+):");
  private static final Pattern RAISED = Pattern.compile("new ApiError\\((\\d+), '([a-z_]+)'\\)");

  @Test
  void everyCodeTheScriptsNameIsInTheCatalogue() throws IOException {
    Map<String, String> named = new TreeMap<>(); // code -> the script naming it
    List<String> wrong = new ArrayList<>();
    try (Stream<Path> files = Files.list(SCRIPTS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".js")).sorted().toList()) {
        String js = Files.readString(file);
        String name = file.getFileName().toString();
        for (Pattern p : NAMED) {
          p.matcher(js).results().forEach(m -> named.put(m.group(1), name));
        }
        CLAIM_ERRORS.matcher(js).results()
            .forEach(table -> KEY.matcher(table.group(1)).results().forEach(m -> named.put(m.group(1), name)));
        for (MatchResult raised : RAISED.matcher(js).results().toList()) {
          named.put(raised.group(2), name);
          ProblemCode code = catalogued(raised.group(2));
          if (code != null && code.status() != Integer.parseInt(raised.group(1))) {
            wrong.add(name + ": " + raised.group() + " (the catalogue says " + code.status() + ")");
          }
        }
      }
    }
    named.forEach((code, file) -> {
      if (catalogued(code) == null) {
        wrong.add(file + ": '" + code + "' is not a code of web.ProblemCode");
      }
    });
    assertTrue(named.size() >= 10, "found only " + named.keySet() + " in " + SCRIPTS.toAbsolutePath());
    assertEquals(List.of(), wrong);
  }

  private static ProblemCode catalogued(String code) {
    for (ProblemCode c : ProblemCode.values()) {
      if (c.code().equals(code)) {
        return c;
      }
    }
    return null;
  }
}
