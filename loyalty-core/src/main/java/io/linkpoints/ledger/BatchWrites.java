package io.linkpoints.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The writes of one batch: one multi-row statement per table, each account row updated once,
 * all sent together (the client pipelines them) before the single commit.
 */
final class BatchWrites {
  private BatchWrites() {
  }

  private static final String INSERT_TRANSFERS = "insert into ledger_transfer (alliance_id, id, debit_account_id,"
      + " credit_account_id, amount, flags, code, pending_id, reverses_id, timeout_at, metadata, created_at)"
      + " select a, i, d, c, amt, f, code, p, r, t, m::jsonb, ts from unnest($1::bigint[], $2::uuid[], $3::bigint[],"
      + " $4::bigint[], $5::bigint[], $6::int[], $7::text[], $8::uuid[], $9::uuid[], $10::timestamptz[], $11::text[],"
      + " $12::timestamptz[]) as v(a, i, d, c, amt, f, code, p, r, t, m, ts)";

  private static final String UPDATE_ACCOUNTS = "update ledger_account a set debits_pending = v.dp,"
      + " debits_posted = v.dpo, credits_pending = v.cp, credits_posted = v.cpo"
      + " from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])"
      + " as v(alliance_id, id, dp, dpo, cp, cpo) where a.alliance_id = v.alliance_id and a.id = v.id";

  private static final String INSERT_LOTS = "insert into ledger_lot (alliance_id, transfer_id, n, account_id,"
      + " issuer_shop_id, points, points_left, price_per_point_fen, expires_at, created_at)"
      + " select * from unnest($1::bigint[], $2::uuid[], $3::smallint[], $4::bigint[], $5::bigint[], $6::bigint[],"
      + " $7::bigint[], $8::bigint[], $9::timestamptz[], $10::timestamptz[])";

  private static final String UPDATE_LOTS = "update ledger_lot l set points_left = v.points_left"
      + " from unnest($1::bigint[], $2::uuid[], $3::smallint[], $4::bigint[]) as v(alliance_id, transfer_id, n, points_left)"
      + " where l.alliance_id = v.alliance_id and l.transfer_id = v.transfer_id and l.n = v.n";

  private static final String INSERT_ALLOCATIONS = "insert into ledger_allocation (alliance_id, transfer_id,"
      + " lot_transfer_id, lot_n, points) select * from unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::smallint[],"
      + " $5::bigint[])";

  private static final String OPEN_HOLDS = "insert into ledger_open_hold (alliance_id, transfer_id, timeout_at)"
      + " select * from unnest($1::bigint[], $2::uuid[], $3::timestamptz[])";

  private static final String CLOSE_HOLDS = "delete from ledger_open_hold h using unnest($1::bigint[], $2::uuid[])"
      + " as v(alliance_id, transfer_id) where h.alliance_id = v.alliance_id and h.transfer_id = v.transfer_id";

  static Future<Void> write(SqlConnection conn, BatchState s) {
    List<Future<?>> writes = new ArrayList<>();
    if (!s.created.isEmpty()) {
      writes.add(conn.preparedQuery(INSERT_TRANSFERS).execute(transfers(s)));
    }
    Tuple accounts = accounts(s);
    if (accounts != null) {
      writes.add(conn.preparedQuery(UPDATE_ACCOUNTS).execute(accounts));
    }
    if (!s.newLots.isEmpty()) {
      writes.add(conn.preparedQuery(INSERT_LOTS).execute(newLots(s)));
    }
    Tuple changedLots = changedLots(s);
    if (changedLots != null) {
      writes.add(conn.preparedQuery(UPDATE_LOTS).execute(changedLots));
    }
    if (!s.newAllocations.isEmpty()) {
      writes.add(conn.preparedQuery(INSERT_ALLOCATIONS).execute(allocations(s)));
    }
    if (!s.holdsOpened.isEmpty()) {
      writes.add(conn.preparedQuery(OPEN_HOLDS).execute(openHolds(s)));
    }
    if (!s.holdsClosed.isEmpty()) {
      writes.add(conn.preparedQuery(CLOSE_HOLDS).execute(BatchReads.transferKeyTuple(s.holdsClosed)));
    }
    return Future.all(writes).mapEmpty();
  }

