package io.linkpoints.portal.bench;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.bench.PgBench;
import io.linkpoints.ledger.InvariantCheck;
import io.linkpoints.ledger.InvariantReport;
import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.Test;

/**
 * The ceiling in {@code ./linkpoints bench pos} is only as honest as the floor script: it must
 * write every row an earn writes, and leave a ledger that passes the same checks the real one does.
 */
class SaleFloorTest {
  @Test
  void theFloorScriptWritesWholeEarnsAndABalancedLedger() throws Exception {
    PgBench.version(); // fails with how to install pgbench when it is missing
    DatabaseTarget db = TestDatabase.fresh();
    SaleFloor.seed(db);
    double earnsPerSecond = SaleFloor.earnsPerSecond(db, 2);
    assertTrue(earnsPerSecond > 0, "pgbench reported " + earnsPerSecond);

    Vertx vertx = Vertx.vertx();
    Pool pool = db.pool(vertx, 2);
    try {
      InvariantReport report = await(new InvariantCheck(pool).run(1L));
      assertTrue(report.ok(), report.summary());

      Row counts = await(pool.query("select"
          + " (select count(*) from ledger_transfer) as transfers,"
          + " (select count(*) from ledger_lot) as lots,"
          + " (select count(*) from pos_accrual) as accruals,"
          + " (select count(*) from member_code_use) as code_uses,"
          + " (select count(*) from pos_request where status_code = 200 and completed_at is not null) as finished,"
          + " (select count(*) from pos_request) as requests,"
          + " (select coalesce(sum(amount), 0) from ledger_transfer) as moved,"
          + " (select sum(debits_posted) from ledger_account where kind = 'merchant_issuance') as issued,"
          + " (select sum(credits_posted) from ledger_account where kind = 'member_wallet') as received"
          ).execute()).iterator().next();
      long transfers = counts.getLong("transfers");
      assertTrue(transfers > 0 && transfers % SaleFloor.EARNS_PER_TRANSACTION == 0, "transfers: " + transfers);
      for (String each : new String[] {"lots", "accruals", "code_uses", "finished", "requests"}) {
        assertEquals(transfers, counts.getLong(each), each);
      }
      assertEquals(counts.getLong("moved"), counts.getLong("issued"));
      assertEquals(counts.getLong("moved"), counts.getLong("received"));
    } finally {
      await(pool.close());
      await(vertx.close());
    }
  }
}
