package io.linkpoints.ledger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The ledger tables kept in memory, so {@link TransferRules} can run without PostgreSQL. {@link #load}
 * fills a {@link BatchState} with what {@code BatchReads} would read for the same commands (every
 * open lot of a debited wallet, which is what its partial read guarantees), and {@link #write}
 * stores what {@code BatchWrites} would write. {@link #run} is {@code LedgerBatch.run} without a
 * connection.
 */
final class InMemoryLedger {
  record StoredAllocation(long allianceId, UUID transferId, Keys.LotKey lot, long points) {
  }

  final Map<Keys.AccountKey, Account> accounts = new LinkedHashMap<>();
  final Map<Long, AllianceTerms> alliances = new LinkedHashMap<>();
  final Map<Keys.TransferKey, Transfer> transfers = new LinkedHashMap<>();
  final Set<Keys.TransferKey> openHolds = new HashSet<>();
  final Map<Keys.LotKey, LotState> lots = new LinkedHashMap<>();
  final List<StoredAllocation> allocations = new ArrayList<>();
  private long nextAccountId = 1;

  /** Terms with a one-year expiry, to the instant: tests that want expiry give lots their own. */
  AllianceTerms alliance(long allianceId) {
    return alliances.computeIfAbsent(allianceId, id -> new AllianceTerms(id, 10, 12, false, ZoneOffset.UTC));
  }

  Account open(long allianceId, AccountKind kind, long ownerId) {
    return open(allianceId, kind, ownerId, kind.defaultFlags());
  }

  Account open(long allianceId, AccountKind kind, long ownerId, int flags) {
    alliance(allianceId);
    Account a = new Account(allianceId, nextAccountId++, kind, ownerId, flags, 0, 0, 0, 0);
    accounts.put(new Keys.AccountKey(allianceId, a.id()), a);
    return a;
  }

  Account account(long allianceId, long id) {
    return accounts.get(new Keys.AccountKey(allianceId, id));
  }

  /** Decides the commands as one batch and stores the result, as the writer does. */
  List<LedgerBatch.Verdict> run(List<TransferCommand> commands, Instant now) {
    BatchState state = load(commands, now);
    TransferRules rules = new TransferRules(state);
    List<LedgerBatch.Verdict> verdicts = new ArrayList<>();
    for (TransferCommand c : commands) {
      verdicts.add(LedgerBatch.decide(rules, c));
    }
    write(state);
    return verdicts;
  }

  BatchState load(List<TransferCommand> commands, Instant now) {
    BatchState s = new BatchState(now);
    // Holds named by posts and voids first: their accounts are locked too.
    for (TransferCommand c : commands) {
      if (c.resolvesHold()) {
        loadTransfer(s, Keys.TransferKey.pendingOf(c));
      }
    }
    TreeSet<Keys.AccountKey> lock = new TreeSet<>();
    for (TransferCommand c : commands) {
      if (c.resolvesHold()) {
        Transfer hold = s.transfer(c.allianceId(), c.pendingId());
        if (hold != null) {
          lock.add(new Keys.AccountKey(c.allianceId(), hold.debitAccountId()));
          lock.add(new Keys.AccountKey(c.allianceId(), hold.creditAccountId()));
        }
      } else {
        lock.add(new Keys.AccountKey(c.allianceId(), c.debitAccountId()));
        lock.add(new Keys.AccountKey(c.allianceId(), c.creditAccountId()));
      }
      AllianceTerms terms = alliances.get(c.allianceId());
      if (terms != null) {
        s.alliances.put(c.allianceId(), terms);
      }
    }
    for (Keys.AccountKey k : lock) {
      Account a = accounts.get(k);
      if (a != null) {
        s.accounts.put(k, new AccountState(a));
      }
    }
    // Then what is read under the locks.
    Set<Keys.TransferKey> holds = new HashSet<>();
    Set<Keys.TransferKey> reversed = new HashSet<>();
    Set<Keys.AccountKey> debitedWallets = new HashSet<>();
    for (TransferCommand c : commands) {
      loadTransfer(s, Keys.TransferKey.of(c));
      if (c.resolvesHold()) {
        holds.add(Keys.TransferKey.pendingOf(c));
        continue;
      }
      if (c.reversesId() != null) {
        Keys.TransferKey r = Keys.TransferKey.reversedBy(c);
        reversed.add(r);
        loadTransfer(s, r);
      }
      AccountState debit = s.account(c.allianceId(), c.debitAccountId());
      if (debit != null && debit.kind() == AccountKind.MEMBER_WALLET) {
        debitedWallets.add(new Keys.AccountKey(c.allianceId(), c.debitAccountId()));
      }
    }
    for (Keys.TransferKey h : holds) {
      if (openHolds.contains(h)) {
        s.openHolds.add(h);
      }
    }
    for (Keys.TransferKey r : reversed) {
      long sum = transfers.values().stream()
          .filter(t -> t.allianceId() == r.allianceId() && r.id().equals(t.reversesId()))
          .mapToLong(Transfer::amount).sum();
      if (transfers.values().stream().anyMatch(t -> t.allianceId() == r.allianceId() && r.id().equals(t.reversesId()))) {
        s.reversedSoFar.put(r, sum);
      }
    }
    for (LotState lot : lots.values()) {
      if (lot.pointsLeft > 0 && debitedWallets.contains(new Keys.AccountKey(lot.key.allianceId(), lot.accountId))) {
        s.addOpenLot(s.intern(copy(lot)));
      }
    }
    Set<Keys.TransferKey> allocated = new HashSet<>(holds);
    allocated.addAll(reversed);
    for (StoredAllocation a : allocations) {
      Keys.TransferKey to = new Keys.TransferKey(a.allianceId(), a.transferId());
      if (allocated.contains(to)) {
        LotState lot = s.intern(copy(lots.get(a.lot())));
        s.allocationsByTransfer.computeIfAbsent(to, k -> new ArrayList<>())
            .add(new Allocation(a.allianceId(), a.transferId(), lot, a.points()));
      }
    }
    for (LotState stored : lots.values()) {
      Keys.TransferKey creator = stored.key.creator();
      if (reversed.contains(creator)) {
        s.lotsByCreatingTransfer.computeIfAbsent(creator, k -> new ArrayList<>()).add(s.intern(copy(stored)));
      }
    }
    Set<LotState> listed = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    s.lotsByAccount.values().forEach(listed::addAll);
    for (LotState lot : s.lots.values()) {
      List<LotState> list = s.lotsByAccount.get(new Keys.AccountKey(lot.key.allianceId(), lot.accountId));
      if (list != null && listed.add(lot)) {
        list.add(lot);
      }
    }
    s.sortLots();
    return s;
  }

  void write(BatchState s) {
    s.created.forEach(transfers::put);
    for (AccountState a : s.accounts.values()) {
      if (a.changed()) {
        accounts.put(a.key(), a.snapshot());
      }
    }
    for (LotState lot : s.lots.values()) {
      lots.put(lot.key, copy(lot));
    }
    for (Allocation a : s.newAllocations) {
      allocations.add(new StoredAllocation(a.allianceId(), a.transferId(), a.lot().key, a.points()));
    }
    for (Transfer h : s.holdsOpened) {
      openHolds.add(Keys.TransferKey.of(h));
    }
    s.holdsClosed.forEach(openHolds::remove);
  }

  /** Open lots of one wallet in spend order, as {@code points_left} by lot. */
  List<LotState> lotsOf(long allianceId, long accountId) {
    return lots.values().stream()
        .filter(l -> l.key.allianceId() == allianceId && l.accountId == accountId)
        .sorted(LotState.SPEND_ORDER).toList();
  }

  private void loadTransfer(BatchState s, Keys.TransferKey k) {
    Transfer t = transfers.get(k);
    if (t != null) {
      s.loadedTransfers.putIfAbsent(k, t);
    }
  }

  /** A stored row read afresh: each batch gets its own objects, as from a query. */
  static LotState copy(LotState l) {
    return new LotState(l.key, l.accountId, l.issuerShopId, l.points, l.pointsLeft, l.pricePerPointFen, l.expiresAt,
        l.createdAt, false);
  }
}
