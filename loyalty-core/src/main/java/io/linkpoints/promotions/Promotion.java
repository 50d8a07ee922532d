package io.linkpoints.promotions;

import io.linkpoints.alliance.EarnRule;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * A shop's promotion. Whether it applies to a sale is judged on the sale's UTC instant seen in the
 * alliance's zone (so a window means local wall-clock time, across DST changes too): the local
 * date within [startsOn, endsOn], the local weekday among {@code weekdays}, the local time within
 * [windowStart, windowEnd) (none: all day), the spend at least {@code minSpendFen}, and the sale
 * before {@code endedAt} if the owner ended it early.
 */
public record Promotion(long id, long shopId, String name, Kind kind, Integer multiplierPermille, Long bonusPoints,
    Set<DayOfWeek> weekdays, LocalTime windowStart, LocalTime windowEnd, long minSpendFen, LocalDate startsOn,
    LocalDate endsOn, Instant endedAt, Instant createdAt) {

  /** A multiplier of the shop's earn rate (per-mille), or a fixed number of bonus points per sale. */
  public enum Kind { MULTIPLIER, BONUS }

  /** What an owner asks for; checked by {@link #check} before it is stored. */
  public record Draft(String name, Kind kind, Integer multiplierPermille, Long bonusPoints, Set<DayOfWeek> weekdays,
      LocalTime windowStart, LocalTime windowEnd, long minSpendFen, LocalDate startsOn, LocalDate endsOn) {
  }

  /** Rules between fields that the contract's schema cannot state; the refusal says which. */
  static String check(Draft d) {
    if ((d.kind() == Kind.MULTIPLIER) != (d.multiplierPermille() != null)
        || (d.kind() == Kind.BONUS) != (d.bonusPoints() != null)) {
      return "a multiplier promotion gives multiplierPermille only, a bonus promotion bonusPoints only";
    }
    if ((d.windowStart() == null) != (d.windowEnd() == null)) {
      return "give both windowStart and windowEnd, or neither (all day)";
    }
    if (d.windowStart() != null && !d.windowStart().isBefore(d.windowEnd())) {
      return "windowStart must be before windowEnd (a window does not cross midnight: make two promotions)";
    }
    if (d.startsOn().isAfter(d.endsOn())) {
      return "startsOn must not be after endsOn";
    }
    return null;
  }

  /** Every day of the week, when a draft names none. */
  static Set<DayOfWeek> everyDay() {
    return EnumSet.allOf(DayOfWeek.class);
  }

  /** Whether a sale of {@code spendFen} at the instant {@code at} qualifies, in the alliance's {@code zone}. */
  public boolean appliesTo(Instant at, ZoneId zone, long spendFen) {
    if (endedAt != null && !at.isBefore(endedAt)) {
      return false;
    }
    if (spendFen < minSpendFen) {
      return false;
    }
    ZonedDateTime local = at.atZone(zone);
    LocalDate date = local.toLocalDate();
    if (date.isBefore(startsOn) || date.isAfter(endsOn) || !weekdays.contains(local.getDayOfWeek())) {
      return false;
    }
    if (windowStart == null) {
      return true;
    }
    LocalTime time = local.toLocalTime();
    return !time.isBefore(windowStart) && time.isBefore(windowEnd);
  }

  /**
   * The bonus points this promotion adds to a qualifying sale, in integers. A multiplier of m
   * per-mille adds (m - 1000)/1000 of the shop's rate, computed from the spend and rounded once
   * with the shop's rounding: round(spendFen × pointsPerYuan × (m − 1000) / 100 000). So double
   * points (2000) at 1 point per yuan on 38.50 yuan add 38 (floor) or 39 (half up), as the base does.
   */
  public long bonusPoints(long spendFen, EarnRule rule) {
    if (kind == Kind.BONUS) {
      return bonusPoints;
    }
    return multiplied(spendFen, rule, multiplierPermille);
  }

  /**
   * What a multiplier of {@code permille} adds to a sale on top of the shop's rate, rounded once
   * with the shop's rounding: round(spendFen × pointsPerYuan × (permille − 1000) / 100 000). The
   * promotions' arithmetic, also the tier perks' (pos.Bonuses).
   */
  public static long multiplied(long spendFen, EarnRule rule, int permille) {
    long numerator = Math.multiplyExact(Math.multiplyExact(spendFen, (long) rule.pointsPerYuan()),
        (long) (permille - 1000));
    return rule.rounding().divide(numerator, 100L * 1000);
  }

  /** Whether the owner ended it (before its last day ran out). */
  public boolean endedEarly() {
    return endedAt != null;
  }
}
