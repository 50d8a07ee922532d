package io.linkpoints.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The reads of one batch. Order matters: holds first (their accounts join the lock set), then
 * the accounts locked in sorted order (so concurrent writers, in this process or another, never
 * deadlock), then everything else, read only once the locks are held.
 */
final class BatchReads {
  private BatchReads() {
  }

  static final String TRANSFERS_BY_ID = "select t." + Transfer.COLUMNS.replace(", ", ", t.")
      + " from ledger_transfer t join unnest($2::uuid[]) as k(id) on t.alliance_id = $1 and t.id = k.id";

  static final String LOCK_ACCOUNTS = "select a." + Account.COLUMNS.replace(", ", ", a.")
      + " from ledger_account a join unnest($2::bigint[]) as k(id) on a.alliance_id = $1 and a.id = k.id"
      + " order by a.id for update of a";

  private static final String ALLIANCE_TERMS = "select id, price_per_point_fen, expiry_months, expiry_end_of_month,"
      + " time_zone from alliance where id = any($1::bigint[])";

  static final String OPEN_HOLDS = "select h.alliance_id, h.transfer_id from ledger_open_hold h"
      + " join unnest($2::uuid[]) as k(id) on h.alliance_id = $1 and h.transfer_id = k.id";

  static final String REVERSED_SO_FAR = "select t.alliance_id, t.reverses_id, sum(t.amount) as reversed"
      + " from ledger_transfer t join unnest($2::uuid[]) as k(id)"
      + " on t.alliance_id = $1 and t.reverses_id = k.id group by t.alliance_id, t.reverses_id";

  /**
   * A debited wallet's first {@link #FIRST_LOTS} open lots in spend order (soonest expiry, then
   * oldest): what almost every debit needs. A member who earned in many small amounts has
   * hundreds of open lots, and reading them all made every redemption cost more as the wallet
   * aged. When these may not be enough, {@link #OPEN_LOTS} reads them all.
   */
  static final int FIRST_LOTS = 16;
  static final String FIRST_OPEN_LOTS = "select " + LotState.COLUMNS
      + " from unnest($2::bigint[]) as k(account_id)"
      + " cross join lateral (select * from ledger_lot x where x.alliance_id = $1"
      + "   and x.account_id = k.account_id and x.points_left > 0"
      + "   order by x.expires_at, x.created_at limit " + FIRST_LOTS + ") l";

  static final String OPEN_LOTS = "select " + LotState.COLUMNS
      + " from ledger_lot l join unnest($2::bigint[]) as k(account_id)"
      + " on l.alliance_id = $1 and l.account_id = k.account_id where l.points_left > 0";

  static final String ALLOCATIONS = "select a.transfer_id as allocated_to, a.points as allocated, "
      + LotState.COLUMNS
      + " from ledger_allocation a join unnest($2::uuid[]) as k(id) on a.alliance_id = $1 and a.transfer_id = k.id"
      + " join ledger_lot l on l.alliance_id = a.alliance_id and l.transfer_id = a.lot_transfer_id and l.n = a.lot_n";

  static final String LOTS_BY_CREATOR = "select " + LotState.COLUMNS
      + " from ledger_lot l join unnest($2::uuid[]) as k(id) on l.alliance_id = $1 and l.transfer_id = k.id";

  /** Holds named by posts and voids: read before locking, since their accounts must be locked too. */
  static Future<Void> loadHolds(SqlConnection conn, List<TransferCommand> commands, BatchState state) {
    Set<Keys.TransferKey> keys = new HashSet<>();
    for (TransferCommand c : commands) {
      if (c.resolvesHold()) {
        keys.add(Keys.TransferKey.pendingOf(c));
      }
    }
    return loadTransfers(conn, keys, state);
  }

