package io.linkpoints.promotions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.alliance.EarnRule;
import io.linkpoints.alliance.Rounding;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * When a promotion applies and what it adds, with figures worked out by hand: window and date edges
 * in the alliance's zone (Asia/Shanghai, and Europe/Berlin on both DST change days of 2026), the
 * minimum spend, multiplier rounding, and which of several promotions a sale earns.
 */
class PromotionRulesTest {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final EarnRule ONE_PER_YUAN = new EarnRule(1, Rounding.FLOOR, null);

  private static Promotion promotion(long id, Promotion.Kind kind, Integer permille, Long bonus, Set<DayOfWeek> days,
      String from, String to, long minSpendFen, String startsOn, String endsOn, Instant endedAt) {
    return new Promotion(id, 1, "p" + id, kind, permille, bonus, days, from == null ? null : LocalTime.parse(from),
        to == null ? null : LocalTime.parse(to), minSpendFen, LocalDate.parse(startsOn), LocalDate.parse(endsOn),
        endedAt, Instant.parse("2026-01-01T00:00:00Z"));
  }

  private static Promotion bonus(long id, long points, String from, String to, String startsOn, String endsOn) {
    return promotion(id, Promotion.Kind.BONUS, null, points, EnumSet.allOf(DayOfWeek.class), from, to, 0, startsOn,
        endsOn, null);
  }

  @Test
  void aShanghaiWindowIncludesItsStartMinuteAndExcludesItsEnd() {
    // Mondays 14:00-14:03 in Shanghai (UTC+8, no DST): 06:00Z-06:03Z on Monday 2026-12-07.
    Promotion p = promotion(1, Promotion.Kind.BONUS, null, 10L, EnumSet.of(DayOfWeek.MONDAY), "14:00", "14:03", 0,
        "2026-12-07", "2026-12-14", null);
    assertFalse(p.appliesTo(Instant.parse("2026-12-07T05:59:00Z"), SHANGHAI, 100), "13:59, a minute before the start");
    assertTrue(p.appliesTo(Instant.parse("2026-12-07T06:00:00Z"), SHANGHAI, 100), "14:00, at the start");
    assertTrue(p.appliesTo(Instant.parse("2026-12-07T06:01:00Z"), SHANGHAI, 100), "14:01, a minute after the start");
    assertTrue(p.appliesTo(Instant.parse("2026-12-07T06:02:59Z"), SHANGHAI, 100), "14:02:59, just before the end");
    assertFalse(p.appliesTo(Instant.parse("2026-12-07T06:03:00Z"), SHANGHAI, 100), "14:03, at the end");
    assertFalse(p.appliesTo(Instant.parse("2026-12-07T06:04:00Z"), SHANGHAI, 100), "14:04, a minute after the end");
    assertFalse(p.appliesTo(Instant.parse("2026-12-08T06:01:00Z"), SHANGHAI, 100), "Tuesday: not one of its days");
    assertFalse(p.appliesTo(Instant.parse("2026-12-07T06:01:00Z"), ZoneOffset.UTC, 100), "in UTC that is 06:01");
  }

  @Test
  void datesAreTheAlliancesLocalDays() {
    // 2026-12-07..2026-12-14 in Shanghai: from 2026-12-06T16:00Z to 2026-12-14T16:00Z (exclusive).
    Promotion p = bonus(1, 10, null, null, "2026-12-07", "2026-12-14");
    assertFalse(p.appliesTo(Instant.parse("2026-12-06T15:59:00Z"), SHANGHAI, 100), "Dec 6 23:59, the day before");
    assertTrue(p.appliesTo(Instant.parse("2026-12-06T16:00:00Z"), SHANGHAI, 100), "Dec 7 00:00, its first minute");
    assertTrue(p.appliesTo(Instant.parse("2026-12-14T15:59:00Z"), SHANGHAI, 100), "Dec 14 23:59, its last minute");
    assertFalse(p.appliesTo(Instant.parse("2026-12-14T16:00:00Z"), SHANGHAI, 100), "Dec 15 00:00, the day after");
    // Ended early: sales from that instant on do not earn it.
    Promotion ended = promotion(2, Promotion.Kind.BONUS, null, 10L, EnumSet.allOf(DayOfWeek.class), null, null, 0,
        "2026-12-07", "2026-12-14", Instant.parse("2026-12-09T02:00:00Z"));
    assertTrue(ended.appliesTo(Instant.parse("2026-12-09T01:59:59Z"), SHANGHAI, 100));
    assertFalse(ended.appliesTo(Instant.parse("2026-12-09T02:00:00Z"), SHANGHAI, 100));
  }

