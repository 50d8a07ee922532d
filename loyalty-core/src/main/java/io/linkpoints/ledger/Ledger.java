package io.linkpoints.ledger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.linkpoints.platform.DatabaseTarget;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The points ledger as the rest of the service sees it: open accounts, move points (through
 * the batching writer), and read balances and history.
 */
public final class Ledger {
  private static final String OPEN_ACCOUNT = "insert into ledger_account (alliance_id, id, kind, owner_id, flags)"
      + " values ($1, nextval('ledger_account_id_seq'), $2, $3, $4)"
      + " on conflict (alliance_id, kind, owner_id) do update set flags = ledger_account.flags"
      + " returning " + Account.COLUMNS;

  private static final String ACCOUNT = "select " + Account.COLUMNS
      + " from ledger_account where alliance_id = $1 and id = $2";

  private static final String ACCOUNT_BY_OWNER = "select " + Account.COLUMNS
      + " from ledger_account where alliance_id = $1 and kind = $2 and owner_id = $3";

  private static final String TRANSFER = "select " + Transfer.COLUMNS + ", seq"
      + " from ledger_transfer where alliance_id = $1 and id = $2";

  // Two index range scans merged: the debit side and the credit side of one account.
  private static final String HISTORY = "select " + Transfer.COLUMNS + ", seq from ("
      + " (select * from ledger_transfer where alliance_id = $1 and debit_account_id = $2 and seq < $3"
      + "  order by seq desc limit $4)"
      + " union all"
      + " (select * from ledger_transfer where alliance_id = $1 and credit_account_id = $2 and seq < $3"
      + "  order by seq desc limit $4)) t order by seq desc limit $4";

  private final Pool pool;
  private final Pool writerPool;
  private final LedgerWriter writer;

  /**
   * {@code pool} serves reads; the writer gets a small pool of its own on {@code database}, with
   * the planner settings of {@link LedgerWriter#writerTarget}. Close with {@link #close}.
   */
  public Ledger(Vertx vertx, Pool pool, DatabaseTarget database, Clock clock, WriterOptions options) {
    this(vertx, pool, database, clock, options, new CompositeMeterRegistry());
  }

  /** {@code meters}: where the writer's batches, transfers and queue are counted. */
  public Ledger(Vertx vertx, Pool pool, DatabaseTarget database, Clock clock, WriterOptions options,
      MeterRegistry meters) {
    this.pool = pool;
    this.writerPool = LedgerWriter.createPool(vertx, database, options);
    this.writer = new LedgerWriter(vertx, writerPool, clock, options, meters);
  }

  /** Writes what the writer has queued, then closes its own connections (the read pool belongs to the caller). */
  public Future<Void> close() {
    return writer.drain().eventually(writerPool::close);
  }

  public LedgerWriter writer() {
    return writer;
  }

  public Pool pool() {
    return pool;
  }

  /** Opens the account of this kind for this owner, or returns it if it is already open. */
  public Future<Account> openAccount(long allianceId, AccountKind kind, long ownerId) {
    return pool.preparedQuery(OPEN_ACCOUNT)
        .execute(Tuple.of(allianceId, kind.dbName(), ownerId, kind.defaultFlags()))
        .map(rows -> Account.fromRow(rows.iterator().next()));
  }

  public Future<Optional<Account>> account(long allianceId, long accountId) {
    return pool.preparedQuery(ACCOUNT).execute(Tuple.of(allianceId, accountId)).map(Ledger::firstAccount);
  }

  public Future<Optional<Account>> accountOf(long allianceId, AccountKind kind, long ownerId) {
    return pool.preparedQuery(ACCOUNT_BY_OWNER).execute(Tuple.of(allianceId, kind.dbName(), ownerId))
        .map(Ledger::firstAccount);
  }

  public Future<TransferResult> submit(TransferCommand command) {
    return writer.submit(command);
  }

  /** A single-phase transfer; fails with a {@link LedgerException} if refused. */
  public Future<Transfer> transfer(long allianceId, UUID id, long debit, long credit, long amount, String code) {
    return submit(TransferCommand.transfer(allianceId, id, debit, credit, amount, code)).map(TransferResult::transfer);
  }

  public Future<Optional<Transfer>> transferById(long allianceId, UUID id) {
    return pool.preparedQuery(TRANSFER).execute(Tuple.of(allianceId, id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Transfer.fromRow(rows.iterator().next())));
  }

  /** One page of an account's transfers, newest first. */
  public record HistoryPage(List<Transfer> transfers, Long nextCursor) {
  }

  public Future<HistoryPage> history(long allianceId, long accountId, Long beforeCursor, int limit) {
    long before = beforeCursor == null ? Long.MAX_VALUE : beforeCursor;
    int pageSize = Math.max(1, Math.min(limit, 200));
    return pool.preparedQuery(HISTORY).execute(Tuple.of(allianceId, accountId, before, pageSize)).map(rows -> {
      List<Transfer> items = new ArrayList<>();
      long last = -1;
      for (Row row : rows) {
        items.add(Transfer.fromRow(row));
        last = row.getLong("seq");
      }
      return new HistoryPage(items, items.size() == pageSize ? last : null);
    });
  }

  private static Optional<Account> firstAccount(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(Account.fromRow(rows.iterator().next()));
  }
}
