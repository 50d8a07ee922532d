package io.linkpoints.portal.bench;

import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.Migrations;
import io.linkpoints.qr.Lp2Code;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * The most sales per second this machine could carry with member codes as the POS contract has
 * them, whatever the server did: the sum of two floors, each measured here.
 * <ul>
 *   <li>Codes: every sale needs its LP2 member code checked by the server (the phone made it
 *   offline: nothing is signed server-side): the device's HMAC-SHA256 keyed with its secret, the
 *   step picked from the code's step digit, the truncated MAC compared. CPU per code on one
 *   thread, all cores counted.</li>
 *   <li>SQL: {@link SaleFloor} — only the rows an earn must write, batched 32 to a transaction in
 *   multi-row statements, under pgbench, on a database of its own, dropped afterwards.</li>
 * </ul>
 * HTTP, JSON, validation, reads, redemptions' holds and the fleet itself are left out, so the
 * ceiling is generous: a real server stays below it.
 */
final class PosCeiling {
  static final String DATABASE = "linkpoints_bench_sale_floor";
  private static final String MARK = "made by ./linkpoints bench pos for its ceiling; dropped after the run";

  record Result(double verifyMicros, double sqlEarnsPerSecond, double salesPerSecond) {
  }

  private PosCeiling() {
  }

  static Result measure(DatabaseTarget ours, int seconds) throws Exception {
    double verify = verifyMicros();
    double sqlEarns = sqlFloor(ours, seconds);
    int cores = Runtime.getRuntime().availableProcessors();
    // Machine time per sale: the SQL floor had the whole machine; code checks spread over all cores.
    double secondsPerSale = 1.0 / sqlEarns + verify / 1e6 / cores;
    return new Result(verify, sqlEarns, 1.0 / secondsPerSale);
  }

  /**
   * CPU microseconds to check one LP2 code as a server must (key the device's HMAC from its
   * secret, parse, pick the step, compare), after the JIT has had its turn. Codes of 1,000
   * devices made beforehand, as phones would; finding the device's secret is SQL, not counted.
   */
  static double verifyMicros() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int devices = 1_000;
    int n = 200_000;
    Random random = new Random(42);
    byte[][] secrets = new byte[devices][Lp2Code.SECRET_BYTES];
    for (byte[] secret : secrets) {
      random.nextBytes(secret);
    }
    long now = Lp2Code.stepOf(java.time.Instant.now());
    String[] codes = new String[n];
    for (int i = 0; i < n; i++) {
      int device = i % devices;
      codes[i] = Lp2Code.code(secrets[device], device + 1, now - (i % 3), (i / devices) % Lp2Code.COUNTERS_PER_STEP);
    }
    double micros = 0;
    for (int round = 0; round < 3; round++) { // the first rounds warm up
      int matched = 0;
      long t0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        Lp2Code.Parsed parsed = Lp2Code.parse(codes[i]).orElseThrow();
        long step = Lp2Code.nearestStep(parsed.stepDigit(), now);
        if (Lp2Code.matches(Lp2Code.mac(secrets[(int) parsed.deviceId() - 1]), parsed, step)) {
          matched++;
        }
      }
      long t1 = threads.getCurrentThreadCpuTime();
      if (matched != n) {
        throw new IllegalStateException("only " + matched + " of " + n + " codes checked out");
      }
      micros = (t1 - t0) / 1e3 / n;
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
