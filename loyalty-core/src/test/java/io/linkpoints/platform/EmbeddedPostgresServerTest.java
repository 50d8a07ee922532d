package io.linkpoints.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server keeps its data across a restart, and configuration is read as documented. */
class EmbeddedPostgresServerTest {

  @Test
  void dataSurvivesARestart(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    try (EmbeddedPostgresServer first = EmbeddedPostgresServer.start(data, true)) {
      try (Connection c = DriverManager.getConnection(first.jdbcUrl("postgres")); Statement s = c.createStatement()) {
        s.execute("create table kept (v int)");
        s.execute("insert into kept values (42)");
      }
    }
    assertTrue(Files.exists(data.resolve("PG_VERSION")));
    try (EmbeddedPostgresServer second = EmbeddedPostgresServer.start(data, true);
         Connection c = DriverManager.getConnection(second.jdbcUrl("postgres"));
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select v from kept")) {
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
}
