package io.linkpoints.ledger;

/** What an account is for. The owner of a shop kind is the shop; of a member wallet, the member. */
public enum AccountKind {
  /** A member's points. Never goes negative. */
  MEMBER_WALLET("member_wallet"),
  /** Points a shop gave out: debited on every earn at that shop. */
  MERCHANT_ISSUANCE("merchant_issuance"),
  /** Points a shop took in payment: credited on every redemption at that shop. */
  MERCHANT_ACCEPTANCE("merchant_acceptance"),
  /** Expired points, one per alliance. */
  ALLIANCE_BREAKAGE("alliance_breakage"),
  /** Points held for coupons bought in the coupon market. */
  COUPON_ESCROW("coupon_escrow"),
  /** Corrections decided by the alliance admin. */
  ADJUSTMENT("adjustment"),
  /**
   * Points the alliance fund gives out (its tier perks, welcome and birthday rewards, its share of
   * a passport's reward), one per alliance. Its lots have no issuing shop: they are the fund's.
   */
  ALLIANCE_FUND_ISSUANCE("alliance_fund_issuance");

  private final String dbName;

  AccountKind(String dbName) {
    this.dbName = dbName;
  }

  public String dbName() {
    return dbName;
  }

  public static AccountKind fromDb(String name) {
    for (AccountKind kind : values()) {
      if (kind.dbName.equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("Unknown account kind: " + name);
  }

  /** The flags an account of this kind is opened with. */
  public int defaultFlags() {
    return this == MEMBER_WALLET ? Account.DEBITS_MUST_NOT_EXCEED_CREDITS : 0;
  }
}
