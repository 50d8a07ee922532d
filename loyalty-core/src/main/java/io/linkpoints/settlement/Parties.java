package io.linkpoints.settlement;

/** Who settles: shops by id, and the alliance fund as party 0 (shop ids start at 1). */
public final class Parties {
  public static final long FUND = 0;

  private Parties() {
  }

  public static String name(long party) {
    return party == FUND ? "alliance_fund" : "shop " + party;
  }
}
