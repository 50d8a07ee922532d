package io.linkpoints.settlement;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.WriterOptions;
import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.linkpoints.testing.TestDatabase;
import io.linkpoints.web.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An adjustment booked while the period is being closed: it must either land before the close
 * (and the close waits for it) or be refused with {@code period_closed}, never end up inside a
 * closed period that no statement carries.
 */
class AdjustmentDuringCloseTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-05-10T00:00:00Z"));
  private final Vertx vertx = Vertx.vertx();
  private final LedgerFixture fx = new LedgerFixture(vertx, clock, TestDatabase.fresh(), WriterOptions.DEFAULT);

  @AfterEach
  void tearDown() {
    try {
      fx.assertInvariants();
    } finally {
      fx.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  private long shop(long alliance, String name) {
    return await(fx.pool.preparedQuery("/* test */ insert into shop (alliance_id, name) values ($1, $2) returning id")
        .execute(Tuple.of(alliance, name))).iterator().next().getLong(0);
  }

  private long count(String sql, long alliance, long period) {
    return await(fx.pool.preparedQuery(sql).execute(Tuple.of(alliance, period))).iterator().next().getLong(0);
  }

  private long waitingForALock() {
    return await(fx.pool.query("/* test */ select count(*) from pg_stat_activity where datname = current_database()"
        + " and wait_event_type = 'Lock'").execute()).iterator().next().getLong(0);
  }

  @Test
  void anAdjustmentRacingTheCloseOfItsPeriodIsRefusedOnceTheCloseCommits() throws Exception {
    long alliance = fx.alliance("Old Town");
    long a = shop(alliance, "Cafe");
    long b = shop(alliance, "Books");
    Periods periods = new Periods(fx.pool, clock);
    long april = await(periods.create(alliance, "2026-04")).id();
    await(new SettlementRun(fx.pool, clock).run(alliance, april));

    // The close is under way: its update of the period row is made, not yet committed.
    SqlConnection closer = await(fx.pool.getConnection());
    Transaction closing = await(closer.begin());
    await(closer.preparedQuery("/* test */ update settlement_period set status = 'closed', closed_at = $3"
        + " where alliance_id = $1 and id = $2").execute(Tuple.of(alliance, april, Periods.utc(clock.instant()))));

    Future<Adjustments.Adjustment> adjustment = new Adjustments(fx.pool, periods, clock).add(alliance, april,
        new Adjustments.Correction(a, b, 500, "late correction", null));
    // Either it already went through (the defect), or it waits for the close's row lock.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!adjustment.isComplete() && waitingForALock() == 0) {
      assertTrue(System.nanoTime() < deadline, "the adjustment neither finished nor waited");
      Thread.sleep(10);
    }
    await(closing.commit());
    await(closer.close());

    Throwable refused = await(adjustment.transform(ar -> Future.succeededFuture(ar.cause())));
    assertEquals("period_closed", assertInstanceOf(ApiException.class, refused, "the adjustment went through").code());
    assertEquals(0, count("/* test */ select count(*) from settlement_adjustment where alliance_id = $1 and period_id = $2",
        alliance, april));
  }
}
