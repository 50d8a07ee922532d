package io.linkpoints.rewards;

import java.util.Locale;

/** The two rewards: on joining (once ever) and in the birthday month (once a year). */
public enum RewardKind {
  WELCOME,
  BIRTHDAY;

  /** The name in the database and the contract. */
  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RewardKind fromDb(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** The ledger transfer code of this reward's payments. */
  String transferCode() {
    return "reward_" + dbName();
  }
}
