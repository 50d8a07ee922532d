package io.linkpoints.platform;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the database to use: the configured URL, or else an embedded PostgreSQL whose data
 * folder is {@code <data>/postgres}. Blocking: call from a worker.
 */
public final class DatabaseProvisioner {
  private static final Logger log = LoggerFactory.getLogger(DatabaseProvisioner.class);
  public static final String DATABASE = "linkpoints";

  private DatabaseProvisioner() {
  }

  public record Provisioned(DatabaseTarget target, EmbeddedPostgresServer embedded) {
  }

  public static Provisioned provision(LinkpointsConfig config) throws Exception {
    if (config.dbUrl().isPresent()) {
      DatabaseTarget target = DatabaseTarget.fromUrl(config.dbUrl().get());
      log.info("Using PostgreSQL at {}", target.describe());
      return new Provisioned(target, null);
    }
    Path pgData = config.dataDir().resolve("postgres");
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(pgData, false);
    try {
      createDatabaseIfMissing(server.jdbcUrl("postgres"), DATABASE);
      return new Provisioned(DatabaseTarget.fromUrl(server.url(DATABASE)), server);
    } catch (Exception | Error e) {
      server.close(); // the caller never gets it to stop
      throw e;
    }
  }

  public static void createDatabaseIfMissing(String adminJdbcUrl, String database) throws SQLException {
    if (!database.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("Unsafe database name: " + database);
    }
    try (Connection c = DriverManager.getConnection(adminJdbcUrl);
         Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("select 1 from pg_database where datname = '" + database + "'")) {
        if (rs.next()) {
          return;
        }
      }
      s.execute("create database " + database);
    }
  }
}
