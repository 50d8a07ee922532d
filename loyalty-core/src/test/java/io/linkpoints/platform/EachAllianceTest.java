package io.linkpoints.platform;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Work over every alliance runs once per alliance, one at a time, in order, past a failing one. */
class EachAllianceTest {
  private Vertx vertx;
  private Pool pool;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    pool = TestDatabase.fresh().pool(vertx, 2);
  }

  @AfterEach
  void tearDown() {
    await(pool.close());
    await(vertx.close());
  }

  private List<Long> alliances(int n) {
    List<Long> ids = new ArrayList<>();
    await(pool.query("/* test */ insert into alliance (name) select 'a' || g from generate_series(1, " + n + ") g"
        + " returning id").execute()).forEach(row -> ids.add(row.getLong(0)));
    return ids;
  }

  @Test
  void eachAllianceInTurnAndPastAFailure() {
    List<Long> ids = alliances(3);
    List<Long> seen = new ArrayList<>();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    IllegalStateException broken = new IllegalStateException("the second alliance's work failed");
    Throwable failed = failure(EachAlliance.inTurn(pool, alliance -> {
      seen.add(alliance);
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      Promise<Long> later = Promise.promise();
      vertx.setTimer(20, t -> {
        running.decrementAndGet();
        if (alliance.equals(ids.get(1))) {
          later.fail(broken);
        } else {
          later.complete(alliance);
        }
      });
      return later.future();
    }));
    assertSame(broken, failed);
    assertEquals(ids, seen, "every alliance, in order, the third after the second failed");
    assertEquals(1, mostAtOnce.get(), "one alliance at a time");

    assertEquals(ids, await(EachAlliance.inTurn(pool, Future::succeededFuture)));
  }

  @Test
  void manyAlliancesWhoseWorkEndsAtOnceDoNotDeepenTheStack() {
    List<Long> ids = alliances(20_000);
    assertEquals(ids, await(EachAlliance.inTurn(pool, Future::succeededFuture)));
  }
}
