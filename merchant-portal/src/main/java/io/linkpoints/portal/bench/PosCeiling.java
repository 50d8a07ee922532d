package io.linkpoints.portal.bench;

import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.Migrations;
import io.linkpoints.qr.MemberCodes;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
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
  static final String DATABASE = "linkpoints_floor";

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

  /** Earns per second that {@code sale-floor.sql} writes, on a fresh database next to ours. */
  private static double sqlFloor(DatabaseTarget ours, int seconds) throws Exception {
    dropDatabase(ours, DATABASE); // left over by a run cut short
    DatabaseTarget floor = PosBench.databaseNextTo(ours, DATABASE);
    try {
      Migrations.migrateBlocking(floor);
      SaleFloor.seed(floor);
      return SaleFloor.earnsPerSecond(floor, seconds);
    } finally {
      dropDatabase(ours, DATABASE);
    }
  }

  private static void dropDatabase(DatabaseTarget ours, String name) throws SQLException {
    try (Connection c = SaleFloor.connect(ours.withDatabase("postgres"));
         Statement s = c.createStatement()) {
      s.execute("drop database if exists " + name);
    }
  }
}
