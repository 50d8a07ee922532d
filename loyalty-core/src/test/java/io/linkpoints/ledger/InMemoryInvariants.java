package io.linkpoints.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The checks of {@link InvariantCheck}, one for one, over an {@link InMemoryLedger} instead of the
 * tables: balances are recomputed from transfers, lots and allocations.
 */
final class InMemoryInvariants {
  private InMemoryInvariants() {
  }

  static void assertHold(InMemoryLedger db) {
    List<String> violations = check(db);
    if (!violations.isEmpty()) {
      throw new AssertionError("invariants broken:\n  " + String.join("\n  ", violations));
    }
  }

  static List<String> check(InMemoryLedger db) {
    List<String> v = new ArrayList<>();
    balanced(db, v);
    accountBalancesMatchTransfers(db, v);
    holds(db, v);
    noNegativeBalance(db, v);
    lots(db, v);
    reversalsWithinOriginal(db, v);
    return v;
  }

  private static void balanced(InMemoryLedger db, List<String> v) {
    Map<Long, long[]> sums = new HashMap<>();
    for (Account a : db.accounts.values()) {
      long[] s = sums.computeIfAbsent(a.allianceId(), k -> new long[4]);
      s[0] += a.debitsPosted();
      s[1] += a.creditsPosted();
      s[2] += a.debitsPending();
      s[3] += a.creditsPending();
    }
    sums.forEach((alliance, s) -> {
      if (s[0] != s[1] || s[2] != s[3]) {
        v.add("balanced: alliance " + alliance + " " + java.util.Arrays.toString(s));
      }
    });
  }

  private static void accountBalancesMatchTransfers(InMemoryLedger db, List<String> v) {
    Map<Keys.AccountKey, long[]> sums = new HashMap<>();
    for (Transfer t : db.transfers.values()) {
      Keys.AccountKey debit = new Keys.AccountKey(t.allianceId(), t.debitAccountId());
      Keys.AccountKey credit = new Keys.AccountKey(t.allianceId(), t.creditAccountId());
      if (t.flags() == 0 || t.flags() == Transfer.POST_PENDING) {
        sums.computeIfAbsent(debit, k -> new long[4])[0] += t.amount();
        sums.computeIfAbsent(credit, k -> new long[4])[1] += t.amount();
      }
      if (db.openHolds.contains(Keys.TransferKey.of(t))) {
        sums.computeIfAbsent(debit, k -> new long[4])[2] += t.amount();
        sums.computeIfAbsent(credit, k -> new long[4])[3] += t.amount();
      }
    }
    db.accounts.forEach((k, a) -> {
      long[] s = sums.getOrDefault(k, new long[4]);
      if (a.debitsPosted() != s[0] || a.creditsPosted() != s[1] || a.debitsPending() != s[2]
          || a.creditsPending() != s[3]) {
        v.add("account_balances_match_transfers: " + a + " vs " + java.util.Arrays.toString(s));
      }
    });
  }

  private static void holds(InMemoryLedger db, List<String> v) {
    Map<Keys.TransferKey, Integer> resolutions = new HashMap<>();
    for (Transfer r : db.transfers.values()) {
      if (r.pendingId() == null) {
        continue;
      }
      Keys.TransferKey holdKey = new Keys.TransferKey(r.allianceId(), r.pendingId());
      resolutions.merge(holdKey, 1, Integer::sum);
      Transfer p = db.transfers.get(holdKey);
      if (p == null || p.flags() != Transfer.PENDING || p.debitAccountId() != r.debitAccountId()
          || p.creditAccountId() != r.creditAccountId() || r.amount() > p.amount()
          || (r.flags() == Transfer.VOID_PENDING && r.amount() != p.amount())) {
        v.add("holds_resolve_once: " + r + " resolves " + p);
      }
    }
    resolutions.forEach((k, n) -> {
      if (n > 1) {
        v.add("holds_resolve_once: hold " + k + " resolved " + n + " times");
      }
    });
    for (Transfer t : db.transfers.values()) {
      Keys.TransferKey k = Keys.TransferKey.of(t);
      if (t.flags() == Transfer.PENDING && db.openHolds.contains(k) == resolutions.containsKey(k)) {
        v.add("open_holds_match_transfers: " + t.id() + " open=" + db.openHolds.contains(k));
      }
    }
    for (Keys.TransferKey k : db.openHolds) {
      Transfer t = db.transfers.get(k);
      if (t == null || t.flags() != Transfer.PENDING) {
        v.add("open_holds_match_transfers: open hold " + k + " is no hold");
      }
    }
  }

