package io.linkpoints.testing;

import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.EmbeddedPostgresServer;
import io.linkpoints.platform.Migrations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: the embedded one (started once per JVM), or the server named by
 * {@code LINKPOINTS_TEST_DB_URL}. Schema migrations run once into a template database; each test
 * class gets its own fresh copy of it, so tests never see each other's rows.
 */
public final class TestDatabase {
  private static final String TEMPLATE = "linkpoints_test_template";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static DatabaseTarget server;

  private TestDatabase() {
  }

  /** A new, migrated, empty database. */
  public static synchronized DatabaseTarget fresh() {
    try {
      DatabaseTarget admin = server();
      String name = "lp_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
      try (Connection c = connect(admin); Statement s = c.createStatement()) {
        s.execute("drop database if exists " + name);
        s.execute("create database " + name + " template " + TEMPLATE);
      }
      return admin.withDatabase(name);
    } catch (Exception e) {
      throw new IllegalStateException("Could not create a test database", e);
    }
  }

  private static DatabaseTarget server() throws Exception {
    if (server != null) {
      return server;
    }
    String url = System.getenv("LINKPOINTS_TEST_DB_URL");
    DatabaseTarget admin;
    if (url != null && !url.isBlank()) {
      admin = DatabaseTarget.fromUrl(url);
    } else {
      Path dir = Files.createTempDirectory("linkpoints-test-pg");
      EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("data"), true);
      admin = DatabaseTarget.fromUrl(pg.url("postgres"));
    }
    try (Connection c = connect(admin); Statement s = c.createStatement()) {
      s.execute("drop database if exists " + TEMPLATE);
      s.execute("create database " + TEMPLATE);
    }
    Migrations.migrateBlocking(admin.withDatabase(TEMPLATE));
    server = admin;
    return server;
  }

  private static Connection connect(DatabaseTarget target) throws Exception {
    return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
  }
}
