package io.linkpoints.ledger;

import io.vertx.sqlclient.Row;

/** A ledger account with its posted and pending totals, all in whole points. */
public record Account(
    long allianceId,
    long id,
    AccountKind kind,
    long ownerId,
    int flags,
    long debitsPending,
    long debitsPosted,
    long creditsPending,
    long creditsPosted) {

  public static final int DEBITS_MUST_NOT_EXCEED_CREDITS = 1;
  public static final int CREDITS_MUST_NOT_EXCEED_DEBITS = 2;

  static final String COLUMNS =
      "alliance_id, id, kind, owner_id, flags, debits_pending, debits_posted, credits_pending, credits_posted";

  static Account fromRow(Row row) {
    return new Account(row.getLong("alliance_id"), row.getLong("id"), AccountKind.fromDb(row.getString("kind")),
        row.getLong("owner_id"), row.getInteger("flags"), row.getLong("debits_pending"),
        row.getLong("debits_posted"), row.getLong("credits_pending"), row.getLong("credits_posted"));
  }

  /** Credits minus debits, posted only. For a member wallet: points owned. */
  public long postedBalance() {
    return creditsPosted - debitsPosted;
  }

  /** What can be spent now: posted credits less posted and held debits. */
  public long availableBalance() {
    return creditsPosted - debitsPosted - debitsPending;
  }

  public boolean has(int flag) {
    return (flags & flag) != 0;
  }
}
