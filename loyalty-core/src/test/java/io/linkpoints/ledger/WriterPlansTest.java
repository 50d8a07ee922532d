package io.linkpoints.ledger;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.testing.GenericPlans;
import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
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

  private static final String MANY_IDS = "'{" + String.join(",", java.util.stream.IntStream.rangeClosed(1, 300)
      .mapToObj(Integer::toString).toList()) + "}'";
  private static final String MANY_UUIDS = "'{" + String.join(",", java.util.stream.IntStream.rangeClosed(1, 300)
      .mapToObj(i -> java.util.UUID.randomUUID().toString()).toList()) + "}'";
  /** The same reads with 300 keys, as a batch has. */
  private static final Map<String, String> MANY_KEYS = Map.of(
      BatchReads.TRANSFERS_BY_ID, ALLIANCE + ", " + MANY_UUIDS + "::uuid[]",
      BatchReads.LOCK_ACCOUNTS, ALLIANCE + ", " + MANY_IDS + "::bigint[]",
      BatchReads.OPEN_HOLDS, ALLIANCE + ", " + MANY_UUIDS + "::uuid[]",
      BatchReads.REVERSED_SO_FAR, ALLIANCE + ", " + MANY_UUIDS + "::uuid[]",
      BatchReads.OPEN_LOTS, ALLIANCE + ", " + MANY_IDS + "::bigint[]",
      BatchReads.FIRST_OPEN_LOTS, ALLIANCE + ", " + MANY_IDS + "::bigint[]",
      BatchReads.ALLOCATIONS, ALLIANCE + ", " + MANY_UUIDS + "::uuid[]",
      BatchReads.LOTS_BY_CREATOR, ALLIANCE + ", " + MANY_UUIDS + "::uuid[]");

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

  /**
   * An alliance of 20,000 members, analyzed: each batch read looks its keys up one by one and
   * never reads the alliance's whole part of a table (each statement pins its alliance, which an
   * index scan can use alone: on statistics of small tables it is the plan, and it read whole
   * alliances in the ledger benchmark's first mix, at half speed, until the bench analyzed after
   * seeding).
   */
  @Test
  void onTheWritersConnectionsEveryBatchReadLooksItsKeysUpInAGrownAlliance() {
    DatabaseTarget grown = TestDatabase.fresh();
    await(PgConnection.connect(vertx, new PgConnectOptions(grown.connectOptions())).compose(conn -> conn
        .query("/* test */ set session_replication_role = replica").execute()
        .compose(v -> conn.query("/* test */ insert into ledger_account (alliance_id, id, kind, owner_id, flags)"
            + " select 1, g, 'member_wallet', g, 0 from generate_series(1, 20000) g").execute())
        .compose(v -> conn.query("/* test */ insert into ledger_transfer (alliance_id, id, debit_account_id,"
            + " credit_account_id, amount, flags, code, reverses_id, created_at) select 1, gen_random_uuid(), g % 20000 + 1,"
            + " (g + 1) % 20000 + 1, 1, 0, 'c', case when g % 10 = 0 then gen_random_uuid() end, now()"
            + " from generate_series(1, 50000) g").execute())
        .compose(v -> conn.query("/* test */ insert into ledger_lot (alliance_id, transfer_id, n, account_id,"
            + " issuer_shop_id, points, points_left, price_per_point_fen, expires_at, created_at) select 1,"
            + " gen_random_uuid(), 0, g % 20000 + 1, 1, 10, 10, 1, now() + interval '1 year', now()"
            + " from generate_series(1, 50000) g").execute())
        .compose(v -> conn.query("/* test */ insert into ledger_allocation (alliance_id, transfer_id, lot_transfer_id,"
            + " lot_n, points) select 1, gen_random_uuid(), gen_random_uuid(), 0, 1 from generate_series(1, 50000) g")
            .execute())
        .compose(v -> conn.query("/* test */ insert into ledger_open_hold (alliance_id, transfer_id, timeout_at)"
            + " select 1, gen_random_uuid(), now() from generate_series(1, 20000) g").execute())
        .compose(v -> conn.query("/* test */ analyze ledger_account, ledger_transfer, ledger_lot, ledger_allocation,"
            + " ledger_open_hold").execute())
        .eventually(conn::close)));
    for (Map.Entry<String, String> read : MANY_KEYS.entrySet()) {
      String plan = GenericPlans.of(vertx, LedgerWriter.writerTarget(grown).connectOptions(),
          read.getKey(), read.getValue().contains("uuid[]") ? "bigint, uuid[]" : "bigint, bigint[]", "", read.getValue());
      assertFalse(plan.contains("Seq Scan"), () -> read.getKey() + "\n" + plan);
      assertFalse(plan.contains("Hash Join"), () -> read.getKey() + "\n" + plan);
      assertTrue(plan.matches("(?s).*Index Cond: \\(.*= k\\.\\w+.*"), () -> "not looked up by its keys: "
          + read.getKey() + "\n" + plan);
    }
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
