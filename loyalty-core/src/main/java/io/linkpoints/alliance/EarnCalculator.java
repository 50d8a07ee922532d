package io.linkpoints.alliance;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Points for a spend, in integers only. A pure function of its inputs, so the POS accrual can
 * call it with what the member already earned today (at this shop and across the alliance).
 *
 * <pre>
 *   raw    = round(spendFen * pointsPerYuan / 100)         // 100 fen = 1 yuan
 *   points = min(raw, shopCap - earnedTodayAtShop, allianceCap - earnedTodayInAlliance), never below 0
 * </pre>
 */
public final class EarnCalculator {
  private EarnCalculator() {
  }

  /** Which limit, if any, cut the points down. */
  public enum Limit { NONE, SHOP_DAILY_CAP, ALLIANCE_DAILY_CAP }

  public record Quote(long spendFen, long rawPoints, long points, Limit limitedBy) {
  }

  /** What the member has already earned today, in the alliance's day. */
  public record EarnedToday(long atShop, long inAlliance) {
    public static final EarnedToday NONE = new EarnedToday(0, 0);
  }

  public static Quote quote(long spendFen, EarnRule rule, Long allianceDailyCap, EarnedToday earned) {
    if (spendFen < 0) {
      throw new IllegalArgumentException("spendFen must not be negative");
    }
    long raw = rule.rounding().divide(Math.multiplyExact(spendFen, (long) rule.pointsPerYuan()), 100);
    long points = raw;
    Limit limit = Limit.NONE;
    if (rule.dailyCapPoints() != null) {
      long room = Math.max(0, rule.dailyCapPoints() - earned.atShop());
      if (room < points) {
        points = room;
        limit = Limit.SHOP_DAILY_CAP;
      }
    }
    if (allianceDailyCap != null) {
      long room = Math.max(0, allianceDailyCap - earned.inAlliance());
      if (room < points) {
        points = room;
        limit = Limit.ALLIANCE_DAILY_CAP;
      }
    }
    return new Quote(spendFen, raw, points, limit);
  }

  /** The start and end of the alliance's calendar day that contains {@code at}. */
  public record Day(Instant start, Instant end) {
    public static Day containing(Instant at, ZoneId zone) {
      LocalDate date = at.atZone(zone).toLocalDate();
      return new Day(date.atStartOfDay(zone).toInstant(), date.plusDays(1).atStartOfDay(zone).toInstant());
    }
  }
}
