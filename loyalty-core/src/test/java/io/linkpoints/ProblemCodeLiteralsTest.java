package io.linkpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.web.ProblemCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No problem code is written as a string outside the catalogue ({@link ProblemCode}): a refusal
 * names its code by the enum, so its status, meaning and the contract come with it.
 */
class ProblemCodeLiteralsTest {
  private static final Path SOURCES = Path.of("src/main/java/io/linkpoints");
  private static final Path CATALOGUE = SOURCES.resolve("web/ProblemCode.java");
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Set<String> CODES =
      Arrays.stream(ProblemCode.values()).map(ProblemCode::code).collect(Collectors.toUnmodifiableSet());

  @Test
  void noMainSourceSpellsOutAProblemCode() throws IOException {
    assertTrue(Files.isRegularFile(CATALOGUE), "run from loyalty-core: no " + CATALOGUE.toAbsolutePath());
    List<String> found = new ArrayList<>();
    int files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      List<Path> sources = walk.filter(f -> f.toString().endsWith(".java") && !f.equals(CATALOGUE)).toList();
      files = sources.size();
      for (Path file : sources) {
        found.addAll(literals(SOURCES.relativize(file).toString(), Files.readString(file)));
      }
    }
    assertTrue(files > 100, "read only " + files + " files under " + SOURCES);
    assertTrue(found.isEmpty(), "problem codes written as strings (name a ProblemCode instead):\n  "
        + String.join("\n  ", found));
  }

  @Test
  void aSpelledOutCodeIsCaughtWithItsFileAndLine() {
    String source = "class X {\n  // \"not_found\" in a comment is fine\n"
        + "  Object a = new ApiException(404, \"shop_not_found\", \"no shop\");\n"
        + "  String b = \"shop_id\" + \"not a code\";\n}\n";
    assertEquals(List.of("x/X.java:3: \"shop_not_found\""), literals("x/X.java", source));
  }

  static List<String> literals(String file, String source) {
    List<String> found = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.startsWith("*") || line.startsWith("/*") || line.startsWith("//")) {
        continue;
      }
      Matcher m = STRING.matcher(line);
      while (m.find()) {
        if (CODES.contains(m.group(1))) {
          found.add(file + ":" + (i + 1) + ": \"" + m.group(1) + "\"");
        }
      }
    }
    return found;
  }
}
