package io.linkpoints.testing;

import static io.linkpoints.testing.Await.await;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan PostgreSQL caches for a prepared statement once it settles on a generic one (forced
 * here, as it would be after a few executions), on a connection made with {@code options}.
 */
public final class GenericPlans {
  private GenericPlans() {
  }

  /**
   * @param parameterTypes the statement's parameter types, e.g. {@code "bigint[], uuid[]"}
   * @param explain        EXPLAIN's options, e.g. {@code ""} or {@code "(analyze, costs off, timing off)"}
   * @param arguments      SQL literals for one execution
   */
  public static String of(Vertx vertx, PgConnectOptions options, String sql, String parameterTypes, String explain,
      String arguments) {
    return plan(vertx, options, sql, parameterTypes, explain, arguments, true);
  }

  /** The plan an execution gets on a connection made with {@code options}, as its settings choose it. */
  public static String asConfigured(Vertx vertx, PgConnectOptions options, String sql, String parameterTypes,
      String explain, String arguments) {
    return plan(vertx, options, sql, parameterTypes, explain, arguments, false);
  }

  private static String plan(Vertx vertx, PgConnectOptions options, String sql, String parameterTypes, String explain,
      String arguments, boolean generic) {
    PgConnection conn = await(PgConnection.connect(vertx, options));
    try {
      if (generic) {
        await(conn.query("set plan_cache_mode = force_generic_plan").execute());
      }
      await(conn.query("prepare q(" + parameterTypes + ") as " + sql).execute());
      List<String> lines = new ArrayList<>();
      for (Row row : await(conn.query("explain " + explain + " execute q(" + arguments + ")").execute())) {
        lines.add(row.getString(0));
      }
      return String.join("\n", lines);
    } finally {
      await(conn.close());
    }
  }
}
