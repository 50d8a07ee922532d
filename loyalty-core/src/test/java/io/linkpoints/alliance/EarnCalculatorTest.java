package io.linkpoints.alliance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.linkpoints.alliance.EarnCalculator.EarnedToday;
import io.linkpoints.alliance.EarnCalculator.Limit;
import io.linkpoints.alliance.EarnCalculator.Quote;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The earn arithmetic, in integers: rounding at the fraction's edges, caps at their edges. */
class EarnCalculatorTest {
  private static Quote quote(long fen, int perYuan, Rounding r, Long shopCap, Long allianceCap, long atShop, long inAlliance) {
    return EarnCalculator.quote(fen, new EarnRule(perYuan, r, shopCap), allianceCap, new EarnedToday(atShop, inAlliance));
  }

  private static long points(long fen, int perYuan, Rounding r) {
    return quote(fen, perYuan, r, null, null, 0, 0).points();
  }

  @Test
  void roundingAtEveryEdgeOfAHalf() {
    // 1 point per yuan: 149 fen = 1.49 points, 150 = 1.5, 151 = 1.51
    assertEquals(1, points(149, 1, Rounding.FLOOR));
    assertEquals(1, points(150, 1, Rounding.FLOOR));
    assertEquals(1, points(199, 1, Rounding.FLOOR));
    assertEquals(1, points(149, 1, Rounding.HALF_UP));
    assertEquals(2, points(150, 1, Rounding.HALF_UP));
    assertEquals(2, points(151, 1, Rounding.HALF_UP));
    assertEquals(1, points(100, 1, Rounding.CEIL));
    assertEquals(2, points(101, 1, Rounding.CEIL));
    // Whole results are the same under every rounding.
    for (Rounding r : Rounding.values()) {
      assertEquals(38, points(1900, 2, r));
      assertEquals(0, points(0, 5, r));
    }
    // 3 points per yuan on ¥10.50: 31.5
    assertEquals(31, points(1050, 3, Rounding.FLOOR));
    assertEquals(32, points(1050, 3, Rounding.HALF_UP));
    assertEquals(32, points(1050, 3, Rounding.CEIL));
    // Under a point: 33 fen at 1/yuan
    assertEquals(0, points(33, 1, Rounding.FLOOR));
    assertEquals(0, points(33, 1, Rounding.HALF_UP));
    assertEquals(1, points(33, 1, Rounding.CEIL));
    assertEquals(0, points(5000, 0, Rounding.CEIL));
  }

  @Test
  void largeSpendsStayExactAndOverflowIsRefusedNotWrapped() {
    assertEquals(1_000_000_000_000L, points(100_000_000_000L, 1000, Rounding.FLOOR));
    assertThrows(ArithmeticException.class, () -> points(Long.MAX_VALUE / 10, 1000, Rounding.FLOOR));
    assertThrows(IllegalArgumentException.class, () -> points(-1, 1, Rounding.FLOOR));
    assertThrows(IllegalArgumentException.class, () -> new EarnRule(1001, Rounding.FLOOR, null));
    assertThrows(IllegalArgumentException.class, () -> new EarnRule(1, Rounding.FLOOR, 0L));
  }

  @Test
  void theShopsDailyCapCountsWhatWasEarnedThereToday() {
    Quote q = quote(10_000, 1, Rounding.FLOOR, 150L, null, 120, 120);
    assertEquals(100, q.rawPoints());
    assertEquals(30, q.points());
    assertEquals(Limit.SHOP_DAILY_CAP, q.limitedBy());
    assertEquals(Limit.NONE, quote(3_000, 1, Rounding.FLOOR, 150L, null, 120, 120).limitedBy());
    assertEquals(30, quote(3_000, 1, Rounding.FLOOR, 150L, null, 120, 120).points()); // exactly at the cap
    assertEquals(0, quote(3_000, 1, Rounding.FLOOR, 150L, null, 150, 150).points());
    assertEquals(0, quote(3_000, 1, Rounding.FLOOR, 150L, null, 400, 400).points()); // past it: never negative
  }

  @Test
  void theAllianceCapCountsEveryShopAndTheTighterCapWins() {
    Quote q = quote(10_000, 1, Rounding.FLOOR, 500L, 250L, 0, 200);
    assertEquals(50, q.points());
    assertEquals(Limit.ALLIANCE_DAILY_CAP, q.limitedBy());
    Quote shopTighter = quote(10_000, 1, Rounding.FLOOR, 60L, 250L, 20, 200);
    assertEquals(40, shopTighter.points());
    assertEquals(Limit.SHOP_DAILY_CAP, shopTighter.limitedBy());
    assertEquals(100, quote(10_000, 1, Rounding.FLOOR, null, 1000L, 0, 0).points());
  }

  @Test
  void aDayIsTheAlliancesCalendarDay() {
    // 23:30 UTC on 14 March is 07:30 on 15 March in Shanghai.
    EarnCalculator.Day day = EarnCalculator.Day.containing(Instant.parse("2026-03-14T23:30:00Z"), ZoneId.of("Asia/Shanghai"));
    assertEquals(Instant.parse("2026-03-14T16:00:00Z"), day.start());
    assertEquals(Instant.parse("2026-03-15T16:00:00Z"), day.end());
  }
}