  static Future<Void> lockAccounts(SqlConnection conn, List<TransferCommand> commands, BatchState state) {
    TreeSet<Keys.AccountKey> keys = new TreeSet<>();
    Set<Long> alliances = new HashSet<>();
    for (TransferCommand c : commands) {
      alliances.add(c.allianceId());
      if (c.resolvesHold()) {
        Transfer hold = state.transfer(c.allianceId(), c.pendingId());
        if (hold != null) {
          keys.add(new Keys.AccountKey(c.allianceId(), hold.debitAccountId()));
          keys.add(new Keys.AccountKey(c.allianceId(), hold.creditAccountId()));
        }
      } else {
        keys.add(new Keys.AccountKey(c.allianceId(), c.debitAccountId()));
        keys.add(new Keys.AccountKey(c.allianceId(), c.creditAccountId()));
      }
    }
    Future<List<Row>> locked = PerAlliance.query(conn, LOCK_ACCOUNTS, PerAlliance.accountKeys(keys));
    Future<RowSet<Row>> terms = conn.preparedQuery(ALLIANCE_TERMS)
        .execute(Tuple.of(alliances.toArray(Long[]::new)));
    return Future.all(locked, terms).map(done -> {
      for (Row row : locked.result()) {
        Account account = Account.fromRow(row);
        state.accounts.put(new Keys.AccountKey(account.allianceId(), account.id()), new AccountState(account));
      }
      for (Row row : terms.result()) {
        long id = row.getLong("id");
        state.alliances.put(id, new AllianceTerms(id, row.getLong("price_per_point_fen"),
            row.getInteger("expiry_months"), row.getBoolean("expiry_end_of_month"),
            ZoneId.of(row.getString("time_zone"))));
      }
      return null;
    });
  }

  /** Everything else, read under the account locks so no other writer can change it meanwhile. */
  static Future<Void> loadUnderLock(SqlConnection conn, List<TransferCommand> commands, BatchState state) {
    Set<Keys.TransferKey> ids = new HashSet<>();
    Set<Keys.TransferKey> holds = new HashSet<>();
    Set<Keys.TransferKey> reversed = new HashSet<>();
    Set<Keys.AccountKey> debitedWallets = new HashSet<>();
    Map<Keys.AccountKey, Long> debitedAmounts = new HashMap<>();
    Set<Keys.AccountKey> readWhole = new HashSet<>();
    for (TransferCommand c : commands) {
      ids.add(Keys.TransferKey.of(c));
      if (c.resolvesHold()) {
        holds.add(Keys.TransferKey.pendingOf(c));
        continue;
      }
      if (c.reversesId() != null) {
        reversed.add(Keys.TransferKey.reversedBy(c));
      }
      AccountState debit = state.account(c.allianceId(), c.debitAccountId());
      if (debit != null && debit.kind() == AccountKind.MEMBER_WALLET) {
        Keys.AccountKey wallet = new Keys.AccountKey(c.allianceId(), c.debitAccountId());
        debitedWallets.add(wallet);
        if (c.kind() == TransferCommand.Kind.EXPIRE_LOTS || c.amount() == null) {
          readWhole.add(wallet); // needs every lot that qualifies, however many
        } else {
          debitedAmounts.merge(wallet, Math.max(0, c.amount()), Math::addExact);
        }
      }
    }
    Set<Keys.TransferKey> toFetch = new HashSet<>(ids);
    toFetch.addAll(reversed);
    toFetch.removeIf(k -> state.loadedTransfers.containsKey(k));
    Set<Keys.TransferKey> allocated = new HashSet<>(holds);
    allocated.addAll(reversed);

    Future<Void> transfers = loadTransfers(conn, toFetch, state);
    Future<List<Row>> open = PerAlliance.query(conn, OPEN_HOLDS, PerAlliance.transferKeys(holds));
    Future<List<Row>> sums = PerAlliance.query(conn, REVERSED_SO_FAR, PerAlliance.transferKeys(reversed));
    Future<Iterable<Row>> openLots = debitedWallets.isEmpty() ? Future.succeededFuture(null)
        : PerAlliance.query(conn, FIRST_OPEN_LOTS, PerAlliance.accountKeys(debitedWallets))
            .compose(first -> completeLots(conn, first, debitedAmounts, readWhole, state));
    Future<List<Row>> allocations = PerAlliance.query(conn, ALLOCATIONS, PerAlliance.transferKeys(allocated));
    Future<List<Row>> createdLots = PerAlliance.query(conn, LOTS_BY_CREATOR, PerAlliance.transferKeys(reversed));

    return Future.all(List.of(transfers, open, sums, openLots, allocations, createdLots)).map(done -> {
      forEach(open.result(), row -> state.openHolds.add(
          new Keys.TransferKey(row.getLong("alliance_id"), row.getUUID("transfer_id"))));
      forEach(sums.result(), row -> state.reversedSoFar.put(
          new Keys.TransferKey(row.getLong("alliance_id"), row.getUUID("reverses_id")), row.getLong("reversed")));
      forEach(openLots.result(), row -> state.addOpenLot(state.intern(LotState.fromRow(row))));
      forEach(allocations.result(), row -> {
        LotState lot = state.intern(LotState.fromRow(row));
        Keys.TransferKey to = new Keys.TransferKey(lot.key.allianceId(), row.getUUID("allocated_to"));
        state.allocationsByTransfer.computeIfAbsent(to, k -> new ArrayList<>())
            .add(new Allocation(lot.key.allianceId(), to.id(), lot, row.getLong("allocated")));
      });
      forEach(createdLots.result(), row -> {
        LotState lot = state.intern(LotState.fromRow(row));
        state.lotsByCreatingTransfer.computeIfAbsent(lot.key.creator(),
            k -> new ArrayList<>()).add(lot);
      });
      // A lot loaded only through an allocation may belong to a wallet that is also debited here.
      for (LotState lot : state.lots.values()) {
        Keys.AccountKey owner = new Keys.AccountKey(lot.key.allianceId(), lot.accountId);
        List<LotState> list = state.lotsByAccount.get(owner);
        if (list != null && !list.contains(lot)) {
          list.add(lot);
        }
      }
      state.sortLots();
      return null;
    });
  }

