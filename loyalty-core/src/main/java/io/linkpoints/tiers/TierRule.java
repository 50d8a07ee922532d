package io.linkpoints.tiers;

import java.util.List;
import java.util.Locale;

/**
 * An alliance's tier definitions: what qualifies ({@code basis}) over how many days, how long a
 * member whose figures fell below their tier keeps it ({@code graceDays}), and the levels, lowest
 * first. {@code version} goes up with every replace (0 for a draft not yet stored).
 */
public record TierRule(Basis basis, int windowDays, int graceDays, List<Level> levels, long version) {

  /** What a threshold counts: points earned, or spend in fen, both net of refunds. */
  public enum Basis {
    POINTS_EARNED, SPEND_FEN;

    public String dbName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Basis fromDb(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * One level: {@code level} is its place, 1 = the lowest, and its id in the API. A member
   * qualifies with at least {@code threshold} on the basis and {@code minShops} distinct shops.
   * {@code allianceMultiplierPermille}: the alliance's perk for members holding exactly this level,
   * an earn multiplier paid by the alliance fund (null: none).
   */
  public record Level(int level, String nameZh, String nameEn, long threshold, int minShops,
      Integer allianceMultiplierPermille) {
    Tier tier() {
      return new Tier(level, nameZh, nameEn);
    }
  }

  /** The highest level these figures reach (0: none). */
  int qualified(Figures f) {
    long value = f.on(basis);
    int best = 0;
    for (Level l : levels) {
      if (value >= l.threshold() && f.shops() >= l.minShops()) {
        best = l.level();
      }
    }
    return best;
  }

  Level level(int number) {
    return number < 1 || number > levels.size() ? null : levels.get(number - 1);
  }
}
