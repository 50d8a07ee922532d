package io.linkpoints.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * A small secret file made once, however many processes start at the same moment on one shared
 * folder (several instances, one keys folder): each writes its candidate to a temporary file of
 * its own, then links it into place; {@code link(2)} fails if the name exists, so exactly one
 * candidate wins and everyone reads the winner. Never a half-written file, never two answers.
 */
public final class FirstWriteWins {
  private FirstWriteWins() {
  }

  /** The content of {@code file}: what was there already, or {@code candidate} if it is the first. */
  public static String create(Path file, String candidate) throws IOException {
    if (Files.exists(file)) {
      return read(file);
    }
    Path tmp = writePrivate(file, candidate);
    try {
      Files.createLink(file, tmp);
      return candidate;
    } catch (FileAlreadyExistsException lost) {
      return read(file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Writes {@code content} to a temporary file beside {@code file} that only this call uses,
   * readable by the owner alone; the caller links or moves it into place.
   */
  public static Path writePrivate(Path file, String content) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system: nothing more we can do
    }
    return tmp;
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
