package io.linkpoints.ledger;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A ledger batch whose connection dies in the middle of its transaction: the writer retries each
 * command alone, and a command whose retry fails too is refused with {@code ledger_unavailable}
 * (never left waiting); sent again with the same id, it ends in what the ledger holds, once.
 */
class WriterConnectionLossTest {
  private Vertx vertx;
  private LedgerFixture fx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fx = new LedgerFixture(vertx, new MutableClock(Instant.now()));
  }

  @AfterEach
  void stop() {
    fx.assertInvariants();
    fx.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aBatchCutOffMidTransactionIsRefusedAsUnavailableAndItsRetryAppliesOnce() throws Exception {
    long alliance = fx.alliance("Cut-off alliance");
    long issuance = fx.open(alliance, AccountKind.MERCHANT_ISSUANCE, 1).id();
    long wallet = fx.open(alliance, AccountKind.MEMBER_WALLET, 1).id();
    UUID id = UUID.randomUUID();
    TransferCommand earn = TransferCommand.transfer(alliance, id, issuance, wallet, 40, "earn");

    try (Connection blocker = jdbc(); Statement lock = blocker.createStatement();
         Connection watcher = jdbc(); Statement s = watcher.createStatement()) {
      // Holding the wallet's row keeps the writer's batch inside its transaction, on its connection.
      blocker.setAutoCommit(false);
      lock.execute("/* test */ select 1 from ledger_account where alliance_id = " + alliance + " and id = " + wallet + " for update");
      Future<TransferResult> written = fx.ledger.submit(earn);
      // The batch, and, if it gets as far as the lock again, the same command retried alone.
      while (!written.isComplete()) {
        terminateTheBackendWaitingForTheLock(s, written);
      }
      LedgerException refused = assertInstanceOf(LedgerException.class, failure(written));
      assertEquals(LedgerError.LEDGER_UNAVAILABLE, refused.error());
      assertEquals(503, refused.status());
      blocker.rollback();
    }
    assertEquals(0, transfers(id), "a refused command changed nothing");

    TransferResult retried = await(fx.ledger.submit(earn));
    assertEquals(40, retried.transfer().amount());
    assertEquals(1, transfers(id));
    assertEquals(40, fx.available(alliance, wallet));
    TransferResult again = await(fx.ledger.submit(earn));
    assertTrue(again.replayed(), "the same id once more is the first result");
    assertEquals(1, transfers(id));
  }

  private Connection jdbc() throws Exception {
    return DriverManager.getConnection(fx.database.jdbcUrl(), fx.database.user(), fx.database.password());
  }

  /**
   * Cuts the connection of the backend waiting for the locked row, once one does (or the command
   * has already been answered). From a connection of its own: a transaction would see one snapshot
   * of pg_stat_activity throughout.
   */
  private static void terminateTheBackendWaitingForTheLock(Statement s, Future<?> written) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!written.isComplete()) {
      try (ResultSet rs = s.executeQuery("/* test */ select pg_terminate_backend(pid) from pg_stat_activity"
          + " where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'")) {
        if (rs.next()) {
          assertTrue(rs.getBoolean(1));
          return;
        }
      }
      assertTrue(System.nanoTime() < deadline, "the writer neither waited for the locked row nor answered");
      Thread.sleep(10);
    }
  }

  private long transfers(UUID id) {
    return await(fx.pool.preparedQuery("/* test */ select count(*) from ledger_transfer where id = $1").execute(Tuple.of(id)))
        .iterator().next().getLong(0);
  }
}