  @Test
  void berlinsSpringChangeDayMovesTheWindowAnHourEarlierInUtc() {
    // Sunday 2026-03-29: at 01:00Z Berlin goes from 02:00 CET (+1) to 03:00 CEST (+2).
    // A 03:00-04:00 window is 01:00Z-02:00Z; a fixed +01:00 would make it 02:00Z-03:00Z.
    Promotion p = bonus(1, 10, "03:00", "04:00", "2026-03-29", "2026-03-29");
    assertFalse(p.appliesTo(Instant.parse("2026-03-29T00:59:00Z"), BERLIN, 100), "01:59 CET");
    assertTrue(p.appliesTo(Instant.parse("2026-03-29T01:00:00Z"), BERLIN, 100), "03:00 CEST, the start");
    assertTrue(p.appliesTo(Instant.parse("2026-03-29T01:01:00Z"), BERLIN, 100), "03:01 CEST");
    assertTrue(p.appliesTo(Instant.parse("2026-03-29T01:59:00Z"), BERLIN, 100), "03:59 CEST, a minute before the end");
    assertFalse(p.appliesTo(Instant.parse("2026-03-29T02:00:00Z"), BERLIN, 100), "04:00 CEST, the end");
    assertFalse(p.appliesTo(Instant.parse("2026-03-29T02:01:00Z"), BERLIN, 100), "04:01 CEST");
  }

  @Test
  void berlinsAutumnChangeDayRunsAWindowOverTheRepeatedHourTwice() {
    // Sunday 2026-10-25: at 01:00Z Berlin goes from 03:00 CEST (+2) back to 02:00 CET (+1), so the
    // wall clock shows 02:00-03:00 twice: 00:00Z-01:00Z and 01:00Z-02:00Z. The window is two real hours.
    Promotion p = bonus(1, 10, "02:00", "03:00", "2026-10-25", "2026-10-25");
    assertFalse(p.appliesTo(Instant.parse("2026-10-24T23:59:00Z"), BERLIN, 100), "01:59 CEST");
    assertTrue(p.appliesTo(Instant.parse("2026-10-25T00:00:00Z"), BERLIN, 100), "02:00 CEST");
    assertTrue(p.appliesTo(Instant.parse("2026-10-25T00:59:00Z"), BERLIN, 100), "02:59 CEST");
    assertTrue(p.appliesTo(Instant.parse("2026-10-25T01:00:00Z"), BERLIN, 100), "02:00 CET, the second time");
    assertTrue(p.appliesTo(Instant.parse("2026-10-25T01:59:00Z"), BERLIN, 100), "02:59 CET");
    assertFalse(p.appliesTo(Instant.parse("2026-10-25T02:00:00Z"), BERLIN, 100), "03:00 CET, the end");
  }

  @Test
  void theMinimumSpendIsInclusive() {
    Promotion p = promotion(1, Promotion.Kind.BONUS, null, 10L, EnumSet.allOf(DayOfWeek.class), null, null, 5000,
        "2026-12-01", "2026-12-31", null);
    Instant at = Instant.parse("2026-12-07T06:00:00Z");
    assertFalse(p.appliesTo(at, SHANGHAI, 4999));
    assertTrue(p.appliesTo(at, SHANGHAI, 5000));
  }

