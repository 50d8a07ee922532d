package io.linkpoints.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the numbered schema migrations in {@code db/migration}. Flyway is blocking JDBC: worker only. */
public final class Migrations {
  private Migrations() {
  }

  public static Future<Integer> migrate(Vertx vertx, DatabaseTarget target) {
    return vertx.executeBlocking(() -> migrateBlocking(target));
  }

  public static int migrateBlocking(DatabaseTarget target) {
    MigrateResult result = Flyway.configure()
        .dataSource(target.jdbcUrl(), target.user(), target.password())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    return result.migrationsExecuted;
  }
}
