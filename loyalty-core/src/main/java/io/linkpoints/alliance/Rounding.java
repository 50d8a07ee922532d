package io.linkpoints.alliance;

/** How a fraction of a point is settled. Integer division only: no floating point touches points. */
public enum Rounding {
  FLOOR("floor"),
  HALF_UP("half_up"),
  CEIL("ceil");

  private final String dbName;

  Rounding(String dbName) {
    this.dbName = dbName;
  }

  public String dbName() {
    return dbName;
  }

  public static Rounding fromDb(String name) {
    for (Rounding r : values()) {
      if (r.dbName.equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown rounding " + name);
  }

  /** {@code numerator / denominator} rounded this way; both non-negative, denominator positive. */
  public long divide(long numerator, long denominator) {
    if (numerator < 0 || denominator <= 0) {
      throw new IllegalArgumentException("numerator must be >= 0 and denominator > 0");
    }
    long quotient = numerator / denominator;
    long remainder = numerator % denominator;
    return switch (this) {
      case FLOOR -> quotient;
      case CEIL -> remainder == 0 ? quotient : quotient + 1;
      // remainder * 2 >= denominator, written so it cannot overflow
      case HALF_UP -> remainder >= denominator - remainder ? quotient + 1 : quotient;
    };
  }
}
