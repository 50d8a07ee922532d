package io.linkpoints.ledger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The ledger's rules written again from the README, as plainly as possible and sharing no code with
 * {@link TransferRules} (only {@link TransferCommand#validate}, the command's own form check): one
 * alliance, every command decided alone. The model test runs both and compares.
 */
final class ReferenceLedger {
  static final long ALLIANCE = 1;
  static final long PRICE = 10;

  /** What a command came to: a refusal code, or the amount moved (null when an expiry found nothing). */
  record Decision(LedgerError refusal, Long amount, boolean replayed) {
    static Decision refused(LedgerError e) {
      return new Decision(e, null, false);
    }
  }

  static final class Acct {
    final AccountKind kind;
    final long owner;
    final int flags;
    long debitsPending;
    long debitsPosted;
    long creditsPending;
    long creditsPosted;

    Acct(AccountKind kind, long owner, int flags) {
      this.kind = kind;
      this.owner = owner;
      this.flags = flags;
    }
  }

  static final class Lot {
    final UUID transfer;
    final int n;
    final long account;
    final Long issuer;
    final long points;
    final long price;
    final Instant expires;
    final Instant created;
    long left;

    Lot(UUID transfer, int n, long account, Long issuer, long points, long price, Instant expires, Instant created) {
      this.transfer = transfer;
      this.n = n;
      this.account = account;
      this.issuer = issuer;
      this.points = points;
      this.left = points;
      this.price = price;
      this.expires = expires;
      this.created = created;
    }
  }

  /** Soonest expiry, then oldest, then the creating transfer's id and the lot's number. */
  static final Comparator<Lot> SPEND = Comparator.comparing((Lot l) -> l.expires).thenComparing(l -> l.created)
      .thenComparing(l -> l.transfer).thenComparingInt(l -> l.n);

  record Tx(UUID id, long debit, long credit, long amount, int flags, String code, UUID pendingId, UUID reversesId,
      Instant timeoutAt, Instant createdAt, TransferCommand first) {
  }

  record Alloc(Lot lot, long points) {
  }

  final Map<Long, Acct> accounts = new LinkedHashMap<>();
  final Map<UUID, Tx> transfers = new LinkedHashMap<>();
  final Set<UUID> openHolds = new HashSet<>();
  final List<Lot> lots = new ArrayList<>();
  final Map<UUID, List<Alloc>> allocations = new HashMap<>();
  final Map<UUID, Long> reversed = new HashMap<>();

  void open(long id, AccountKind kind, long owner, int flags) {
    accounts.put(id, new Acct(kind, owner, flags));
  }

  Decision apply(TransferCommand c, Instant now) {
    LedgerException malformed = c.validate();
    if (malformed != null) {
      return Decision.refused(malformed.error());
    }
    Tx existing = c.allianceId() == ALLIANCE ? transfers.get(c.id()) : null;
    if (existing != null) {
      return same(c, existing) ? new Decision(null, existing.amount(), true)
          : Decision.refused(LedgerError.IDEMPOTENCY_KEY_REUSED);
    }
    if (c.kind() == TransferCommand.Kind.EXPIRE_LOTS) {
      return expire(c, now);
    }
    return c.isPost() || c.isVoid() ? resolve(c, now) : move(c, now);
  }

  private Acct account(TransferCommand c, long id) {
    return c.allianceId() == ALLIANCE ? accounts.get(id) : null;
  }

  private Decision move(TransferCommand c, Instant now) {
    Acct debit = account(c, c.debitAccountId());
    Acct credit = account(c, c.creditAccountId());
    if (debit == null || credit == null) {
      return Decision.refused(LedgerError.ACCOUNT_NOT_FOUND);
    }
    long amount = c.amount();
    Tx original = null;
    if (c.reversesId() != null) {
      original = transfers.get(c.reversesId());
      if (original == null) {
        return Decision.refused(LedgerError.REVERSAL_TARGET_NOT_FOUND);
      }
      boolean posted = original.flags() == 0 || original.flags() == Transfer.POST_PENDING;
      if (!posted || original.reversesId() != null || original.debit() != c.creditAccountId()
          || original.credit() != c.debitAccountId()) {
        return Decision.refused(LedgerError.REVERSAL_TARGET_INVALID);
      }
      if (reversed.getOrDefault(original.id(), 0L) + amount > original.amount()) {
        return Decision.refused(LedgerError.REVERSAL_EXCEEDS_ORIGINAL);
      }
    }
    boolean wallet = debit.kind == AccountKind.MEMBER_WALLET;
    if ((debit.flags & Account.DEBITS_MUST_NOT_EXCEED_CREDITS) != 0
        && debit.debitsPending + debit.debitsPosted + amount > debit.creditsPosted) {
      return Decision.refused(wallet ? LedgerError.INSUFFICIENT_POINTS : LedgerError.DEBITS_EXCEED_CREDITS);
    }
    if ((credit.flags & Account.CREDITS_MUST_NOT_EXCEED_DEBITS) != 0
        && credit.creditsPending + credit.creditsPosted + amount > credit.debitsPosted) {
      return Decision.refused(LedgerError.CREDITS_EXCEED_DEBITS);
    }
    List<Lot> order = new ArrayList<>();
    if (wallet) {
      order = spendOrder(c.debitAccountId(), original, now);
      if (order.stream().mapToLong(l -> l.left).sum() < amount) {
        return Decision.refused(LedgerError.INSUFFICIENT_POINTS);
      }
    }
    boolean hold = c.isHold();
    Instant timeout = hold && c.timeoutSeconds() > 0 ? now.plusSeconds(c.timeoutSeconds()) : null;
    Tx t = new Tx(c.id(), c.debitAccountId(), c.creditAccountId(), amount, c.flags(), c.code(), null, c.reversesId(),
        timeout, now, c);
    if (hold) {
      debit.debitsPending += amount;
      credit.creditsPending += amount;
      openHolds.add(t.id());
    } else {
      debit.debitsPosted += amount;
      credit.creditsPosted += amount;
    }
    if (wallet) {
      take(t.id(), order, amount);
    }
    if (!hold && credit.kind == AccountKind.MEMBER_WALLET) {
      if (original != null) {
        giveBack(t, original, amount, now);
      } else {
        Instant expires = c.lotExpiresAt() != null ? c.lotExpiresAt() : expiryFor(now);
        lots.add(new Lot(t.id(), 0, t.credit(), issuer(debit), amount, PRICE, expires, now));
      }
    }
    if (original != null) {
      reversed.merge(original.id(), amount, Long::sum);
    }
    transfers.put(t.id(), t);
    return new Decision(null, amount, false);
  }

  private Decision resolve(TransferCommand c, Instant now) {
    Tx hold = c.allianceId() == ALLIANCE ? transfers.get(c.pendingId()) : null;
    if (hold == null) {
      return Decision.refused(LedgerError.PENDING_TRANSFER_NOT_FOUND);
    }
    if (hold.flags() != Transfer.PENDING) {
      return Decision.refused(LedgerError.NOT_A_HOLD);
    }
    if (c.debitAccountId() != 0 && c.debitAccountId() != hold.debit()
        || c.creditAccountId() != 0 && c.creditAccountId() != hold.credit()) {
      return Decision.refused(LedgerError.ACCOUNTS_MISMATCH);
    }
    if (!openHolds.contains(hold.id())) {
      return Decision.refused(LedgerError.HOLD_ALREADY_RESOLVED);
    }
    long amount = hold.amount();
    if (c.isPost()) {
      if (hold.timeoutAt() != null && !now.isBefore(hold.timeoutAt())) {
        return Decision.refused(LedgerError.HOLD_EXPIRED);
      }
      amount = c.amount() != null ? c.amount() : hold.amount();
      if (amount > hold.amount()) {
        return Decision.refused(LedgerError.POST_EXCEEDS_HOLD);
      }
    }
    Acct debit = accounts.get(hold.debit());
    Acct credit = accounts.get(hold.credit());
    Tx t = new Tx(c.id(), hold.debit(), hold.credit(), amount, c.flags(), c.code(), hold.id(), null, null, now, c);
    debit.debitsPending -= hold.amount();
    credit.creditsPending -= hold.amount();
    long captured = c.isPost() ? amount : 0;
    if (c.isPost()) {
      debit.debitsPosted += amount;
      credit.creditsPosted += amount;
    }
    if (debit.kind == AccountKind.MEMBER_WALLET) {
      // The reserved points in spend order: the first ones are captured, the rest go back.
      for (Alloc r : sorted(allocations.get(hold.id()))) {
        long take = Math.min(captured, r.points());
        if (take > 0) {
          allocations.computeIfAbsent(t.id(), k -> new ArrayList<>()).add(new Alloc(r.lot(), take));
          captured -= take;
        }
        r.lot().left += r.points() - take;
      }
    }
    if (c.isPost() && credit.kind == AccountKind.MEMBER_WALLET) {
      lots.add(new Lot(t.id(), 0, t.credit(), issuer(debit), amount, PRICE, expiryFor(now), now));
    }
    openHolds.remove(hold.id());
    transfers.put(t.id(), t);
    return new Decision(null, amount, false);
  }

  private Decision expire(TransferCommand c, Instant now) {
    Acct wallet = account(c, c.debitAccountId());
    Acct breakage = account(c, c.creditAccountId());
    if (wallet == null || breakage == null) {
      return Decision.refused(LedgerError.ACCOUNT_NOT_FOUND);
    }
    if (wallet.kind != AccountKind.MEMBER_WALLET || breakage.kind != AccountKind.ALLIANCE_BREAKAGE) {
      return Decision.refused(LedgerError.INVALID_COMMAND);
    }
    List<Lot> expired = lots.stream()
        .filter(l -> l.account == c.debitAccountId() && l.left > 0 && !l.expires.isAfter(now))
        .sorted(SPEND).toList();
    long amount = expired.stream().mapToLong(l -> l.left).sum();
    if (amount == 0) {
      return new Decision(null, null, false);
    }
    wallet.debitsPosted += amount;
    breakage.creditsPosted += amount;
    take(c.id(), expired, amount);
    transfers.put(c.id(), new Tx(c.id(), c.debitAccountId(), c.creditAccountId(), amount, 0, c.code(), null, null,
        null, now, c));
    return new Decision(null, amount, false);
  }

  /** A refund of an earn takes the earn's own lots first; then every spendable lot in spend order. */
  private List<Lot> spendOrder(long wallet, Tx original, Instant now) {
    List<Lot> order = new ArrayList<>();
    Set<Lot> own = new HashSet<>();
    if (original != null) {
      lots.stream().filter(l -> l.transfer.equals(original.id())).sorted(Comparator.comparingInt(l -> l.n))
          .forEach(own::add);
      order.addAll(own.stream().sorted(Comparator.comparingInt(l -> l.n)).toList());
    }
    lots.stream().filter(l -> l.account == wallet && l.left > 0 && !own.contains(l)).sorted(SPEND).forEach(order::add);
    return order.stream().filter(l -> l.account == wallet && l.left > 0 && l.expires.isAfter(now)).toList();
  }

  private void take(UUID transfer, List<Lot> order, long amount) {
    long left = amount;
    for (Lot lot : order) {
      long take = Math.min(left, lot.left);
      if (take > 0) {
        lot.left -= take;
        left -= take;
        allocations.computeIfAbsent(transfer, k -> new ArrayList<>()).add(new Alloc(lot, take));
      }
    }
  }

  /** A reversal of a member debit: the points come back as the original spent them, in spend order. */
  private void giveBack(Tx t, Tx original, long amount, Instant now) {
    long skip = reversed.getOrDefault(original.id(), 0L);
    long left = amount;
    int n = 0;
    for (Alloc a : sorted(allocations.get(original.id()))) {
      long usable = Math.max(0, a.points() - skip);
      skip = Math.max(0, skip - a.points());
      long take = Math.min(usable, left);
      if (take > 0) {
        Lot source = a.lot();
        lots.add(new Lot(t.id(), n++, t.credit(), source.issuer, take, source.price, source.expires, now));
        left -= take;
      }
    }
    if (left > 0) {
      lots.add(new Lot(t.id(), n, t.credit(), issuer(accounts.get(t.debit())), left, PRICE, expiryFor(now), now));
    }
  }

  private static List<Alloc> sorted(List<Alloc> allocations) {
    return allocations == null ? List.of()
        : allocations.stream().sorted(Comparator.comparing(Alloc::lot, SPEND)).toList();
  }

  private static Long issuer(Acct from) {
    return from.kind == AccountKind.MERCHANT_ISSUANCE ? from.owner : null;
  }

  /** The model's alliance: twelve months to the instant, in UTC. */
  static Instant expiryFor(Instant earnedAt) {
    return earnedAt.atZone(ZoneOffset.UTC).plusMonths(12).toInstant();
  }

  /** A replay must carry what the first command carried; a post's missing amount means the hold's. */
  private boolean same(TransferCommand c, Tx t) {
    TransferCommand first = t.first();
    if (c.kind() != first.kind() || !c.code().equals(first.code()) || c.flags() != first.flags()
        || !Objects.equals(c.pendingId(), first.pendingId()) || !Objects.equals(c.reversesId(), first.reversesId())) {
      return false;
    }
    if (c.kind() == TransferCommand.Kind.EXPIRE_LOTS) {
      return c.debitAccountId() == first.debitAccountId() && c.creditAccountId() == first.creditAccountId();
    }
    if (c.isPost() || c.isVoid()) {
      return (c.debitAccountId() == 0 || c.debitAccountId() == t.debit())
          && (c.creditAccountId() == 0 || c.creditAccountId() == t.credit())
          && (c.isVoid() || (c.amount() == null ? transfers.get(t.pendingId()).amount() : c.amount()) == t.amount());
    }
    return c.debitAccountId() == first.debitAccountId() && c.creditAccountId() == first.creditAccountId()
        && Objects.equals(c.amount(), first.amount()) && c.timeoutSeconds() == first.timeoutSeconds();
  }
}