  private static void noNegativeBalance(InMemoryLedger db, List<String> v) {
    for (Account a : db.accounts.values()) {
      boolean noOverdraft = a.kind() == AccountKind.MEMBER_WALLET || a.has(Account.DEBITS_MUST_NOT_EXCEED_CREDITS);
      if (noOverdraft && a.debitsPosted() + a.debitsPending() > a.creditsPosted()
          || a.has(Account.CREDITS_MUST_NOT_EXCEED_DEBITS) && a.creditsPosted() + a.creditsPending() > a.debitsPosted()) {
        v.add("no_negative_member_balance: " + a);
      }
    }
  }

  private static void lots(InMemoryLedger db, List<String> v) {
    Map<Keys.AccountKey, Long> left = new HashMap<>();
    Map<Keys.LotKey, Long> allocated = new HashMap<>();
    Map<UUID, Long> allocatedTo = new HashMap<>();
    Map<UUID, Long> createdBy = new HashMap<>();
    for (LotState l : db.lots.values()) {
      left.merge(new Keys.AccountKey(l.key.allianceId(), l.accountId), l.pointsLeft, Long::sum);
      createdBy.merge(l.key.transferId(), l.points, Long::sum);
      if (l.pointsLeft < 0 || l.pointsLeft > l.points) {
        v.add("lot points out of range: " + l.key + " " + l.pointsLeft + "/" + l.points);
      }
    }
    for (InMemoryLedger.StoredAllocation a : db.allocations) {
      Transfer t = db.transfers.get(new Keys.TransferKey(a.allianceId(), a.transferId()));
      if (t == null) {
        v.add("allocation to a transfer never written: " + a);
        continue;
      }
      allocatedTo.merge(a.transferId(), a.points(), Long::sum);
      if (db.lots.get(a.lot()).accountId != t.debitAccountId()) {
        v.add("member_debits_fully_allocated: " + t.id() + " paid by a lot of another account");
      }
      if (t.flags() != Transfer.PENDING || db.openHolds.contains(Keys.TransferKey.of(t))) {
        allocated.merge(a.lot(), a.points(), Long::sum);
      }
    }
    db.accounts.forEach((k, a) -> {
      long lots = left.getOrDefault(k, 0L);
      if (a.kind() == AccountKind.MEMBER_WALLET ? a.availableBalance() != lots : left.containsKey(k)) {
        v.add("wallet_equals_lots: " + a + " lots " + lots);
      }
    });
    for (LotState l : db.lots.values()) {
      if (l.points - l.pointsLeft != allocated.getOrDefault(l.key, 0L)) {
        v.add("lots_match_allocations: " + l.key + " used " + (l.points - l.pointsLeft) + " allocated "
            + allocated.getOrDefault(l.key, 0L));
      }
    }
    for (Transfer t : db.transfers.values()) {
      Account debit = db.account(t.allianceId(), t.debitAccountId());
      Account credit = db.account(t.allianceId(), t.creditAccountId());
      if (debit.kind() == AccountKind.MEMBER_WALLET && t.flags() != Transfer.VOID_PENDING
          && allocatedTo.getOrDefault(t.id(), 0L) != t.amount()) {
        v.add("member_debits_fully_allocated: " + t.id() + " amount " + t.amount() + " allocated "
            + allocatedTo.getOrDefault(t.id(), 0L));
      }
      boolean posted = t.flags() == 0 || t.flags() == Transfer.POST_PENDING;
      if (credit.kind() == AccountKind.MEMBER_WALLET && posted && createdBy.getOrDefault(t.id(), 0L) != t.amount()) {
        v.add("member_credits_are_lots: " + t.id() + " amount " + t.amount() + " lots "
            + createdBy.getOrDefault(t.id(), 0L));
      }
    }
  }

  private static void reversalsWithinOriginal(InMemoryLedger db, List<String> v) {
    Map<Keys.TransferKey, Long> reversed = new HashMap<>();
    for (Transfer r : db.transfers.values()) {
      if (r.reversesId() == null) {
        continue;
      }
      Keys.TransferKey k = new Keys.TransferKey(r.allianceId(), r.reversesId());
      Transfer o = db.transfers.get(k);
      reversed.merge(k, r.amount(), Long::sum);
      if (o == null || r.debitAccountId() != o.creditAccountId() || r.creditAccountId() != o.debitAccountId()
          || (o.flags() != 0 && o.flags() != Transfer.POST_PENDING)) {
        v.add("reversals_within_original: " + r.id() + " reverses " + o);
      } else if (reversed.get(k) > o.amount()) {
        v.add("reversals_within_original: " + o.id() + " reversed " + reversed.get(k) + " of " + o.amount());
      }
    }
  }
}
