package io.linkpoints.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.Comparator;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the numbered schema migrations in {@code db/migration}. Flyway is blocking JDBC: worker only. */
public final class Migrations {
  private Migrations() {
  }

  /** What a start-up's migration did: how many it ran, and the latest version this code knows (e.g. {@code "9"}). */
  public record Applied(int executed, String latestKnown) {
  }

  public static Future<Integer> migrate(Vertx vertx, DatabaseTarget target) {
    return vertx.executeBlocking(() -> migrateBlocking(target));
  }

  public static int migrateBlocking(DatabaseTarget target) {
    return applyBlocking(target).executed();
  }

  /** Migrates, and says which version the schema must stay at for {@link #verify} to pass. */
  public static Future<Applied> apply(Vertx vertx, DatabaseTarget target) {
    return vertx.executeBlocking(() -> applyBlocking(target));
  }

  private static Applied applyBlocking(DatabaseTarget target) {
    Flyway flyway = Flyway.configure()
        .dataSource(target.jdbcUrl(), target.user(), target.password())
        .locations("classpath:db/migration")
        .load();
    MigrateResult result = flyway.migrate();
    // Resolved: found in this code's classpath (an applied migration of newer code is not).
    String latest = Arrays.stream(flyway.info().all())
        .filter(m -> m.getVersion() != null && m.getState().isResolved())
        .map(MigrationInfo::getVersion)
        .max(Comparator.naturalOrder())
        .map(MigrationVersion::getVersion)
        .orElseThrow(() -> new IllegalStateException("no schema migrations on the classpath"));
    return new Applied(result.migrationsExecuted, latest);
  }

  /**
   * Succeeds when the schema history holds {@code latestKnown} as applied and no failed migration:
   * the readiness check (a database restored from an older backup, or a half-applied upgrade, fails it).
   */
  public static Future<Void> verify(SqlClient client, String latestKnown) {
    return client.preparedQuery("select count(*) filter (where success and version = $1),"
            + " count(*) filter (where not success) from flyway_schema_history")
        .execute(Tuple.of(latestKnown))
        .compose(rows -> {
          Row row = rows.iterator().next();
          if (row.getLong(0) == 0) {
            return Future.failedFuture("schema version " + latestKnown + " is not applied");
          }
          if (row.getLong(1) > 0) {
            return Future.failedFuture(row.getLong(1) + " failed migration(s) in flyway_schema_history");
          }
          return Future.succeededFuture();
        });
  }
}
