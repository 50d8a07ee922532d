package io.linkpoints.bench;

import io.linkpoints.platform.DatabaseProvisioner;
import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.EmbeddedPostgresServer;
import io.linkpoints.platform.Folders;
import io.linkpoints.platform.Migrations;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Two databases on one PostgreSQL server, so that the ledger and pgbench meet the same server
 * with the same settings: a throw-away embedded server (durable settings, fsync on) in a fresh
 * folder, or the server of {@code LINKPOINTS_DB_URL}. Blocking: main thread only.
 */
final class BenchDatabase implements AutoCloseable {
  static final String LEDGER_DATABASE = "linkpoints_bench";
  static final String PGBENCH_DATABASE = "pgbench_bench";

  final DatabaseTarget ledger;
  final DatabaseTarget pgbench;
  private final EmbeddedPostgresServer embedded;
  private final Path folder;

  private BenchDatabase(DatabaseTarget ledger, DatabaseTarget pgbench, EmbeddedPostgresServer embedded, Path folder) {
    this.ledger = ledger;
    this.pgbench = pgbench;
    this.embedded = embedded;
    this.folder = folder;
  }

  /** With a URL, the ledger goes in that database; otherwise an embedded server in {@code dataRoot}. */
  static BenchDatabase provision(Optional<String> url, Path dataRoot) throws Exception {
    if (url.isPresent()) {
      DatabaseTarget ledger = DatabaseTarget.fromUrl(url.get());
      DatabaseProvisioner.createDatabaseIfMissing(adminJdbcUrl(ledger), PGBENCH_DATABASE);
      Migrations.migrateBlocking(ledger);
      return new BenchDatabase(ledger, ledger.withDatabase(PGBENCH_DATABASE), null, null);
    }
    Path folder = dataRoot.resolve("bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(folder.resolve("postgres"), false);
    try {
      DatabaseProvisioner.createDatabaseIfMissing(server.jdbcUrl("postgres"), LEDGER_DATABASE);
      DatabaseProvisioner.createDatabaseIfMissing(server.jdbcUrl("postgres"), PGBENCH_DATABASE);
      DatabaseTarget ledger = DatabaseTarget.fromUrl(server.url(LEDGER_DATABASE));
      Migrations.migrateBlocking(ledger);
      BenchDatabase db = new BenchDatabase(ledger, DatabaseTarget.fromUrl(server.url(PGBENCH_DATABASE)), server, folder);
      // Stopped with Ctrl-C or a timeout, the benchmark still stops its server and removes its folder.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          db.close();
        } catch (IOException e) {
          System.err.println("Could not remove " + folder + ": " + e.getMessage());
        }
      }, "bench-database-close"));
      return db;
    } catch (Exception e) {
      server.close();
      Folders.deleteTree(folder);
      throw e;
    }
  }

  String describe() {
    return embedded != null
        ? "embedded PostgreSQL on 127.0.0.1:" + embedded.port() + " (fsync on; data in " + folder + ", removed at the end)"
        : ledger.describe() + " (pgbench in database " + PGBENCH_DATABASE + ")";
  }

  /** Stops and removes the embedded server; an external server keeps its data. */
  @Override
  public synchronized void close() throws IOException {
    if (embedded != null && Files.exists(folder)) {
      embedded.close();
      Folders.deleteTree(folder);
    }
  }

  private static String adminJdbcUrl(DatabaseTarget target) {
    return target.jdbcUrl() + "?user=" + encode(target.user()) + "&password=" + encode(target.password());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
