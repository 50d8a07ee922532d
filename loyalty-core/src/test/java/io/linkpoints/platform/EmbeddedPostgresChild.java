package io.linkpoints.platform;

import java.nio.file.Path;

/**
 * A JVM that starts the embedded server on a folder, says its postmaster's pid, and waits to be
 * killed: the Java side of a crash, for {@link EmbeddedPostgresServerTest}.
 */
public final class EmbeddedPostgresChild {
  private EmbeddedPostgresChild() {
  }

  public static void main(String[] args) throws Exception {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]), true);
    System.out.println("POSTMASTER " + server.pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
