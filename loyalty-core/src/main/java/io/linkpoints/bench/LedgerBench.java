package io.linkpoints.bench;

import io.linkpoints.ledger.InvariantCheck;
import io.linkpoints.ledger.InvariantReport;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.platform.LinkpointsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./linkpoints bench ledger}: transfers per second through the batching writer, for a
 * uniform and a hot mix, next to pgbench on the same PostgreSQL server, then the invariants.
 * Ends with one machine-readable {@code ledger-bench ...} line before the invariant summary.
 */
public final class LedgerBench {
  private LedgerBench() {
  }

  public static void main(String[] args) {
    // The log reads its level when the first logger is made: keep the report readable.
    System.setProperty("linkpoints.log.level", "warn");
    BenchOptions options;
    try {
      if (List.of(args).contains("--help")) {
        System.out.print(BenchOptions.USAGE);
        return;
      }
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("ledger-bench: " + e.getMessage());
      System.err.print(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    String pgbench;
    try {
      pgbench = PgBench.version();
    } catch (IOException e) {
      System.err.println("ledger-bench: " + e.getMessage());
      System.exit(1);
      return;
    }
    int status;
    try {
      say("pgbench: " + pgbench);
      status = run(options);
    } catch (Exception e) {
      System.err.println("ledger-bench failed: " + e);
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  private static int run(BenchOptions options) throws Exception {
    LinkpointsConfig config = LinkpointsConfig.fromEnv();
    try (BenchDatabase db = BenchDatabase.provision(config.dbUrl(), config.dataDir())) {
      say("database: " + db.describe());
      Vertx vertx = Vertx.vertx();
      Pool pool = db.ledger.pool(vertx, options.poolSize());
      Ledger ledger = new Ledger(vertx, pool, db.ledger, Clock.systemUTC(), options.writer());
      try {
        return measure(options, db, pool, ledger);
      } finally {
        Blocking.await(ledger.close());
        Blocking.await(pool.close());
        Blocking.await(vertx.close());
      }
    }
  }

  private static int measure(BenchOptions o, BenchDatabase db, Pool pool, Ledger ledger) throws Exception {
    say("writer: " + o.writer() + ", pool " + o.poolSize() + ", " + o.concurrency() + " transfers outstanding");
    List<Phase> phases = new ArrayList<>();
    for (TransferMix mix : TransferMix.values()) {
      // Each mix gets a freshly seeded alliance, so neither starts with the other's lots.
      BenchAlliance alliance = seed(ledger, o);
      // Statistics of the tables as loaded, as autovacuum gives them within a minute or so: the
      // writer plans each batch afresh, and a plan made on statistics of the empty tables reads
      // the alliance's whole part of them (the uniform mix, which runs first, at half speed).
      Blocking.await(pool.query("analyze ledger_account, ledger_transfer, ledger_lot, ledger_allocation,"
          + " ledger_open_hold").execute());
      checkpoint(pool);
      say(mix.label() + ": " + o.warmupSeconds() + " s warm-up, " + o.seconds() + " s measured");
      Phase phase = Phase.run(ledger, alliance, mix, o.concurrency(), Duration.ofSeconds(o.warmupSeconds()),
          Duration.ofSeconds(o.seconds()));
      say(String.format(Locale.ROOT, "%s: %.0f transfers/s", mix.label(), phase.tps()));
      phases.add(phase);
    }

    PgBench pgbench = new PgBench(db.pgbench);
    say("pgbench: initializing scale " + PgBench.SCALE + ", then " + o.warmupSeconds() + " s warm-up and "
        + o.seconds() + " s measured");
    pgbench.initialize();
    checkpoint(pool);
    if (o.warmupSeconds() > 0) {
      pgbench.run(o.warmupSeconds());
    }
    double pgbenchTps = pgbench.run(o.seconds());

    Phase uniform = phases.get(TransferMix.UNIFORM.ordinal());
    Phase hot = phases.get(TransferMix.HOT.ordinal());
    Report.table(System.out, phases, pgbenchTps);
    System.out.println(Report.line(uniform.tps(), hot.tps(), pgbenchTps));

    // All alliances at once: a per-alliance check plans on statistics that may predate the phase.
    long start = System.nanoTime();
    InvariantReport invariants = Blocking.await(new InvariantCheck(pool).runAfterBulkLoad(null));
    System.out.println(String.format(Locale.ROOT, "invariants (%.1f s): %s", (System.nanoTime() - start) / 1e9,
        invariants.summary()));
    return invariants.ok() ? 0 : 1;
  }

  private static BenchAlliance seed(Ledger ledger, BenchOptions o) {
    long start = System.nanoTime();
    BenchAlliance alliance = BenchAlliance.seed(ledger, o.shops(), o.members(), o.concurrency());
    say(String.format(Locale.ROOT, "seeded alliance %d: %d shops, %d members with %d points each (%.1f s)",
        alliance.id(), o.shops(), o.members(), BenchAlliance.STARTING_POINTS, (System.nanoTime() - start) / 1e9));
    return alliance;
  }

  /** Each phase starts with no dirty pages from the last, so none pays for another's checkpoint. */
  private static void checkpoint(Pool pool) {
    Blocking.await(pool.query("checkpoint").execute().<Void>mapEmpty().recover(err -> {
      say("no checkpoint between phases (" + err.getMessage() + ")");
      return Future.succeededFuture();
    }));
  }

  private static void say(String line) {
    System.out.println("# " + line);
  }
}
