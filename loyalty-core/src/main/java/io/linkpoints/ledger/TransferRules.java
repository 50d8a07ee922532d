package io.linkpoints.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Applies commands one by one, in order, to the batch's in-memory state. A refused command
 * changes nothing: every check runs before the first change. A command sees what the commands
 * before it in the batch made as it would after their commit ({@link BatchState}), so its outcome
 * does not depend on how the writer grouped the commands.
 */
final class TransferRules {
  private final BatchState state;

  TransferRules(BatchState state) {
    this.state = state;
  }

  /** Returns the result, or throws the reason for refusal. */
  TransferResult apply(TransferCommand c) {
    LedgerException malformed = c.validate();
    if (malformed != null) {
      throw malformed;
    }
    Transfer existing = state.transfer(c.allianceId(), c.id());
    if (existing != null) {
      // Compared with the transfer, as stored, whether it was made by this batch or an earlier one.
      if (!sameFields(c, existing)) {
        throw new LedgerException(LedgerError.IDEMPOTENCY_KEY_REUSED,
            "transfer " + c.id() + " already exists with different fields");
      }
      return new TransferResult(existing, true);
    }
    return c.kind() == TransferCommand.Kind.EXPIRE_LOTS ? expire(c) : c.resolvesHold() ? resolveHold(c) : move(c);
  }

  // ---- single-phase transfers, holds and reversals: points move (or are held) from debit to credit

  private TransferResult move(TransferCommand c) {
    AccountState debit = requireAccount(c.allianceId(), c.debitAccountId());
    AccountState credit = requireAccount(c.allianceId(), c.creditAccountId());
    long amount = c.amount();
    Transfer original = null;
    if (c.reversesId() != null) {
      original = checkReversal(c, amount);
    }
    if (debit.debitWouldExceed(amount)) {
      throw insufficient(debit, amount);
    }
    if (credit.creditWouldExceed(amount)) {
      throw new LedgerException(LedgerError.CREDITS_EXCEED_DEBITS,
          "credits would exceed debits on account " + credit.id());
    }
    List<LotState> spend = List.of();
    if (debit.kind() == AccountKind.MEMBER_WALLET) {
      spend = lotsToSpend(debit, amount, original);
    }
    Instant timeoutAt = c.isHold() && c.timeoutSeconds() > 0 ? state.now.plusSeconds(c.timeoutSeconds()) : null;
    Transfer t = new Transfer(c.allianceId(), c.id(), c.debitAccountId(), c.creditAccountId(), amount, c.flags(),
        c.code(), null, c.reversesId(), timeoutAt, c.metadata(), state.now);

    // Checks are done: from here on, apply.
    if (c.isHold()) {
      debit.debitsPending += amount;
      credit.creditsPending += amount;
      state.holdOpened(t);
    } else {
      debit.debitsPosted += amount;
      credit.creditsPosted += amount;
    }
    if (debit.kind() == AccountKind.MEMBER_WALLET) {
      consume(t, spend, amount);
    }
    if (!c.isHold() && credit.kind() == AccountKind.MEMBER_WALLET) {
      addLots(t, credit, debit, amount, original, c.lotExpiresAt());
    }
    if (original != null) {
      state.reversedSoFar.merge(Keys.TransferKey.of(original), amount, Long::sum);
    }
    state.made(t);
    return new TransferResult(t, false);
  }

  private Transfer checkReversal(TransferCommand c, long amount) {
    Transfer original = state.transfer(c.allianceId(), c.reversesId());
    if (original == null) {
      throw new LedgerException(LedgerError.REVERSAL_TARGET_NOT_FOUND, "no transfer " + c.reversesId() + " to reverse");
    }
    if (!original.movesPostedBalance() || original.reversesId() != null) {
      throw new LedgerException(LedgerError.REVERSAL_TARGET_INVALID,
          "only a posted transfer that is not itself a reversal can be reversed");
    }
    if (original.debitAccountId() != c.creditAccountId() || original.creditAccountId() != c.debitAccountId()) {
      throw new LedgerException(LedgerError.REVERSAL_TARGET_INVALID,
          "a reversal moves points back: debit the original's credit account, credit its debit account");
    }
    long already = state.reversedSoFar.getOrDefault(Keys.TransferKey.of(original), 0L);
    if (already + amount > original.amount()) {
      throw new LedgerException(LedgerError.REVERSAL_EXCEEDS_ORIGINAL,
          "reversing " + amount + " would exceed the original " + original.amount() + " (already reversed " + already + ")");
    }
    return original;
  }

  // ---- post and void

