package io.linkpoints.ledger;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.testing.GenericPlans;
import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The plans the writer's batch reads get from PostgreSQL when the tables are still small, as in a
 * new alliance: the generic plan a connection caches then is the one it keeps using as the
 * tables grow. On an ordinary connection it is a sequential scan; on the writer's it must be an
 * index lookup, whatever the table sizes.
 */
class WriterPlansTest {
  private static final String ALLIANCE = "1";
  private static final String ONE_ID = "'{1}'::bigint[]";
  private static final String ONE_UUID = "'{00000000-0000-0000-0000-000000000001}'::uuid[]";
  /** Each keyed read of a batch, with arguments of its types. */
  private static final Map<String, String> READS = Map.of(
      BatchReads.TRANSFERS_BY_ID, ALLIANCE + ", " + ONE_UUID,
      BatchReads.LOCK_ACCOUNTS, ALLIANCE + ", " + ONE_ID,
      BatchReads.OPEN_HOLDS, ALLIANCE + ", " + ONE_UUID,
      BatchReads.REVERSED_SO_FAR, ALLIANCE + ", " + ONE_UUID,
      BatchReads.OPEN_LOTS, ALLIANCE + ", " + ONE_ID,
      BatchReads.FIRST_OPEN_LOTS, ALLIANCE + ", " + ONE_ID,
      BatchReads.ALLOCATIONS, ALLIANCE + ", " + ONE_UUID,
      BatchReads.LOTS_BY_CREATOR, ALLIANCE + ", " + ONE_UUID);

  private static Vertx vertx;
  private static DatabaseTarget database;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    database = TestDatabase.fresh(); // migrated, empty: the tables are as small as they get
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void onTheWritersConnectionsEveryBatchReadIsAnIndexLookupEvenOnEmptyTables() {
    for (Map.Entry<String, String> read : READS.entrySet()) {
      String plan = genericPlan(LedgerWriter.writerTarget(database).connectOptions(), read.getKey(), read.getValue());
      assertFalse(plan.contains("Seq Scan"), () -> read.getKey() + "\n" + plan);
      assertFalse(plan.contains("Hash Join"), () -> read.getKey() + "\n" + plan);
      assertTrue(plan.contains("Index"), () -> read.getKey() + "\n" + plan);
    }
  }

  @Test
  void anOrdinaryConnectionWouldCacheASequentialScanThere() {
    // Why the writer has connections of its own: without its settings, the cached plan reads
    // the whole table (or the alliance's whole part of it) and hashes it, and keeps doing so
    // when the table has millions of rows.
    String plan = genericPlan(new PgConnectOptions(database.connectOptions()), BatchReads.TRANSFERS_BY_ID,
        READS.get(BatchReads.TRANSFERS_BY_ID));
    assertTrue(plan.contains("Seq Scan on ledger_transfer") || plan.contains("Hash Join"), plan);
  }

  private static String genericPlan(PgConnectOptions options, String sql, String arguments) {
    return GenericPlans.of(vertx, options, sql, arguments.endsWith("uuid[]") ? "bigint, uuid[]" : "bigint, bigint[]",
        "", arguments);
  }
}
