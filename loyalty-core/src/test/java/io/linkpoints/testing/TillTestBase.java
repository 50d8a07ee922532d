package io.linkpoints.testing;

import static io.linkpoints.testing.Await.await;

import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * What the tests at the till share: one service per test class on a fresh database ({@link #api};
 * {@link #second}, a second instance on the same database, when a test asks for one), a pool of
 * threads to send sales from at once ({@link #tills}), a new alliance for each test ({@link #world},
 * its shops and members made with {@link PosWorld}), and the ledger's invariants checked after
 * each test. A subclass's own {@code @BeforeAll} runs after this one's, its {@code @AfterAll}
 * before this one closes the service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TillTestBase {
  protected Vertx vertx;
  protected ApiFixture api;
  /** Threads for sales sent at once (as many as the class's tests send concurrently). */
  protected ExecutorService tills;
  private final String prefix;
  private final int tillThreads;
  private ApiFixture second;
  private int worlds;

  /**
   * {@code prefix}: names each test's alliance ({@code prefix1}, {@code prefix2}, …; its staff
   * sign in as {@code prefix1-admin}, {@code prefix1-owner1}); {@code tillThreads}: the size of
   * {@link #tills}.
   */
  protected TillTestBase(String prefix, int tillThreads) {
    this.prefix = prefix;
    this.tillThreads = tillThreads;
  }

  @BeforeAll
  final void startTheService() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    tills = Executors.newFixedThreadPool(tillThreads);
  }

  @AfterEach
  final void ledgerStillAddsUp() {
    api.assertLedgerOk();
  }

  @AfterAll
  final void stopTheService() {
    try {
      tills.shutdown();
      if (second != null) {
        second.close();
      }
      api.close();
    } finally {
      await(vertx.close());
    }
  }

  /** A second instance of the service on the same database (started on first use, closed after the class). */
  protected synchronized ApiFixture second() {
    if (second == null) {
      second = api.anotherInstance();
    }
    return second;
  }

  /** A new alliance for this test, the service's clock set to {@code at} first. */
  protected PosWorld world(Instant at) {
    api.clock.set(at);
    return world();
  }

  /** A new alliance for this test. */
  protected PosWorld world() {
    return new PosWorld(api, prefix + (++worlds));
  }
}
