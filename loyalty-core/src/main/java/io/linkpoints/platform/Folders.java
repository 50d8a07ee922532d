package io.linkpoints.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Files on disk that the platform makes for a while: a benchmark's database, an unpacked PostgreSQL. */
public final class Folders {
  private Folders() {
  }

  /** Deletes the folder and everything in it (nothing if it is not there). */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
