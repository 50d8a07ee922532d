package io.linkpoints.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The equal split, largest remainder, the extra points to the lowest shop ids. */
class EqualSplitTest {
  private static List<EqualSplit.Share> shares(long... pairs) {
    List<EqualSplit.Share> list = new java.util.ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      list.add(new EqualSplit.Share(pairs[i], pairs[i + 1]));
    }
    return list;
  }

  @Test
  void theRemainderGoesToTheLowestIds() {
    // 100 = 3 * 33 + 1: shop 4 (lowest id) gets 34, shops 7 and 9 get 33.
    assertEquals(shares(4, 34, 7, 33, 9, 33), EqualSplit.of(100, List.of(4L, 7L, 9L)));
    // 101 = 2 * 50 + 1.
    assertEquals(shares(3, 51, 5, 50), EqualSplit.of(101, List.of(3L, 5L)));
    // 102 = 2 * 51: no remainder.
    assertEquals(shares(3, 51, 5, 51), EqualSplit.of(102, List.of(3L, 5L)));
  }

  @Test
  void fewerPointsThanShopsLeavesTheLastShopsOut() {
    // 2 = 3 * 0 + 2: the two lowest ids 1 point each, the third nothing (no transfer of 0).
    assertEquals(shares(1, 1, 2, 1), EqualSplit.of(2, List.of(1L, 2L, 3L)));
  }

  @Test
  void noShopIsAMistake() {
    assertThrows(IllegalArgumentException.class, () -> EqualSplit.of(10, List.of()));
  }
}
