package io.linkpoints.ledger;

/** An account row locked for the length of a batch, with the batch's changes applied in memory. */
final class AccountState {
  final Account original;
  long debitsPending;
  long debitsPosted;
  long creditsPending;
  long creditsPosted;

  AccountState(Account account) {
    this.original = account;
    this.debitsPending = account.debitsPending();
    this.debitsPosted = account.debitsPosted();
    this.creditsPending = account.creditsPending();
    this.creditsPosted = account.creditsPosted();
  }

  AccountKind kind() {
    return original.kind();
  }

  boolean changed() {
    return debitsPending != original.debitsPending() || debitsPosted != original.debitsPosted()
        || creditsPending != original.creditsPending() || creditsPosted != original.creditsPosted();
  }

  /** Would debiting {@code amount} more break a "debits must not exceed credits" flag? */
  boolean debitWouldExceed(long amount) {
    return original.has(Account.DEBITS_MUST_NOT_EXCEED_CREDITS)
        && Math.addExact(Math.addExact(debitsPending, debitsPosted), amount) > creditsPosted;
  }

  boolean creditWouldExceed(long amount) {
    return original.has(Account.CREDITS_MUST_NOT_EXCEED_DEBITS)
        && Math.addExact(Math.addExact(creditsPending, creditsPosted), amount) > debitsPosted;
  }

  Account snapshot() {
    Account o = original;
    return new Account(o.allianceId(), o.id(), o.kind(), o.ownerId(), o.flags(), debitsPending, debitsPosted,
        creditsPending, creditsPosted);
  }
}
