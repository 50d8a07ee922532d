package io.linkpoints.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * A batch's statement run once per alliance it touches: {@code alliance_id = $1} and the rest of
 * that alliance's rows as column arrays ({@code $2}, {@code $3}, ...). So every statement pins one
 * alliance, as a database distributed by alliance needs (docs/scaling.md), while the batch still
 * costs one round trip per statement: the alliances' executions go together ({@code executeBatch}),
 * in ascending alliance order, which keeps account locks taken in one global order.
 */
final class PerAlliance {
  private PerAlliance() {
  }

  /** One column of the rows: how to make its array and read its value from a row. */
  record Column<T>(IntFunction<Object[]> array, Function<T, Object> value) {
  }

  static <T> Column<T> column(IntFunction<Object[]> array, Function<T, Object> value) {
    return new Column<>(array, value);
  }

  /** One tuple per alliance among {@code rows}: its id, then each column's array. */
  @SafeVarargs
  static <T> List<Tuple> tuples(Collection<T> rows, ToLongFunction<T> alliance, Column<T>... columns) {
    Map<Long, List<T>> byAlliance = new TreeMap<>();
    for (T row : rows) {
      byAlliance.computeIfAbsent(alliance.applyAsLong(row), k -> new ArrayList<>()).add(row);
    }
    List<Tuple> tuples = new ArrayList<>(byAlliance.size());
    byAlliance.forEach((allianceId, group) -> {
      Tuple tuple = Tuple.tuple().addValue(allianceId);
      for (Column<T> column : columns) {
        Object[] values = column.array().apply(group.size());
        for (int i = 0; i < values.length; i++) {
          values[i] = column.value().apply(group.get(i));
        }
        // addValue, not Tuple.of: an array argument would be spread as varargs.
        tuple.addValue(values);
      }
      tuples.add(tuple);
    });
    return tuples;
  }

  /** Transfer keys as (alliance, ids[]) tuples. */
  static List<Tuple> transferKeys(Collection<Keys.TransferKey> keys) {
    return tuples(keys, Keys.TransferKey::allianceId, column(java.util.UUID[]::new, Keys.TransferKey::id));
  }

  /** Account keys as (alliance, ids[]) tuples, ids in ascending order when {@code keys} are sorted. */
  static List<Tuple> accountKeys(Collection<Keys.AccountKey> keys) {
    return tuples(keys, Keys.AccountKey::allianceId, column(Long[]::new, Keys.AccountKey::id));
  }

  /** The rows of every alliance's execution, in order; none run when there are no tuples. */
  static Future<List<Row>> query(SqlConnection conn, String sql, List<Tuple> tuples) {
    if (tuples.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Future<RowSet<Row>> done = tuples.size() == 1 ? conn.preparedQuery(sql).execute(tuples.get(0))
        : conn.preparedQuery(sql).executeBatch(tuples);
    return done.map(first -> {
      List<Row> rows = new ArrayList<>();
      for (RowSet<Row> set = first; set != null; set = set.next()) {
        set.forEach(rows::add);
      }
      return rows;
    });
  }
}
