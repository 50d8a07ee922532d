package io.linkpoints.platform;

import static io.linkpoints.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server keeps its data across a restart, comes back after the process that ran it
 * died, never touches a process that is not its own, and configuration is read as documented.
 */
class EmbeddedPostgresServerTest {

  @Test
  void dataSurvivesARestart(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(data, true)) {
      try (Connection c = DriverManager.getConnection(first.jdbcUrl("postgres")); Statement s = c.createStatement()) {
        s.execute("create table kept (v int)");
        s.execute("/* test */ insert into kept values (42)");
      }
    }
    assertTrue(Files.exists(data.resolve("PG_VERSION")));
    try (EmbeddedPostgresServer second = EmbeddedPostgresServer.start(data, true);
         Connection c = DriverManager.getConnection(second.jdbcUrl("postgres"));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("/* test */ select v from kept")) {
      assertTrue(rs.next());
      assertEquals(42, rs.getInt(1));
    }
  }

  @Test
  void configurationComesFromTheEnvironment() {
    LinkpointsConfig defaults = LinkpointsConfig.fromEnv(Map.of());
    assertEquals(8080, defaults.port());
    assertTrue(defaults.dbUrl().isEmpty());
    assertTrue(defaults.dataDir().endsWith(".linkpoints"));

    LinkpointsConfig custom = LinkpointsConfig.fromEnv(Map.of("LINKPOINTS_PORT", "9090",
        "LINKPOINTS_DB_URL", "postgresql://lp:secret@db.internal:6543/points", "LINKPOINTS_DATA", "/var/lib/lp"));
    assertEquals(9090, custom.port());
    DatabaseTarget target = DatabaseTarget.fromUrl(custom.dbUrl().orElseThrow());
    assertEquals("jdbc:postgresql://db.internal:6543/points", target.jdbcUrl());
    assertEquals("lp", target.user());
    assertEquals("secret", target.password());
    assertEquals(Path.of("/var/lib/lp"), custom.dataDir());

    assertThrows(IllegalArgumentException.class, () -> LinkpointsConfig.fromEnv(Map.of("LINKPOINTS_PORT", "eighty")));
    assertThrows(IllegalArgumentException.class, () -> LinkpointsConfig.fromEnv(Map.of("LINKPOINTS_PORT", "70000")));
    assertThrows(IllegalArgumentException.class, () -> DatabaseTarget.fromUrl("mysql://x/y"));
  }

  @Test
  void anOrphanedPostmasterOfOurFolderIsStoppedAndTheNextStartSucceeds(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    EmbeddedPostgresServer crashed = EmbeddedPostgresServer.start(data, true);
    try (Connection c = DriverManager.getConnection(crashed.jdbcUrl("postgres")); Statement s = c.createStatement()) {
      s.execute("create table kept (v int)");
      s.execute("/* test */ insert into kept values (7)");
    }
    // The Java side dies without stopping anything: its watchdog too (as if both were killed).
    ProcessHandle.current().children().filter(p -> p.info().arguments().map(List::of).orElse(List.of())
        .contains(String.valueOf(crashed.pid()))).forEach(ProcessHandle::destroyForcibly);
    assertTrue(PostmasterLock.isAlive(crashed.pid()), "the orphan keeps running");

    try (EmbeddedPostgresServer next = EmbeddedPostgresServer.start(data, true);
         Connection c = DriverManager.getConnection(next.jdbcUrl("postgres"));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("/* test */ select v from kept")) {
      assertFalse(PostmasterLock.isAlive(crashed.pid()), "the orphan was stopped");
      assertNotEquals(crashed.pid(), next.pid());
      assertTrue(rs.next());
      assertEquals(7, rs.getInt(1));
    }
    crashed.close(); // the folder is no longer its own: nothing to stop
  }

  @Test
  void whenJavaAndPostgresAreBothKilledTheNextStartRecovers(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    EmbeddedPostgresServer crashed = EmbeddedPostgresServer.start(data, false);
    try (Connection c = DriverManager.getConnection(crashed.jdbcUrl("postgres")); Statement s = c.createStatement()) {
      s.execute("create table kept (v int)");
      s.execute("/* test */ insert into kept values (9)");
    }
    ProcessHandle.current().children().filter(p -> p.info().arguments().map(List::of).orElse(List.of())
        .contains(String.valueOf(crashed.pid()))).forEach(ProcessHandle::destroyForcibly);
    ProcessHandle.of(crashed.pid()).ifPresent(ProcessHandle::destroyForcibly); // kill -9 of the postmaster
    until(() -> !PostmasterLock.isAlive(crashed.pid()), 30, "the postmaster is gone");

    // Its lock file stays behind, and its backends may linger a moment: start anyway, at once.
    try (EmbeddedPostgresServer next = EmbeddedPostgresServer.start(data, false);
         Connection c = DriverManager.getConnection(next.jdbcUrl("postgres"));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("/* test */ select v from kept")) {
      assertTrue(rs.next());
      assertEquals(9, rs.getInt(1));
    }
    crashed.close();
  }

  @Test
  void whenTheJvmThatStartedItIsKilledThePostmasterStopsByItself(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EmbeddedPostgresChild.class.getName(), data.toString())
        .redirectErrorStream(true).start();
    long postmaster;
    try {
      postmaster = readPostmasterPid(child);
    } finally {
      child.destroyForcibly(); // kill -9: no shutdown hook runs
    }
    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    until(() -> !PostmasterLock.isAlive(postmaster), 60, "the postmaster stops when its JVM dies");
    try (EmbeddedPostgresServer again = EmbeddedPostgresServer.start(data, true);
         Connection c = DriverManager.getConnection(again.jdbcUrl("postgres"))) {
      assertTrue(c.isValid(5));
    }
  }

  @Test
  void aFolderInUseByALiveInstanceIsRefusedAndLeftRunning(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    try (EmbeddedPostgresServer running = EmbeddedPostgresServer.start(data, true)) {
      IOException refused = assertThrows(IOException.class, () -> EmbeddedPostgresServer.start(data, true));
      assertTrue(refused.getMessage().contains("in use by a running Linkpoints"), refused.getMessage());
      try (Connection c = DriverManager.getConnection(running.jdbcUrl("postgres"))) {
        assertTrue(c.isValid(5));
      }
    }
  }

  @Test
  void aLockFileNamingAForeignProcessNeverKillsIt(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    EmbeddedPostgresServer.start(data, true).close();
    Process foreign = new ProcessBuilder("sleep", "600").start();
    try {
      // As a crash might leave it, after the pid was reused by an unrelated process.
      Files.writeString(data.resolve("postmaster.pid"), foreign.pid() + "\n" + data + "\n1700000000\n5432\n\n"
          + "127.0.0.1\n  1234567    32768\nready   \n", StandardCharsets.UTF_8);
      try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(data, true);
           Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"))) {
        assertTrue(c.isValid(5));
      }
      assertTrue(foreign.isAlive(), "the foreign process was not touched");
    } finally {
      foreign.destroyForcibly();
    }
  }

  private static long readPostmasterPid(Process child) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) { // ends when the child exits
      if (line.startsWith("POSTMASTER ")) {
        return Long.parseLong(line.substring("POSTMASTER ".length()).trim());
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("the child JVM ended without starting PostgreSQL:\n" + seen);
  }
}