  private TransferResult resolveHold(TransferCommand c) {
    Transfer hold = state.transfer(c.allianceId(), c.pendingId());
    if (hold == null) {
      throw new LedgerException(LedgerError.PENDING_TRANSFER_NOT_FOUND, "no hold " + c.pendingId());
    }
    if (!hold.isPending()) {
      throw new LedgerException(LedgerError.NOT_A_HOLD, "transfer " + c.pendingId() + " is not a hold");
    }
    if ((c.debitAccountId() != 0 && c.debitAccountId() != hold.debitAccountId())
        || (c.creditAccountId() != 0 && c.creditAccountId() != hold.creditAccountId())) {
      throw new LedgerException(LedgerError.ACCOUNTS_MISMATCH, "the accounts differ from the hold's");
    }
    Keys.TransferKey holdKey = Keys.TransferKey.of(hold);
    if (!state.openHolds.contains(holdKey)) {
      throw new LedgerException(LedgerError.HOLD_ALREADY_RESOLVED, "hold " + hold.id() + " was already posted, voided or timed out");
    }
    boolean timedOut = hold.timeoutAt() != null && !hold.timeoutAt().isAfter(state.now);
    long amount = hold.amount();
    if (c.isPost()) {
      if (timedOut) {
        throw new LedgerException(LedgerError.HOLD_EXPIRED, "hold " + hold.id() + " timed out at " + hold.timeoutAt());
      }
      amount = c.amount() == null ? hold.amount() : c.amount();
      if (amount > hold.amount()) {
        throw new LedgerException(LedgerError.POST_EXCEEDS_HOLD,
            "cannot post " + amount + " of a hold of " + hold.amount());
      }
    }
    AccountState debit = requireAccount(hold.allianceId(), hold.debitAccountId());
    AccountState credit = requireAccount(hold.allianceId(), hold.creditAccountId());
    Transfer t = new Transfer(c.allianceId(), c.id(), hold.debitAccountId(), hold.creditAccountId(), amount, c.flags(),
        c.code(), hold.id(), null, null, c.metadata(), state.now);

    debit.debitsPending -= hold.amount();
    credit.creditsPending -= hold.amount();
    if (c.isPost()) {
      debit.debitsPosted += amount;
      credit.creditsPosted += amount;
    }
    long captured = c.isPost() ? amount : 0;
    if (debit.kind() == AccountKind.MEMBER_WALLET) {
      settleReservation(holdKey, t, captured);
    }
    if (c.isPost() && credit.kind() == AccountKind.MEMBER_WALLET) {
      addLots(t, credit, debit, amount, null, null);
    }
    state.holdClosed(holdKey);
    state.made(t);
    return new TransferResult(t, false);
  }

  /** A hold's reserved lots: the first {@code captured} points go to the post, the rest go back. */
  private void settleReservation(Keys.TransferKey holdKey, Transfer resolution, long captured) {
    long toCapture = captured;
    for (Allocation reserved : state.allocationsByTransfer.getOrDefault(holdKey, List.of())) {
      long take = Math.min(toCapture, reserved.points());
      if (take > 0) {
        state.allocated(new Allocation(resolution.allianceId(), resolution.id(), reserved.lot(), take));
        toCapture -= take;
      }
      reserved.lot().pointsLeft += reserved.points() - take;
    }
    if (toCapture != 0) {
      throw new IllegalStateException("hold " + holdKey.id() + " reserved fewer points than it holds");
    }
  }

  // ---- expiry

  private TransferResult expire(TransferCommand c) {
    AccountState wallet = requireAccount(c.allianceId(), c.debitAccountId());
    AccountState breakage = requireAccount(c.allianceId(), c.creditAccountId());
    if (wallet.kind() != AccountKind.MEMBER_WALLET || breakage.kind() != AccountKind.ALLIANCE_BREAKAGE) {
      throw new LedgerException(LedgerError.INVALID_COMMAND, "an expiry moves a member wallet into the breakage account");
    }
    List<LotState> expired = new ArrayList<>();
    long amount = 0;
    for (LotState lot : state.lotsByAccount.getOrDefault(new Keys.AccountKey(c.allianceId(), c.debitAccountId()), List.of())) {
      if (lot.pointsLeft > 0 && lot.expiredAt(state.now)) {
        expired.add(lot);
        amount += lot.pointsLeft;
      }
    }
    if (amount == 0) {
      return new TransferResult(null, false);
    }
    Transfer t = new Transfer(c.allianceId(), c.id(), c.debitAccountId(), c.creditAccountId(), amount, 0, c.code(),
        null, null, null, c.metadata(), state.now);
    wallet.debitsPosted += amount;
    breakage.creditsPosted += amount;
    consume(t, expired, amount);
    state.made(t);
    return new TransferResult(t, false);
  }

  // ---- lots

  /**
   * The lots a member debit will spend: for a reversal of an earn, the lots that earn made first;
   * then soonest expiry, then oldest. Expired lots are not spendable. Throws if they cannot pay.
   */
  private List<LotState> lotsToSpend(AccountState wallet, long amount, Transfer original) {
    List<LotState> order = new ArrayList<>();
    if (original != null) {
      order.addAll(state.lotsByCreatingTransfer.getOrDefault(
          Keys.TransferKey.of(original), List.of()));
    }
    for (LotState lot : state.lotsByAccount.getOrDefault(
        wallet.key(), List.of())) {
      if (!order.contains(lot)) {
        order.add(lot);
      }
    }
    long available = 0;
    List<LotState> spend = new ArrayList<>();
    for (LotState lot : order) {
      if (available >= amount) {
        break;
      }
      if (lot.pointsLeft > 0 && !lot.expiredAt(state.now) && lot.accountId == wallet.id()) {
        spend.add(lot);
        available += lot.pointsLeft;
      }
    }
    if (available < amount) {
      throw insufficient(wallet, amount);
    }
    return spend;
  }

