package io.linkpoints.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checker behind each module's LayeringTest (docs/ARCHITECTURE.md, Packages and layers): every reference to one of
 * our packages in the module's main sources (an import, or a qualified name in code) must run down its table.
 *
 * <p>Packages are named under {@code io.linkpoints}: {@code ledger.api}, {@code till.client}, {@code portal.bench}.
 * The table lists them lowest first, each with what it may import besides itself. A reference counts as the longest
 * entry that is its package or encloses it, so a sub-package with an entry ({@code ledger.api}) is a package of its
 * own. A reference no entry covers goes to the module's {@link Outside} rule.
 */
public final class Layers {
  /** What a reference outside the table is: a layer of the table, checked as usual, or refused whoever makes it. */
  public record Outside(String layer, String refusal) {
    public static Outside as(String layer) {
      return new Outside(layer, null);
    }

    public static Outside refused(String why) {
      return new Outside(null, why);
    }
  }

  /** Run from a module's directory, as surefire does. */
  private static final Path SOURCES = Path.of("src/main/java/io/linkpoints");
  /** A package of ours, down to its last lower-case segment (sub-packages included). */
  private static final Pattern OURS = Pattern.compile("\\bio\\.linkpoints\\.([a-z]+(?:\\.[a-z]+)*)\\.");

  private final Map<String, Set<String>> table;
  private final Function<String, Outside> outside;

  /** A table whose packages are all the module has: anything else counts as a package no entry may import. */
  public Layers(Map<String, Set<String>> table) {
    this(table, Outside::as);
  }

  public Layers(Map<String, Set<String>> table, Function<String, Outside> outside) {
    this.table = new LinkedHashMap<>(table);
    this.outside = outside;
  }

  /** Each entry names only entries listed before it, so the table leaves no room for a cycle. */
  public void assertStrictOrder() {
    List<String> seen = new ArrayList<>();
    table.forEach((pkg, allowed) -> {
      assertTrue(seen.containsAll(allowed), pkg + " may import a package listed after it: " + allowed);
      seen.add(pkg);
    });
  }

  /** Checks every main source of the module the test runs in; fewer than {@code moreThan} files means a wrong path. */
  public void assertMainSourcesRunDown(int moreThan) throws IOException {
    assertTrue(Files.isDirectory(SOURCES), "no " + SOURCES.toAbsolutePath() + ": run from a module's directory");
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      sources = walk.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
    List<String> violations = new ArrayList<>();
    for (Path file : sources) {
      Path relative = SOURCES.relativize(file);
      String pkg = relative.getParent() == null ? "" : relative.getParent().toString().replace(File.separatorChar, '.');
      violations.addAll(violations(relative.toString().replace(File.separatorChar, '/'), pkg, Files.readString(file)));
    }
    assertTrue(sources.size() > moreThan, "read only " + sources.size() + " files under " + SOURCES);
    assertTrue(violations.isEmpty(), "references the layers forbid (see docs/ARCHITECTURE.md, Packages and layers):\n  "
        + String.join("\n  ", violations));
  }

  /** The references in one source file that its package may not make, each naming file, line and text. */
  public List<String> violations(String file, String pkg, String source) {
    Set<String> allowed = table.get(pkg);
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
        String why = refusal(pkg, allowed, m.group(1));
        if (why != null) {
          found.add(file + ":" + (i + 1) + ": " + line + " (" + why + ")");
          break;
        }
      }
    }
    return found;
  }

  /** Why {@code pkg} may not reference package {@code ref}, or null if it may. */
  private String refusal(String pkg, Set<String> allowed, String ref) {
    String layer = entryFor(ref);
    if (layer == null) {
      Outside o = outside.apply(ref);
      if (o.refusal() != null) {
        return o.refusal();
      }
      layer = o.layer();
    }
    return layer.equals(pkg) || allowed.contains(layer) ? null
        : pkg + " may import only " + allowed.stream().sorted().toList();
  }

  /** The longest entry that is {@code ref} or encloses it, or null. */
  private String entryFor(String ref) {
    for (String p = ref; ; p = p.substring(0, p.lastIndexOf('.'))) {
      if (table.containsKey(p)) {
        return p;
      }
      if (p.indexOf('.') < 0) {
        return null;
      }
    }
  }
}
