package io.linkpoints.portal.bench;

import io.linkpoints.bench.PgBench;
import io.linkpoints.platform.DatabaseTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code sale-floor.sql} under pgbench: the rows durable earns must write, and nothing else, as
 * fast as this PostgreSQL takes them. Runs on a migrated, otherwise empty database that
 * {@link #seed} prepares; what it writes is a consistent ledger (SaleFloorTest checks it).
 */
final class SaleFloor {
  static final int CLIENTS = 4;
  static final int EARNS_PER_TRANSACTION = 32;
  // One alliance (id 1); issuance accounts 1..4, one per pgbench client (flags 0); wallets
  // 1001..1128 (flags 1: never below zero), 32 per client, as sale-floor.sql expects.
  private static final String[] SEED = {
      "insert into alliance (id, name) values (1, 'sale floor')",
      "insert into ledger_account (alliance_id, id, kind, owner_id, flags)"
          + " select 1, s, 'merchant_issuance', s, 0 from generate_series(1, " + CLIENTS + ") s",
      "insert into ledger_account (alliance_id, id, kind, owner_id, flags)"
          + " select 1, 1000 + m, 'member_wallet', 1000 + m, 1 from generate_series(1, "
          + CLIENTS * EARNS_PER_TRANSACTION + ") m"};

  private SaleFloor() {
  }

  static void seed(DatabaseTarget migratedEmpty) throws SQLException {
    try (Connection c = connect(migratedEmpty); Statement s = c.createStatement()) {
      for (String sql : SEED) {
        s.execute(sql);
      }
    }
  }

  /** Runs the script for {@code seconds}; earns written per second. */
  static double earnsPerSecond(DatabaseTarget seeded, int seconds) throws IOException {
    Path script = Files.createTempFile("sale-floor", ".sql");
    try {
      try (InputStream in = SaleFloor.class.getResourceAsStream("sale-floor.sql")) {
        if (in == null) {
          throw new IOException("sale-floor.sql is missing from the jar");
        }
        Files.write(script, in.readAllBytes());
      }
      return new PgBench(seeded).runScript(script, CLIENTS, seconds) * EARNS_PER_TRANSACTION;
    } finally {
      Files.deleteIfExists(script);
    }
  }

  static Connection connect(DatabaseTarget target) throws SQLException {
    return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
  }
}
