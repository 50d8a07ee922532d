package io.linkpoints.platform;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Calls sent in groups get exactly their own results, on their own context; a bad call fails alone. */
class GroupedQueryTest {
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = TestDatabase.fresh().pool(vertx, 4);
    await(pool.query("create table grouped_probe (id int primary key, label text not null check (label <> 'bad'))")
        .execute());
  }

  @AfterAll
  static void stop() {
    await(pool.close());
    await(vertx.close());
  }

  @Test
  void fiveHundredConcurrentCallsEachGetTheirOwnRowsInFewerRoundTrips() {
    GroupedQuery insert = new GroupedQuery(pool,
        "/* test */ insert into grouped_probe (id, label) values ($1, $2) on conflict do nothing returning id, label");
    List<Future<RowSet<Row>>> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      calls.add(insert.execute(Tuple.of(i, "label-" + i)));
    }
    calls.add(insert.execute(Tuple.of(7, "again"))); // a repeat inside the same burst: nothing inserted
    await(Future.all(calls));
    for (int i = 0; i < 500; i++) {
      Row row = calls.get(i).result().iterator().next();
      assertEquals(i, row.getInteger("id"));
      assertEquals("label-" + i, row.getString("label"));
    }
    assertEquals(0, calls.get(500).result().rowCount());
    assertTrue(insert.groupsSent() < 50, "501 calls went in " + insert.groupsSent() + " round trips");
    assertEquals(500L, await(pool.query("/* test */ select count(*) from grouped_probe where id < 500").execute())
        .iterator().next().getLong(0));
    assertEquals("label-7", await(pool.query("/* test */ select label from grouped_probe where id = 7").execute())
        .iterator().next().getString(0));
  }

  @Test
  void aCallThatFailsFailsAloneAndTheOthersInItsGroupStillHappen() {
    GroupedQuery insert = new GroupedQuery(pool, "/* test */ insert into grouped_probe (id, label) values ($1, $2) returning id");
    List<Future<RowSet<Row>>> calls = new ArrayList<>();
    for (int i = 1000; i < 1100; i++) {
      calls.add(insert.execute(Tuple.of(i, i % 25 == 0 ? "bad" : "fine")));
    }
    await(Future.join(calls).otherwiseEmpty());
    for (int i = 1000; i < 1100; i++) {
      Future<RowSet<Row>> call = calls.get(i - 1000);
      if (i % 25 == 0) {
        assertTrue(call.failed(), "call " + i);
        assertEquals("23514", assertInstanceOf(PgException.class, call.cause()).getSqlState());
      } else {
        assertTrue(call.succeeded(), () -> "call " + call.cause());
        assertEquals(i, call.result().iterator().next().getInteger(0));
      }
    }
    assertEquals(96L, await(pool.query("/* test */ select count(*) from grouped_probe where id between 1000 and 1099").execute())
        .iterator().next().getLong(0));
  }

  @Test
  void eachCallerIsAnsweredOnItsOwnContext() {
    GroupedQuery select = new GroupedQuery(pool, "/* test */ select $1::int as n");
    Map<Integer, Boolean> sameContext = new ConcurrentHashMap<>();
    List<Future<Void>> done = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      int n = i;
      Context context = vertx.getOrCreateContext();
      Promise<Void> finished = Promise.promise();
      done.add(finished.future());
      context.runOnContext(v -> select.execute(Tuple.of(n)).onComplete(ar -> {
        sameContext.put(n, Vertx.currentContext() == context && ar.succeeded()
            && ar.result().iterator().next().getInteger("n") == n);
        finished.complete();
      }));
    }
    await(Future.all(done));
    assertEquals(40, sameContext.size());
    sameContext.forEach((n, ok) -> assertTrue(ok, "call " + n));
  }
}
