package io.linkpoints.testing;

import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.EmbeddedPostgresServer;
import io.linkpoints.platform.Folders;
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
  private static final java.util.List<String> CREATED = new java.util.ArrayList<>();

  /**
   * pg_stat_statements on the embedded server, so that a suite can check every statement it made
   * ({@code app.StatementsPinOneAllianceTest}); room for all of a module's distinct statements.
   */
  private static final String STATEMENT_STATS = """
      shared_preload_libraries = 'pg_stat_statements'
      pg_stat_statements.max = 20000
      pg_stat_statements.track = top
      pg_stat_statements.track_utility = off
      """;

  private TestDatabase() {
  }

  /** The server's maintenance database, where {@code pg_stat_statements} is installed if the server has it loaded. */
  public static synchronized DatabaseTarget admin() {
    try {
      return server();
    } catch (Exception e) {
      throw new IllegalStateException("Could not start the test database server", e);
    }
  }

  /** The migrated template every test database is copied from: the schema, no rows. */
  public static DatabaseTarget template() {
    return admin().withDatabase(TEMPLATE);
  }

  /** The prefix of every test database's name, in this JVM. */
  public static String databasePrefix() {
    return "lp_test_" + ProcessHandle.current().pid() + "_";
  }

  /** A new, migrated, empty database. */
  public static synchronized DatabaseTarget fresh() {
    try {
      DatabaseTarget admin = server();
      String name = databasePrefix() + COUNTER.incrementAndGet();
      try (Connection c = connect(admin); Statement s = c.createStatement()) {
        s.execute("drop database if exists " + name);
        s.execute("create database " + name + " template " + TEMPLATE);
      }
      CREATED.add(name);
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
      // Someone else's server: leave it as we found it. (The embedded one is thrown away whole.)
      DatabaseTarget external = admin;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> dropCreated(external), "drop-test-databases"));
    } else {
      Path dir = Files.createTempDirectory("linkpoints-test-pg");
      EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("data"), true, 0, STATEMENT_STATS);
      admin = DatabaseTarget.fromUrl(pg.url("postgres"));
      // Thrown away whole when the tests end: stopped in order, then its folder (about 2 GB after
      // a module's suite) deleted, so runs do not fill the disk. A JVM killed outright leaves it.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        pg.close();
        try {
          Folders.deleteTree(dir);
        } catch (java.io.IOException e) {
          System.err.println("Could not delete the test database folder " + dir + ": " + e.getMessage());
        }
      }, "remove-test-postgres"));
    }
    try (Connection c = connect(admin); Statement s = c.createStatement()) {
      s.execute("drop database if exists " + TEMPLATE);
      s.execute("create database " + TEMPLATE);
    }
    Migrations.migrateBlocking(admin.withDatabase(TEMPLATE));
    installStatementStats(admin);
    server = admin;
    return server;
  }

  /** In the maintenance database, where the server has the library loaded (the embedded one does). */
  private static void installStatementStats(DatabaseTarget admin) throws Exception {
    try (Connection c = connect(admin); Statement s = c.createStatement();
        java.sql.ResultSet loaded = s.executeQuery("/* test */ select current_setting('shared_preload_libraries') like '%pg_stat_statements%'")) {
      loaded.next();
      if (loaded.getBoolean(1)) {
        s.execute("create extension if not exists pg_stat_statements");
      }
    }
  }

  private static synchronized void dropCreated(DatabaseTarget admin) {
    try (Connection c = connect(admin); Statement s = c.createStatement()) {
      for (String name : CREATED) {
        s.execute("drop database if exists " + name + " with (force)");
      }
      s.execute("drop database if exists " + TEMPLATE);
    } catch (Exception e) {
      System.err.println("Could not drop the test databases: " + e.getMessage());
    }
  }

  private static Connection connect(DatabaseTarget target) throws Exception {
    return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
  }
}
