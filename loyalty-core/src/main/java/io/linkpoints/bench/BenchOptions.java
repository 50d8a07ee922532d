package io.linkpoints.bench;

import io.linkpoints.ledger.WriterOptions;
import java.util.HashMap;
import java.util.Map;

/** The benchmark's flags, {@code --name=value}; writer settings default to the service's own. */
record BenchOptions(int seconds, int warmupSeconds, int shops, int members, int concurrency, int poolSize,
    WriterOptions writer) {

  static final String USAGE = """
      Usage: ./linkpoints bench ledger [--flag=value ...]

        --seconds=N      measured seconds per phase, ledger and pgbench alike (default 20)
        --warmup=N       unmeasured seconds before each phase (default 5)
        --shops=N        shops per bench alliance (default 20)
        --members=N      members per bench alliance (default 20000)
        --concurrency=N  transfers outstanding at the writer at once (default 2048)
        --pool=N         PostgreSQL connections of the ledger's pool (default 16)
        --max-batch=N    writer: commands per transaction at most (default %d)
        --in-flight=N    writer: batches written at once (default %d)
        --linger=MS      writer: how long a lone command waits for company (default %d)

      Uses LINKPOINTS_DB_URL's server if set, else a throw-away embedded PostgreSQL.
      """.formatted(WriterOptions.DEFAULT.maxBatch(), WriterOptions.DEFAULT.maxInFlight(),
      WriterOptions.DEFAULT.lingerMillis());

  static BenchOptions parse(String... args) {
    Map<String, Integer> flags = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0) {
        throw new IllegalArgumentException("expected --flag=value, got '" + arg + "'");
      }
      try {
        flags.put(arg.substring(2, eq), Integer.parseInt(arg.substring(eq + 1)));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("not a whole number: '" + arg + "'", e);
      }
    }
    WriterOptions d = WriterOptions.DEFAULT;
    BenchOptions options = new BenchOptions(take(flags, "seconds", 20), take(flags, "warmup", 5),
        take(flags, "shops", 20), take(flags, "members", 20_000), take(flags, "concurrency", 2048),
        take(flags, "pool", 16), new WriterOptions(take(flags, "max-batch", d.maxBatch()),
            take(flags, "linger", (int) d.lingerMillis()), take(flags, "in-flight", d.maxInFlight()), d.maxQueued()));
    if (!flags.isEmpty()) {
      throw new IllegalArgumentException("unknown flag(s): " + String.join(", ", flags.keySet()));
    }
    if (options.seconds < 1 || options.warmupSeconds < 0 || options.shops < 1 || options.members < 1
        || options.concurrency < 1 || options.concurrency > d.maxQueued() || options.poolSize < 1) {
      throw new IllegalArgumentException("out of range: seconds, shops, members and pool must be at least 1,"
          + " warmup at least 0, concurrency 1.." + d.maxQueued());
    }
    return options;
  }

  private static int take(Map<String, Integer> flags, String name, int fallback) {
    Integer value = flags.remove(name);
    return value == null ? fallback : value;
  }
}
