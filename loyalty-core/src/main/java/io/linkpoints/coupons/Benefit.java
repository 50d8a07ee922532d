package io.linkpoints.coupons;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.json.JsonObject;
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

  static Benefit fromJson(JsonObject b) {
    Kind kind = switch (b.getString("kind", "")) {
      case "fixed_off" -> Kind.FIXED_OFF;
      case "percent_off" -> Kind.PERCENT_OFF;
      case "gift" -> Kind.GIFT;
      default -> throw ProblemCode.INVALID_BENEFIT.refuse("benefit.kind must be fixed_off, percent_off or gift");
    };
    Benefit benefit = switch (kind) {
      case FIXED_OFF -> new Benefit(kind, b.getLong("amountFen"), null, null, null, null);
      case PERCENT_OFF -> new Benefit(kind, null, b.getInteger("percent"), b.getLong("capFen"), null, null);
      case GIFT -> new Benefit(kind, null, null, null, b.getString("giftName"), b.getLong("valueFen"));
    };
    boolean complete = switch (kind) {
      case FIXED_OFF -> benefit.amountFen != null;
      case PERCENT_OFF -> benefit.percentOff != null && benefit.capFen != null;
      case GIFT -> benefit.giftName != null && benefit.giftValueFen != null;
    };
    if (!complete) {
      throw ProblemCode.INVALID_BENEFIT.refuse("fixed_off needs amountFen; percent_off needs percent and"
          + " capFen; gift needs giftName and valueFen");
    }
    return benefit;
  }

  static Benefit fromRow(Row row) {
    return new Benefit(Kind.fromDb(row.getString("benefit_kind")), row.getLong("amount_fen"),
        row.getInteger("percent_off"), row.getLong("cap_fen"), row.getString("gift_name"),
        row.getLong("gift_value_fen"));
  }
}
