package io.linkpoints.ledger;

import static io.linkpoints.ledger.PerAlliance.column;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The writes of one batch: one multi-row statement per table and alliance ({@link PerAlliance}),
 * each account row updated once, all sent together (the client pipelines them) before the single
 * commit.
 */
final class BatchWrites {
  private BatchWrites() {
  }

  private static final String INSERT_TRANSFERS = "insert into ledger_transfer (alliance_id, id, debit_account_id,"
      + " credit_account_id, amount, flags, code, pending_id, reverses_id, timeout_at, metadata, created_at)"
      + " select $1::bigint, i, d, c, amt, f, code, p, r, t, m::jsonb, ts from unnest($2::uuid[], $3::bigint[],"
      + " $4::bigint[], $5::bigint[], $6::int[], $7::text[], $8::uuid[], $9::uuid[], $10::timestamptz[], $11::text[],"
      + " $12::timestamptz[]) as v(i, d, c, amt, f, code, p, r, t, m, ts)";

  private static final String UPDATE_ACCOUNTS = "update ledger_account a set debits_pending = v.dp,"
      + " debits_posted = v.dpo, credits_pending = v.cp, credits_posted = v.cpo"
      + " from unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])"
      + " as v(id, dp, dpo, cp, cpo) where a.alliance_id = $1 and a.id = v.id";

  private static final String INSERT_LOTS = "insert into ledger_lot (alliance_id, transfer_id, n, account_id,"
      + " issuer_shop_id, points, points_left, price_per_point_fen, expires_at, created_at)"
      + " select $1::bigint, v.* from unnest($2::uuid[], $3::smallint[], $4::bigint[], $5::bigint[], $6::bigint[],"
      + " $7::bigint[], $8::bigint[], $9::timestamptz[], $10::timestamptz[]) as v";

  private static final String UPDATE_LOTS = "update ledger_lot l set points_left = v.points_left"
      + " from unnest($2::uuid[], $3::smallint[], $4::bigint[]) as v(transfer_id, n, points_left)"
      + " where l.alliance_id = $1 and l.transfer_id = v.transfer_id and l.n = v.n";

  private static final String INSERT_ALLOCATIONS = "insert into ledger_allocation (alliance_id, transfer_id,"
      + " lot_transfer_id, lot_n, points) select $1::bigint, v.* from unnest($2::uuid[], $3::uuid[], $4::smallint[],"
      + " $5::bigint[]) as v";

  private static final String OPEN_HOLDS = "insert into ledger_open_hold (alliance_id, transfer_id, timeout_at)"
      + " select $1::bigint, v.* from unnest($2::uuid[], $3::timestamptz[]) as v";

  private static final String CLOSE_HOLDS = "delete from ledger_open_hold h using unnest($2::uuid[]) as v(transfer_id)"
      + " where h.alliance_id = $1 and h.transfer_id = v.transfer_id";

  static Future<Void> write(SqlConnection conn, BatchState s) {
    List<Future<?>> writes = new ArrayList<>();
    writes.add(PerAlliance.query(conn, INSERT_TRANSFERS, transfers(s.created.values())));
    writes.add(PerAlliance.query(conn, UPDATE_ACCOUNTS,
        accounts(s.accounts.values().stream().filter(AccountState::changed).toList())));
    writes.add(PerAlliance.query(conn, INSERT_LOTS, newLots(s.newLots)));
    writes.add(PerAlliance.query(conn, UPDATE_LOTS, changedLots(s.lots.values().stream().filter(LotState::changed).toList())));
    writes.add(PerAlliance.query(conn, INSERT_ALLOCATIONS, allocations(s.newAllocations)));
    writes.add(PerAlliance.query(conn, OPEN_HOLDS, openHolds(s.holdsOpened)));
    writes.add(PerAlliance.query(conn, CLOSE_HOLDS, PerAlliance.transferKeys(s.holdsClosed)));
    // The batch's outbox events (and their webhook deliveries), committed with the transfers or not at all.
    writes.add(PerAlliance.query(conn, LedgerEvents.INSERT, LedgerEvents.tuples(s)));
    return Future.all(writes).mapEmpty();
  }

  private static List<Tuple> transfers(java.util.Collection<Transfer> created) {
    return PerAlliance.tuples(created, Transfer::allianceId,
        column(UUID[]::new, Transfer::id),
        column(Long[]::new, Transfer::debitAccountId),
        column(Long[]::new, Transfer::creditAccountId),
        column(Long[]::new, Transfer::amount),
        column(Integer[]::new, Transfer::flags),
        column(String[]::new, Transfer::code),
        column(UUID[]::new, Transfer::pendingId),
        column(UUID[]::new, Transfer::reversesId),
        column(OffsetDateTime[]::new, t -> Transfer.utc(t.timeoutAt())),
        column(String[]::new, t -> t.metadata() == null ? null : t.metadata().encode()),
        column(OffsetDateTime[]::new, t -> Transfer.utc(t.createdAt())));
  }

  private static List<Tuple> accounts(List<AccountState> changed) {
    return PerAlliance.tuples(changed, a -> a.loaded.allianceId(),
        column(Long[]::new, AccountState::id),
        column(Long[]::new, a -> a.debitsPending),
        column(Long[]::new, a -> a.debitsPosted),
        column(Long[]::new, a -> a.creditsPending),
        column(Long[]::new, a -> a.creditsPosted));
  }

  private static List<Tuple> newLots(List<LotState> lots) {
    return PerAlliance.tuples(lots, l -> l.key.allianceId(),
        column(UUID[]::new, l -> l.key.transferId()),
        column(Short[]::new, l -> l.key.n()),
        column(Long[]::new, l -> l.accountId),
        column(Long[]::new, l -> l.issuerShopId),
        column(Long[]::new, l -> l.points),
        column(Long[]::new, l -> l.pointsLeft),
        column(Long[]::new, l -> l.pricePerPointFen),
        column(OffsetDateTime[]::new, l -> Transfer.utc(l.expiresAt)),
        column(OffsetDateTime[]::new, l -> Transfer.utc(l.createdAt)));
  }

  private static List<Tuple> changedLots(List<LotState> changed) {
    return PerAlliance.tuples(changed, l -> l.key.allianceId(),
        column(UUID[]::new, l -> l.key.transferId()),
        column(Short[]::new, l -> l.key.n()),
        column(Long[]::new, l -> l.pointsLeft));
  }

  private static List<Tuple> allocations(List<Allocation> allocations) {
    return PerAlliance.tuples(allocations, Allocation::allianceId,
        column(UUID[]::new, Allocation::transferId),
        column(UUID[]::new, a -> a.lot().key.transferId()),
        column(Short[]::new, a -> a.lot().key.n()),
        column(Long[]::new, Allocation::points));
  }

  private static List<Tuple> openHolds(List<Transfer> opened) {
    return PerAlliance.tuples(opened, Transfer::allianceId,
        column(UUID[]::new, Transfer::id),
        column(OffsetDateTime[]::new, t -> Transfer.utc(t.timeoutAt())));
  }
}