  /**
   * The first lots of each debited wallet, or all its open lots where the first may not be enough:
   * a wallet whose read was cut at {@link #FIRST_LOTS} is read whole when it is to expire (every
   * expired lot goes) or a debit names no amount, or when the spendable points of the lots that
   * sort strictly before the last one read (in the database's order, so all of them were read) do
   * not cover what this batch may debit from it. So a debit is decided exactly as if every lot
   * had been read.
   */
  private static Future<Iterable<Row>> completeLots(SqlConnection conn, List<Row> first,
      Map<Keys.AccountKey, Long> debited, Set<Keys.AccountKey> readWhole, BatchState state) {
    Map<Keys.AccountKey, List<LotState>> read = new HashMap<>();
    for (Row row : first) {
      LotState lot = LotState.fromRow(row);
      read.computeIfAbsent(new Keys.AccountKey(lot.key.allianceId(), lot.accountId), k -> new ArrayList<>()).add(lot);
    }
    Set<Keys.AccountKey> whole = new HashSet<>();
    read.forEach((wallet, lots) -> {
      if (lots.size() < FIRST_LOTS) {
        return; // every open lot of this wallet is here
      }
      if (readWhole.contains(wallet)) {
        whole.add(wallet);
        return;
      }
      LotState last = Collections.max(lots, LotState.EXPIRY_THEN_AGE);
      long surely = 0;
      for (LotState lot : lots) {
        if (LotState.EXPIRY_THEN_AGE.compare(lot, last) < 0 && !lot.expiredAt(state.now)) {
          surely += lot.pointsLeft;
        }
      }
      if (surely < debited.getOrDefault(wallet, 0L)) {
        whole.add(wallet);
      }
    });
    if (whole.isEmpty()) {
      return Future.succeededFuture(first);
    }
    // These wallets are read again, whole; the rows of the others stand.
    return PerAlliance.query(conn, OPEN_LOTS, PerAlliance.accountKeys(new TreeSet<>(whole))).map(all -> {
      List<Row> rows = new ArrayList<>();
      for (Row row : first) {
        if (!whole.contains(new Keys.AccountKey(row.getLong("alliance_id"), row.getLong("account_id")))) {
          rows.add(row);
        }
      }
      all.forEach(rows::add);
      return (Iterable<Row>) rows;
    });
  }

  private static Future<Void> loadTransfers(SqlConnection conn, Collection<Keys.TransferKey> keys, BatchState state) {
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    return PerAlliance.query(conn, TRANSFERS_BY_ID, PerAlliance.transferKeys(keys)).map(rows -> {
      for (Row row : rows) {
        Transfer t = Transfer.fromRow(row);
        state.loadedTransfers.put(Keys.TransferKey.of(t), t);
      }
      return null;
    });
  }

  private static void forEach(Iterable<Row> rows, java.util.function.Consumer<Row> action) {
    if (rows != null) {
      rows.forEach(action);
    }
  }
}