  private static Tuple transfers(BatchState s) {
    int n = s.created.size();
    Long[] alliance = new Long[n];
    UUID[] id = new UUID[n];
    Long[] debit = new Long[n];
    Long[] credit = new Long[n];
    Long[] amount = new Long[n];
    Integer[] flags = new Integer[n];
    String[] code = new String[n];
    UUID[] pending = new UUID[n];
    UUID[] reverses = new UUID[n];
    OffsetDateTime[] timeout = new OffsetDateTime[n];
    String[] metadata = new String[n];
    OffsetDateTime[] created = new OffsetDateTime[n];
    int i = 0;
    for (Transfer t : s.created.values()) {
      alliance[i] = t.allianceId();
      id[i] = t.id();
      debit[i] = t.debitAccountId();
      credit[i] = t.creditAccountId();
      amount[i] = t.amount();
      flags[i] = t.flags();
      code[i] = t.code();
      pending[i] = t.pendingId();
      reverses[i] = t.reversesId();
      timeout[i] = Transfer.utc(t.timeoutAt());
      metadata[i] = t.metadata() == null ? null : t.metadata().encode();
      created[i] = Transfer.utc(t.createdAt());
      i++;
    }
    return Tuple.of(alliance, id, debit, credit, amount, flags, code, pending, reverses, timeout, metadata, created);
  }

  private static Tuple accounts(BatchState s) {
    List<AccountState> changed = s.accounts.values().stream().filter(AccountState::changed).toList();
    if (changed.isEmpty()) {
      return null;
    }
    int n = changed.size();
    Long[] alliance = new Long[n];
    Long[] id = new Long[n];
    Long[] dp = new Long[n];
    Long[] dpo = new Long[n];
    Long[] cp = new Long[n];
    Long[] cpo = new Long[n];
    for (int i = 0; i < n; i++) {
      AccountState a = changed.get(i);
      alliance[i] = a.loaded.allianceId();
      id[i] = a.id();
      dp[i] = a.debitsPending;
      dpo[i] = a.debitsPosted;
      cp[i] = a.creditsPending;
      cpo[i] = a.creditsPosted;
    }
    return Tuple.of(alliance, id, dp, dpo, cp, cpo);
  }

  private static Tuple newLots(BatchState s) {
    int n = s.newLots.size();
    Long[] alliance = new Long[n];
    UUID[] transfer = new UUID[n];
    Short[] index = new Short[n];
    Long[] account = new Long[n];
    Long[] issuer = new Long[n];
    Long[] points = new Long[n];
    Long[] left = new Long[n];
    Long[] price = new Long[n];
    OffsetDateTime[] expires = new OffsetDateTime[n];
    OffsetDateTime[] created = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      LotState l = s.newLots.get(i);
      alliance[i] = l.key.allianceId();
      transfer[i] = l.key.transferId();
      index[i] = l.key.n();
      account[i] = l.accountId;
      issuer[i] = l.issuerShopId;
      points[i] = l.points;
      left[i] = l.pointsLeft;
      price[i] = l.pricePerPointFen;
      expires[i] = Transfer.utc(l.expiresAt);
      created[i] = Transfer.utc(l.createdAt);
    }
    return Tuple.of(alliance, transfer, index, account, issuer, points, left, price, expires, created);
  }

  private static Tuple changedLots(BatchState s) {
    List<LotState> changed = s.lots.values().stream().filter(LotState::changed).toList();
    if (changed.isEmpty()) {
      return null;
    }
    int n = changed.size();
    Long[] alliance = new Long[n];
    UUID[] transfer = new UUID[n];
    Short[] index = new Short[n];
    Long[] left = new Long[n];
    for (int i = 0; i < n; i++) {
      LotState l = changed.get(i);
      alliance[i] = l.key.allianceId();
      transfer[i] = l.key.transferId();
      index[i] = l.key.n();
      left[i] = l.pointsLeft;
    }
    return Tuple.of(alliance, transfer, index, left);
  }

  private static Tuple allocations(BatchState s) {
    int n = s.newAllocations.size();
    Long[] alliance = new Long[n];
    UUID[] transfer = new UUID[n];
    UUID[] lotTransfer = new UUID[n];
    Short[] lotN = new Short[n];
    Long[] points = new Long[n];
    for (int i = 0; i < n; i++) {
      Allocation a = s.newAllocations.get(i);
      alliance[i] = a.allianceId();
      transfer[i] = a.transferId();
      lotTransfer[i] = a.lot().key.transferId();
      lotN[i] = a.lot().key.n();
      points[i] = a.points();
    }
    return Tuple.of(alliance, transfer, lotTransfer, lotN, points);
  }

  private static Tuple openHolds(BatchState s) {
    int n = s.holdsOpened.size();
    Long[] alliance = new Long[n];
    UUID[] id = new UUID[n];
    OffsetDateTime[] timeout = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Transfer t = s.holdsOpened.get(i);
      alliance[i] = t.allianceId();
      id[i] = t.id();
      timeout[i] = Transfer.utc(t.timeoutAt());
    }
    return Tuple.of(alliance, id, timeout);
  }
}