  @Test
  void aMultiplierAddsItsShareOfTheShopRateRoundedOnceAsTheEarnRuleRounds() {
    Promotion half = promotion(1, Promotion.Kind.MULTIPLIER, 1500, null, EnumSet.allOf(DayOfWeek.class), null, null, 0,
        "2026-12-01", "2026-12-31", null);
    // 38.50 yuan at 1 point a yuan: 38.5 base; x1.5 adds 3850 * 1 * 500 / 100000 = 19.25.
    assertEquals(19, half.bonusPoints(3850, new EarnRule(1, Rounding.FLOOR, null)));
    assertEquals(19, half.bonusPoints(3850, new EarnRule(1, Rounding.HALF_UP, null)));
    assertEquals(20, half.bonusPoints(3850, new EarnRule(1, Rounding.CEIL, null)));
    Promotion quarter = promotion(2, Promotion.Kind.MULTIPLIER, 1250, null, EnumSet.allOf(DayOfWeek.class), null, null,
        0, "2026-12-01", "2026-12-31", null);
    // 3 points a yuan, x1.25: 9.99 yuan adds 999 * 3 * 250 / 100000 = 7.4925; 10.00 yuan adds 7.5.
    assertEquals(7, quarter.bonusPoints(999, new EarnRule(3, Rounding.HALF_UP, null)));
    assertEquals(8, quarter.bonusPoints(999, new EarnRule(3, Rounding.CEIL, null)));
    assertEquals(8, quarter.bonusPoints(1000, new EarnRule(3, Rounding.HALF_UP, null)));
    assertEquals(7, quarter.bonusPoints(1000, new EarnRule(3, Rounding.FLOOR, null)));
    // Double points on 38.50 yuan add as much as the base earns: 38 (floor).
    Promotion twice = promotion(3, Promotion.Kind.MULTIPLIER, 2000, null, EnumSet.allOf(DayOfWeek.class), null, null,
        0, "2026-12-01", "2026-12-31", null);
    assertEquals(38, twice.bonusPoints(3850, ONE_PER_YUAN));
    assertEquals(0, twice.bonusPoints(3850, new EarnRule(0, Rounding.FLOOR, null)), "a shop that earns nothing");
  }

  @Test
  void promotionsDoNotStackTheBestOneApplies() {
    Instant at = Instant.parse("2026-12-07T06:00:00Z");
    Promotion twice = promotion(1, Promotion.Kind.MULTIPLIER, 2000, null, EnumSet.allOf(DayOfWeek.class), null, null,
        0, "2026-12-01", "2026-12-31", null);
    Promotion fifty = bonus(2, 50, null, null, "2026-12-01", "2026-12-31");
    Promotion closed = bonus(3, 500, "20:00", "21:00", "2026-12-01", "2026-12-31");
    List<Promotion> all = List.of(twice, fifty, closed);
    // 38.50 yuan: double adds 38, the bonus 50 (the 500 one is outside its window): 50.
    BestPromotion.Chosen small = BestPromotion.of(all, at, SHANGHAI, 3850, ONE_PER_YUAN).orElseThrow();
    assertEquals(2, small.promotion().id());
    assertEquals(50, small.points());
    // 100 yuan: double adds 100 > 50.
    BestPromotion.Chosen big = BestPromotion.of(all, at, SHANGHAI, 10_000, ONE_PER_YUAN).orElseThrow();
    assertEquals(1, big.promotion().id());
    assertEquals(100, big.points());
    // 50 yuan: a tie at 50 goes to the older (lower id).
    assertEquals(1, BestPromotion.of(all, at, SHANGHAI, 5000, ONE_PER_YUAN).orElseThrow().promotion().id());
    assertTrue(BestPromotion.of(List.of(closed), at, SHANGHAI, 10_000, ONE_PER_YUAN).isEmpty());
  }

  @Test
  void draftsWhoseFieldsContradictAreRefused() {
    Set<DayOfWeek> every = EnumSet.allOf(DayOfWeek.class);
    LocalDate d = LocalDate.parse("2026-12-07");
    assertNull(Promotion.check(new Promotion.Draft("ok", Promotion.Kind.BONUS, null, 5L, every, LocalTime.NOON,
        LocalTime.NOON.plusMinutes(1), 0, d, d)));
    assertTrue(Promotion.check(new Promotion.Draft("x", Promotion.Kind.BONUS, 1500, null, every, null, null, 0, d, d))
        .contains("bonusPoints"));
    assertTrue(Promotion.check(new Promotion.Draft("x", Promotion.Kind.BONUS, null, 5L, every, LocalTime.NOON, null, 0,
        d, d)).contains("neither"));
    assertTrue(Promotion.check(new Promotion.Draft("x", Promotion.Kind.BONUS, null, 5L, every, LocalTime.NOON,
        LocalTime.NOON, 0, d, d)).contains("before windowEnd"));
    assertTrue(Promotion.check(new Promotion.Draft("x", Promotion.Kind.BONUS, null, 5L, every, null, null, 0, d,
        d.minusDays(1))).contains("startsOn"));
    assertEquals(0b1000001, Promotions.weekdayBits(EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.SUNDAY)));
    assertEquals(EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.SUNDAY), Promotions.weekdays(0b1000001));
  }
}