  private void consume(Transfer t, List<LotState> lots, long amount) {
    long left = amount;
    for (LotState lot : lots) {
      long take = Math.min(left, lot.pointsLeft);
      if (take > 0) {
        lot.pointsLeft -= take;
        left -= take;
        state.allocated(new Allocation(t.allianceId(), t.id(), lot, take));
      }
    }
    if (left != 0) {
      throw new IllegalStateException("lots could not pay " + amount + " for " + t.id());
    }
  }

  /**
   * A posted credit to a member wallet becomes lots. A reversal of a member debit gives the points
   * back as they were (same issuer, expiry and price); anything else is one new lot.
   */
  private void addLots(Transfer t, AccountState wallet, AccountState from, long amount, Transfer original,
      Instant expiresAt) {
    AllianceTerms terms = state.alliances.get(t.allianceId());
    if (original != null && original.debitAccountId() == wallet.id()) {
      List<Allocation> spent = state.allocationsByTransfer.getOrDefault(
          Keys.TransferKey.of(original), List.of());
      long skip = state.reversedSoFar.getOrDefault(Keys.TransferKey.of(original), 0L);
      long left = amount;
      short n = 0;
      for (Allocation a : spent) {
        long usable = a.points() - Math.min(skip, a.points());
        skip -= Math.min(skip, a.points());
        long take = Math.min(usable, left);
        if (take > 0) {
          LotState source = a.lot();
          newLot(t, n++, wallet, source.issuerShopId, take, source.pricePerPointFen, source.expiresAt);
          left -= take;
        }
      }
      if (left > 0) {
        newLot(t, n, wallet, issuerOf(from), left, terms.pricePerPointFen(), terms.expiryFor(state.now));
      }
      return;
    }
    Instant expiry = expiresAt != null ? expiresAt : terms.expiryFor(state.now);
    newLot(t, (short) 0, wallet, issuerOf(from), amount, terms.pricePerPointFen(), expiry);
  }

  private static Long issuerOf(AccountState from) {
    return from.kind() == AccountKind.MERCHANT_ISSUANCE ? from.ownerId() : null;
  }

  private void newLot(Transfer t, short n, AccountState wallet, Long issuer, long points, long price, Instant expiresAt) {
    LotState lot = new LotState(new Keys.LotKey(t.allianceId(), t.id(), n), wallet.id(), issuer, points,
        points, price, expiresAt, state.now, true);
    state.lotMade(lot);
  }

  // ---- helpers

  private AccountState requireAccount(long allianceId, long id) {
    AccountState account = state.account(allianceId, id);
    if (account == null) {
      throw new LedgerException(LedgerError.ACCOUNT_NOT_FOUND, "no account " + id + " in alliance " + allianceId);
    }
    return account;
  }

  private static LedgerException insufficient(AccountState debit, long amount) {
    return debit.kind() == AccountKind.MEMBER_WALLET
        ? new LedgerException(LedgerError.INSUFFICIENT_POINTS,
            "the wallet cannot pay " + amount + " points (available " + debit.snapshot().availableBalance() + ")")
        : new LedgerException(LedgerError.DEBITS_EXCEED_CREDITS,
            "debits would exceed credits on account " + debit.id());
  }

  /** Does a stored transfer carry exactly what this command asks for? */
  private boolean sameFields(TransferCommand c, Transfer t) {
    if (c.kind() == TransferCommand.Kind.EXPIRE_LOTS) {
      return t.flags() == 0 && t.debitAccountId() == c.debitAccountId() && t.creditAccountId() == c.creditAccountId()
          && t.code().equals(c.code()) && t.reversesId() == null;
    }
    if (t.flags() != c.flags() || !t.code().equals(c.code()) || !Objects.equals(t.pendingId(), c.pendingId())
        || !Objects.equals(t.reversesId(), c.reversesId()) || !Objects.equals(t.metadata(), c.metadata())) {
      return false;
    }
    if (c.resolvesHold()) {
      Transfer hold = state.transfer(c.allianceId(), c.pendingId());
      long expected = c.amount() != null ? c.amount() : hold != null ? hold.amount() : -1;
      return (c.debitAccountId() == 0 || c.debitAccountId() == t.debitAccountId())
          && (c.creditAccountId() == 0 || c.creditAccountId() == t.creditAccountId())
          && (c.isVoid() || expected == t.amount());
    }
    long timeout = t.timeoutAt() == null ? 0 : t.timeoutAt().getEpochSecond() - t.createdAt().getEpochSecond();
    return t.debitAccountId() == c.debitAccountId() && t.creditAccountId() == c.creditAccountId()
        && t.amount() == c.amount() && timeout == c.timeoutSeconds();
  }
}
