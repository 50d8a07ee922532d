package io.linkpoints.portal.bench;

import io.linkpoints.app.Commands;
import io.linkpoints.bench.PgBench;
import io.linkpoints.ledger.InvariantCheck;
import io.linkpoints.ledger.InvariantReport;
import io.linkpoints.member.MemberDevices;
import io.linkpoints.platform.DatabaseProvisioner;
import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.Folders;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.till.fleet.Fleet;
import io.linkpoints.till.fleet.OpenLoop;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./linkpoints bench pos}: the platform in this process (embedded PostgreSQL in a fresh
 * folder, fsync on; or LINKPOINTS_DB_URL), an alliance seeded through the API, then a fleet of
 * simulated tills on the real HTTP API (70% accrue, 30% reserve+commit) in a closed loop; then
 * the same tills open-loop ({@link OpenLoop}): sales offered at half the closed loop's rate, each
 * timed from when it was due, so a stall counts for every sale it delays (a {@code pos-latency}
 * line); then pgbench {@code -N -c 16 -j 2 -M prepared} on the same server for as long; then
 * {@link PosCeiling}, the most sales per second any server could reach here (a {@code pos-ceiling}
 * line). One phase at a time, each with the machine to itself. Ends with
 *
 * <pre>
 * pos-latency offered_per_s=N p50_ms=X p99_ms=X p999_ms=X
 * pos-bench ops_per_s=N p50_ms=X p99_ms=X pgbench_tps=N ratio=R</pre>
 *
 * then checks the ledger's invariants and exits non-zero if they fail. Latency is per sale
 * (a redemption's reserve and commit together), from the till's side.
 *
 * <p>Members show LP2 codes their phones make ({@link MemberPhones}): ten per bound device per
 * 30-second step, and a member has at most ten devices, so a member shows at most 3.3 codes a
 * second. Hence 1,000 members with ten phones each (up to 3,333 codes a second, well above what
 * the fleet asks for here); a run that runs short of codes says so ("tills waited").
 *
 * <p>Settings (environment): BENCH_POS_TILLS (32), BENCH_POS_SHOPS (8), BENCH_POS_MEMBERS (1000),
 * BENCH_POS_DEVICES (phones per member, 10, at most 10),
 * BENCH_POS_WARMUP (30 s: on two cores the JIT compiler is still busy well after 10 s), BENCH_POS_SECONDS
 * (30 s); BENCH_POS_OPEN_SECONDS (the open loop's window, BENCH_POS_SECONDS), BENCH_POS_OPEN_WARMUP (5 s:
 * new connections, a steady queue; the JIT is warm by then), BENCH_POS_OPEN_POOL (sales in flight per till,
 * 4; more wait in the till's queue); BENCH_POS_OPEN=off skips the open loop; BENCH_POS_PGBENCH=off runs the
 * fleet alone; BENCH_POS_CEILING=off skips the ceiling.
 */
public final class PosBench {
  /** The open loop offers this share of the closed loop's throughput: busy, but with room to spare. */
  static final double OPEN_SHARE = 0.5;

  private PosBench() {
  }

  static final String USAGE = """
      Usage: ./linkpoints bench pos
      Settings are by environment (BENCH_POS_TILLS, BENCH_POS_SECONDS, ...): ./linkpoints help bench pos.
      """;

  public static void main(String[] args) throws Exception {
    if (Commands.answeredHelp(args, USAGE)) { // it takes no arguments: help, or a usage error
      return;
    }
    Map<String, String> env = System.getenv();
    System.setProperty("linkpoints.log.level", env.getOrDefault("LINKPOINTS_LOG_LEVEL", "warn"));
    int tills = Integer.parseInt(env.getOrDefault("BENCH_POS_TILLS", "32"));
    int shops = Integer.parseInt(env.getOrDefault("BENCH_POS_SHOPS", "8"));
    int members = Integer.parseInt(env.getOrDefault("BENCH_POS_MEMBERS", "1000"));
    int devices = Integer.parseInt(env.getOrDefault("BENCH_POS_DEVICES", String.valueOf(MemberDevices.MAX_ACTIVE)));
    if (devices < 1 || devices > MemberDevices.MAX_ACTIVE) {
      // An eleventh device would revoke the member's oldest, and its codes would be refused.
      throw new IllegalArgumentException("BENCH_POS_DEVICES is 1.." + MemberDevices.MAX_ACTIVE + ", got " + devices);
    }
    int warmup = Integer.parseInt(env.getOrDefault("BENCH_POS_WARMUP", "30"));
    int seconds = Integer.parseInt(env.getOrDefault("BENCH_POS_SECONDS", "30"));
    boolean withOpen = !"off".equals(env.get("BENCH_POS_OPEN"));
    int openSeconds = Integer.parseInt(env.getOrDefault("BENCH_POS_OPEN_SECONDS", String.valueOf(seconds)));
    int openWarmup = Integer.parseInt(env.getOrDefault("BENCH_POS_OPEN_WARMUP", "5"));
    int openPool = Integer.parseInt(env.getOrDefault("BENCH_POS_OPEN_POOL", "4"));

    Path data = Files.createTempDirectory("linkpoints-bench-pos");
    // Seeding signs in a few owners; the cost of their password hashes says nothing about POS speed.
    LinkpointsConfig config = LinkpointsConfig.fromEnv().withDataDir(data).withPort(0).withPasswordIterations(10_000);
    int exit = 0;
    try (SeededApp local = SeededApp.start(config)) {
      System.err.printf("Metrics while it runs: curl http://%s:%d/metrics%n", config.metricsHost(), local.app.metricsPort());
      System.err.printf("Seeding: %d shops, %d tills, %d members with %d phones each...%n", shops, tills, members,
          devices);
      SeededApp.World world = local.seed("Bench alliance", shops, Math.max(1, tills / shops), members, devices,
          1_000_000);
      // The seeded tables' statistics now, as autovacuum gives them within a minute or so: plans
      // made on the empty tables' read an alliance's whole part of a table (WriterPlansTest).
      SeededApp.await(local.app.pool().query("analyze").execute());
      PgBench pgbench = new PgBench(databaseNextTo(local.app.database().target(), "pgbench"));
      pgbench.initialize();

      Vertx fleetVertx = Vertx.vertx();
      List<SeededApp.Person> people = world.members();
      Fleet.Options options = new Fleet.Options("http://localhost:" + local.app.port(), world.tills(), people.size(),
          0.70, warmup * 1000L, seconds * 1000L);
      System.err.printf("Fleet of %d tills: %d s warm-up, then %d s measured...%n", world.tills().size(), warmup,
          seconds);
      Fleet.Result result = SeededApp.await(
          Fleet.run(fleetVertx, options, world.phones()::code));
      Fleet.OpenResult open = null;
      if (withOpen && result.ops() > 0) {
        double offered = OPEN_SHARE * result.opsPerSecond();
        System.err.printf(Locale.ROOT, "Open loop: %.0f sales/s offered (half the closed loop's), up to %d in flight"
            + " per till: %d s warm-up, then %d s measured...%n", offered, openPool, openWarmup, openSeconds);
        Fleet.Options openOptions = new Fleet.Options(options.baseUrl(), options.tills(), options.members(),
            options.accrueShare(), openWarmup * 1000L, openSeconds * 1000L);
        open = SeededApp.await(Fleet.runOpenLoop(fleetVertx, openOptions, offered, openPool, world.phones()::code));
      } else if (withOpen) {
        System.err.println("Open loop skipped: the closed loop completed no sale to take a rate from");
      }
      SeededApp.await(fleetVertx.close());
      // pgbench runs after the fleet, not beside it: each gets the whole machine, as in the ledger bench.
      boolean withPgbench = !"off".equals(env.get("BENCH_POS_PGBENCH"));
      double pgTps = Double.NaN;
      if (withPgbench) {
        System.err.printf("pgbench -N -c 16 -j 2 -M prepared for %d s on the same server...%n", seconds);
        pgTps = pgbench.run(seconds);
      }
      PosCeiling.Result ceiling = null;
      if (withPgbench && !"off".equals(env.get("BENCH_POS_CEILING"))) {
        System.err.printf("Ceiling: checking LP2 member codes, then sale-floor.sql under pgbench for %d s...%n",
            seconds);
        ceiling = PosCeiling.measure(local.app.database().target(), seconds);
      }

      result.byOperation().forEach((op, s) -> System.err.printf(Locale.ROOT, "  %-7s n=%d p50_ms=%.2f p99_ms=%.2f%n",
          op, s.count(), s.p50Millis(), s.p99Millis()));
      System.err.printf(Locale.ROOT, "  member codes: %d shown by %d phones (up to %.0f/s); tills waited for one %d times%n",
          world.phones().codesShown(), world.phones().devices(), world.phones().codesPerSecond(), result.codeWaits());
      if (!result.refusals().isEmpty()) {
        System.err.println("  refusals/errors: " + result.refusals());
      }
      if (open != null) {
        OpenLoop.Result o = open.sales();
        System.err.printf(Locale.ROOT, "  open loop: %d offered at %.0f/s, %d completed, %d refused/errors %s,"
            + " %d unfinished; %d started over %d ms late (latest %.1f ms); %d waited for a free lane at their till"
            + " (longest queue %d); waited for a member code %d times%n", o.offered(), o.offeredPerSecond(),
            o.completed(), o.refused(), o.refusals(), o.unfinished(), o.lateStarts(), OpenLoop.LATE_MILLIS,
            o.maxLateMillis(), o.waitedInLane(), o.deepestLane(), open.codeWaits());
      }
      System.err.printf("  batches written by the ledger: %d for %d commands%n",
          local.app.ledger().writer().batchesWritten(), local.app.ledger().writer().commandsWritten());
      if (ceiling != null) {
        System.out.printf(Locale.ROOT, "pos-ceiling verify_us=%.2f sql_floor_earns_per_s=%.0f"
            + " ceiling_sales_per_s=%.0f ceiling_ratio=%.2f fleet_of_ceiling=%.2f%n", ceiling.verifyMicros(),
            ceiling.sqlEarnsPerSecond(), ceiling.salesPerSecond(),
            ceiling.salesPerSecond() / pgTps, result.opsPerSecond() / ceiling.salesPerSecond());
      }
      if (open != null) {
        System.out.println(latencyLine(open.sales()));
      }
      System.out.printf(Locale.ROOT, "pos-bench ops_per_s=%.0f p50_ms=%.2f p99_ms=%.2f pgbench_tps=%.0f ratio=%.2f%n",
          result.opsPerSecond(), result.all().p50Millis(), result.all().p99Millis(), pgTps,
          result.opsPerSecond() / pgTps);
      System.out.flush();

      InvariantReport report = SeededApp.await(new InvariantCheck(local.app.pool()).runAfterBulkLoad(null));
      System.err.println(report.ok() ? "Ledger invariants: ok" : "Ledger invariants FAILED:\n" + report.summary());
      exit = report.ok() ? 0 : 1;
    }
    // A run's database is up to a gigabyte; nothing in it is looked at afterwards.
    Folders.deleteTree(data);
    System.exit(exit);
  }

  /** {@code pos-latency offered_per_s=N p50_ms=X p99_ms=X p999_ms=X}: the open loop's sales, timed from when due. */
  static String latencyLine(OpenLoop.Result open) {
    return String.format(Locale.ROOT, "pos-latency offered_per_s=%.0f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f",
        open.offeredPerSecond(), open.latency().p50Millis(), open.latency().p99Millis(), open.latency().p999Millis());
  }

  /** Another database next to ours, on the same server, created if missing. */
  private static DatabaseTarget databaseNextTo(DatabaseTarget ours, String name) throws Exception {
    DatabaseTarget admin = ours.withDatabase("postgres");
    DatabaseProvisioner.createDatabaseIfMissing(admin.jdbcUrl() + (admin.jdbcUrl().contains("?") ? "&" : "?")
        + "user=" + admin.user() + (admin.password().isEmpty() ? "" : "&password=" + admin.password()), name);
    return ours.withDatabase(name);
  }
}
