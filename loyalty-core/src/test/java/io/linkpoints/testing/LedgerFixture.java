package io.linkpoints.testing;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.Account;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.InvariantCheck;
import io.linkpoints.ledger.InvariantReport;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.WriterOptions;
import io.linkpoints.platform.DatabaseTarget;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;

/**
 * A ledger on a fresh database, with helpers to make alliances, shops and members. Tests get
 * real PostgreSQL and the real writer; nothing is mocked.
 */
public final class LedgerFixture implements AutoCloseable {
  public final Vertx vertx;
  public final DatabaseTarget database;
  public final Pool pool;
  public final Ledger ledger;

  public LedgerFixture(Vertx vertx, Clock clock) {
    this(vertx, clock, TestDatabase.fresh(), WriterOptions.DEFAULT);
  }

  public LedgerFixture(Vertx vertx, Clock clock, DatabaseTarget database, WriterOptions options) {
    this.vertx = vertx;
    this.database = database;
    this.pool = database.pool(vertx, 8);
    this.ledger = new Ledger(vertx, pool, database, clock, options);
  }

  /** A second writer process on the same database (its own pool and writer). */
  public LedgerFixture secondInstance(Clock clock) {
    return new LedgerFixture(vertx, clock, database, WriterOptions.DEFAULT);
  }

  public long alliance(String name) {
    return await(pool.preparedQuery("/* test */ insert into alliance (name, time_zone, price_per_point_fen, expiry_months,"
        + " expiry_end_of_month) values ($1, 'Asia/Shanghai', 1, 12, true) returning id")
        .execute(Tuple.of(name))).iterator().next().getLong(0);
  }

  public Account open(long alliance, AccountKind kind, long owner) {
    return await(ledger.openAccount(alliance, kind, owner));
  }

  public Account account(long alliance, long id) {
    return await(ledger.account(alliance, id)).orElseThrow();
  }

  public long available(long alliance, long id) {
    return account(alliance, id).availableBalance();
  }

  /** Fails the test, naming every broken invariant, unless the ledger is whole. */
  public void assertInvariants() {
    InvariantReport report = await(new InvariantCheck(pool).run(null));
    assertTrue(report.ok(), report.summary());
  }

  @Override
  public void close() {
    await(ledger.close());
    await(pool.close());
  }
}
