package io.linkpoints.coupons;

import io.vertx.sqlclient.Row;

/**
 * What a coupon is worth, in whole fen, never floating point. {@code discountFen} is what the
 * till takes off the bill; {@code benefitFen} is what the sponsors fund (for a gift item: the
 * value the campaign declared, since nothing comes off the bill).
 */
public record Benefit(Kind kind, Long amountFen, Integer percentOff, Long capFen, String giftName, Long giftValueFen) {

  public enum Kind {
    FIXED_OFF("fixed_off"), PERCENT_OFF("percent_off"), GIFT("gift");

    private final String dbName;

    Kind(String dbName) {
      this.dbName = dbName;
    }

    public String dbName() {
      return dbName;
    }

    static Kind fromDb(String name) {
      for (Kind k : values()) {
        if (k.dbName.equals(name)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown benefit kind " + name);
    }
  }

  /** Fixed: never more than the spend. Percent: floor(spend * percent / 100), then the cap. */
  public long discountFen(long spendFen) {
    return switch (kind) {
      case FIXED_OFF -> Math.min(amountFen, spendFen);
      case PERCENT_OFF -> Math.min(Math.multiplyExact(spendFen, (long) percentOff) / 100, capFen);
      case GIFT -> 0;
    };
  }

  public long benefitFen(long spendFen) {
    return kind == Kind.GIFT ? giftValueFen : discountFen(spendFen);
  }

  /** {@code amountFen} off the bill, never more than the spend. */
  public static Benefit fixedOff(long amountFen) {
    return new Benefit(Kind.FIXED_OFF, amountFen, null, null, null, null);
  }

  /** {@code percent} of the spend, rounded down, at most {@code capFen}. */
  public static Benefit percentOff(int percent, long capFen) {
    return new Benefit(Kind.PERCENT_OFF, null, percent, capFen, null, null);
  }

  /** A gift item; nothing comes off the bill, the sponsors fund its declared {@code valueFen}. */
  public static Benefit gift(String giftName, long valueFen) {
    return new Benefit(Kind.GIFT, null, null, null, giftName, valueFen);
  }

  static Benefit fromRow(Row row) {
    return new Benefit(Kind.fromDb(row.getString("benefit_kind")), row.getLong("amount_fen"),
        row.getInteger("percent_off"), row.getLong("cap_fen"), row.getString("gift_name"),
        row.getLong("gift_value_fen"));
  }
}
