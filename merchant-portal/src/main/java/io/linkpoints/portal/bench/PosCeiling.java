package io.linkpoints.portal.bench;

import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.Migrations;
import io.linkpoints.qr.MemberCodes;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The most sales per second this machine could carry with member codes as the POS contract has
 * them, whatever the server did: the sum of two floors, each measured here.
 * <ul>
 *   <li>Signatures: every sale needs a member code signed (Ed25519, by the server, for the
 *   member's phone) and verified (by the server, at the till's request): CPU per code on one
 *   thread, both cores counted.</li>
 *   <li>SQL: {@link SaleFloor} — only the rows an earn must write, batched 32 to a transaction in
 *   multi-row statements, under pgbench, on a database of its own, dropped afterwards.</li>
 * </ul>
 * HTTP, JSON, validation, reads, redemptions' holds and the fleet itself are left out, so the
 * ceiling is generous: a real server stays below it.
 */
final class PosCeiling {
  static final String DATABASE = "linkpoints_bench_sale_floor";
  private static final String MARK = "made by ./linkpoints bench pos for its ceiling; dropped after the run";

  record Result(double signMicros, double verifyMicros, double sqlEarnsPerSecond, double salesPerSecond) {
  }

  private PosCeiling() {
  }

  static Result measure(MemberCodes codes, DatabaseTarget ours, int seconds) throws Exception {
    double[] crypto = cryptoMicros(codes);
    double sqlEarns = sqlFloor(ours, seconds);
    int cores = Runtime.getRuntime().availableProcessors();
    // Machine time per sale: the SQL floor had the whole machine; the signatures spread over all cores.
    double secondsPerSale = 1.0 / sqlEarns + (crypto[0] + crypto[1]) / 1e6 / cores;
    return new Result(crypto[0], crypto[1], sqlEarns, 1.0 / secondsPerSale);
  }

  /** CPU microseconds to sign one member code and to verify one, after the JIT has had its turn. */
  private static double[] cryptoMicros(MemberCodes codes) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int n = 20_000;
    double[] micros = new double[2];
    for (int round = 0; round < 2; round++) { // the first round warms up
      String[] issued = new String[n];
      long t0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        issued[i] = codes.issue("ceiling-member-" + (i % 1000) + "-abcdef").code();
      }
      long t1 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        codes.verify(issued[i], false);
      }
      long t2 = threads.getCurrentThreadCpuTime();
      micros[0] = (t1 - t0) / 1e3 / n;
      micros[1] = (t2 - t1) / 1e3 / n;
    }
    return micros;
  }

  /**
   * Earns per second that {@code sale-floor.sql} writes, on a fresh database next to ours. With
   * LINKPOINTS_DB_URL that server may be someone's own: the database is marked by a comment when
   * made, and only a database with that mark is ever dropped.
   */
  private static double sqlFloor(DatabaseTarget ours, int seconds) throws Exception {
    DatabaseTarget admin = ours.withDatabase("postgres");
    dropIfOurs(admin); // left over by a run cut short
    try (Connection c = SaleFloor.connect(admin); Statement s = c.createStatement()) {
      s.execute("create database " + DATABASE);
      s.execute("comment on database " + DATABASE + " is '" + MARK + "'");
    }
    try {
      DatabaseTarget floor = ours.withDatabase(DATABASE);
      Migrations.migrateBlocking(floor);
      SaleFloor.seed(floor);
      return SaleFloor.earnsPerSecond(floor, seconds);
    } finally {
      dropIfOurs(admin);
    }
  }

  private static void dropIfOurs(DatabaseTarget admin) throws SQLException {
    try (Connection c = SaleFloor.connect(admin); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("select shobj_description(oid, 'pg_database') from pg_database"
          + " where datname = '" + DATABASE + "'")) {
        if (!rs.next()) {
          return;
        }
        if (!MARK.equals(rs.getString(1))) {
          throw new SQLException("a database named " + DATABASE + " exists and was not made by this benchmark;"
              + " not touching it (BENCH_POS_CEILING=off skips the ceiling)");
        }
      }
      s.execute("drop database " + DATABASE);
    }
  }
}
