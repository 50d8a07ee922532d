package io.linkpoints.rewards;

import java.util.ArrayList;
import java.util.List;

/**
 * A reward's points split equally among the paying shops, largest remainder: every share is the
 * quotient, and the remainder goes one point each to the first shops by id (the remainders being
 * equal, the shop id breaks the tie). Shares of 0 (fewer points than shops) are left out: no
 * transfer of nothing.
 */
final class EqualSplit {
  private EqualSplit() {
  }

  /** One payer's share. */
  record Share(long payerId, long points) {
  }

  /** {@code shopIds} in ascending order, at least one. */
  static List<Share> of(long points, List<Long> shopIds) {
    if (shopIds.isEmpty()) {
      throw new IllegalArgumentException("no shop to pay");
    }
    int n = shopIds.size();
    long base = points / n;
    long remainder = points % n;
    List<Share> shares = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long share = base + (i < remainder ? 1 : 0);
      if (share > 0) {
        shares.add(new Share(shopIds.get(i), share));
      }
    }
    return shares;
  }
}
