package io.linkpoints.ledger;

/** An account row locked for the length of a batch, with the batch's changes applied in memory. */
final class AccountState {
  /** The row as loaded: what {@link #changed} compares with. */
  final Account loaded;
  long debitsPending;
  long debitsPosted;
  long creditsPending;
  long creditsPosted;

  AccountState(Account account) {
    this.loaded = account;
    this.debitsPending = account.debitsPending();
    this.debitsPosted = account.debitsPosted();
    this.creditsPending = account.creditsPending();
    this.creditsPosted = account.creditsPosted();
  }

  long id() {
    return loaded.id();
  }

  Keys.AccountKey key() {
    return new Keys.AccountKey(loaded.allianceId(), loaded.id());
  }

  AccountKind kind() {
    return loaded.kind();
  }

  long ownerId() {
    return loaded.ownerId();
  }

  boolean changed() {
    return debitsPending != loaded.debitsPending() || debitsPosted != loaded.debitsPosted()
        || creditsPending != loaded.creditsPending() || creditsPosted != loaded.creditsPosted();
  }

  /** Would debiting {@code amount} more break a "debits must not exceed credits" flag? */
  boolean debitWouldExceed(long amount) {
    return loaded.has(Account.DEBITS_MUST_NOT_EXCEED_CREDITS)
        && Math.addExact(Math.addExact(debitsPending, debitsPosted), amount) > creditsPosted;
  }

  boolean creditWouldExceed(long amount) {
    return loaded.has(Account.CREDITS_MUST_NOT_EXCEED_DEBITS)
        && Math.addExact(Math.addExact(creditsPending, creditsPosted), amount) > debitsPosted;
  }

  Account snapshot() {
    Account o = loaded;
    return new Account(o.allianceId(), o.id(), o.kind(), o.ownerId(), o.flags(), debitsPending, debitsPosted,
        creditsPending, creditsPosted);
  }
}
