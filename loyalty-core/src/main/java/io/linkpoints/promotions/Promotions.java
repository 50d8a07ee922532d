package io.linkpoints.promotions;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A shop's promotions: listed, created and ended early by its owner (never deleted: the sales they
 * paid refer to them), and the ones a sale may earn ({@link #candidates}).
 */
public final class Promotions {
  private static final String COLUMNS = "p.id, p.shop_id, p.name, p.kind, p.multiplier_permille, p.bonus_points,"
      + " p.weekdays, p.window_start, p.window_end, p.min_spend_fen, p.starts_on, p.ends_on, p.ended_at, p.created_at";
  private static final String ZONE = "select time_zone from alliance where id = $1";
  private static final String LIST = "select " + COLUMNS + " from shop_promotion p"
      + " where p.alliance_id = $1 and p.shop_id = $2 order by p.id desc limit 500";
  private static final String ONE = "select " + COLUMNS + " from shop_promotion p"
      + " where p.alliance_id = $1 and p.shop_id = $2 and p.id = $3";
  private static final String INSERT = "insert into shop_promotion as p (alliance_id, shop_id, name, kind,"
      + " multiplier_permille, bonus_points, weekdays, window_start, window_end, min_spend_fen, starts_on, ends_on,"
      + " created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning " + COLUMNS;
  // The first end stands: ending again changes nothing.
  private static final String END = "update shop_promotion p set ended_at = coalesce(p.ended_at, $4)"
      + " where p.alliance_id = $1 and p.shop_id = $2 and p.id = $3 returning " + COLUMNS;
  // Those whose dates include the sale's local date and not ended by then; Promotion.appliesTo judges the rest.
  private static final String CANDIDATES = "select " + COLUMNS + " from shop_promotion p"
      + " where p.alliance_id = $1 and p.shop_id = $2 and p.ends_on >= $3 and p.starts_on <= $3"
      + " and (p.ended_at is null or p.ended_at > $4) order by p.id";

  private final Pool pool;
  private final Clock clock;

  public Promotions(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Where a promotion stands today, in the alliance's zone. */
  public enum Status { SCHEDULED, LIVE, ENDED }

  /** A promotion as the owner sees it: with where it stands now. */
  public record Shown(Promotion promotion, Status status) {
  }

  public Future<List<Shown>> list(long allianceId, long shopId) {
    return zone(allianceId).compose(zone -> pool.preparedQuery(LIST).execute(Tuple.of(allianceId, shopId))
        .map(rows -> {
          List<Shown> list = new ArrayList<>();
          rows.forEach(r -> list.add(shown(of(r), zone)));
          return list;
        }));
  }

  public Future<Shown> get(long allianceId, long shopId, long promotionId) {
    return zone(allianceId).compose(zone -> pool.preparedQuery(ONE).execute(Tuple.of(allianceId, shopId, promotionId))
        .map(rows -> shown(found(rows.size() == 0 ? null : rows.iterator().next(), promotionId), zone)));
  }

  public Future<Shown> create(long allianceId, long shopId, Promotion.Draft d) {
    String wrong = Promotion.check(d);
    if (wrong != null) {
      return Future.failedFuture(ProblemCode.INVALID_PROMOTION.refuse(wrong));
    }
    Set<DayOfWeek> days = d.weekdays() == null || d.weekdays().isEmpty() ? Promotion.everyDay() : d.weekdays();
    return zone(allianceId).compose(zone -> pool.preparedQuery(INSERT).execute(Tuple.from(new Object[] {allianceId,
            shopId, d.name(), d.kind().name().toLowerCase(Locale.ROOT), d.multiplierPermille(), d.bonusPoints(),
            (short) weekdayBits(days), d.windowStart(), d.windowEnd(), d.minSpendFen(), d.startsOn(), d.endsOn(),
            clock.instant().atOffset(ZoneOffset.UTC)}))
        .map(rows -> shown(of(rows.iterator().next()), zone)));
  }

  /** Ends it now (sales from now on do not earn it); ending an ended promotion changes nothing. */
  public Future<Shown> end(long allianceId, long shopId, long promotionId) {
    return zone(allianceId).compose(zone -> pool.preparedQuery(END)
        .execute(Tuple.of(allianceId, shopId, promotionId, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> shown(found(rows.size() == 0 ? null : rows.iterator().next(), promotionId), zone)));
  }

  /** The shop's promotions that may apply to a sale at {@code at} (its local date in {@code zone}). */
  public Future<List<Promotion>> candidates(long allianceId, long shopId, Instant at, ZoneId zone) {
    return pool.preparedQuery(CANDIDATES).execute(Tuple.of(allianceId, shopId, at.atZone(zone).toLocalDate(),
            at.atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          List<Promotion> list = new ArrayList<>();
          rows.forEach(r -> list.add(of(r)));
          return list;
        });
  }

  /** The alliance's time zone, which promotions' days and windows are in. */
  public Future<ZoneId> zone(long allianceId) {
    return pool.preparedQuery(ZONE).execute(Tuple.of(allianceId))
        .map(rows -> ZoneId.of(rows.iterator().next().getString("time_zone")));
  }

  private Shown shown(Promotion p, ZoneId zone) {
    LocalDate today = clock.instant().atZone(zone).toLocalDate();
    Status status = p.endedAt() != null && !clock.instant().isBefore(p.endedAt()) || today.isAfter(p.endsOn())
        ? Status.ENDED : today.isBefore(p.startsOn()) ? Status.SCHEDULED : Status.LIVE;
    return new Shown(p, status);
  }

  private static Promotion found(Row row, long promotionId) {
    if (row == null) {
      throw ProblemCode.PROMOTION_NOT_FOUND.refuse("no promotion " + promotionId + " at this shop");
    }
    return of(row);
  }

  /** Bit 0 Monday .. bit 6 Sunday, as shop_promotion.weekdays keeps them. */
  static int weekdayBits(Set<DayOfWeek> days) {
    int bits = 0;
    for (DayOfWeek d : days) {
      bits |= 1 << (d.getValue() - 1);
    }
    return bits;
  }

  static Set<DayOfWeek> weekdays(int bits) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (DayOfWeek d : DayOfWeek.values()) {
      if ((bits & (1 << (d.getValue() - 1))) != 0) {
        days.add(d);
      }
    }
    return days;
  }

  private static Promotion of(Row r) {
    return new Promotion(r.getLong("id"), r.getLong("shop_id"), r.getString("name"),
        Promotion.Kind.valueOf(r.getString("kind").toUpperCase(Locale.ROOT)), r.getInteger("multiplier_permille"),
        r.getLong("bonus_points"), weekdays(r.getShort("weekdays")), r.getLocalTime("window_start"),
        r.getLocalTime("window_end"), r.getLong("min_spend_fen"), r.getLocalDate("starts_on"),
        r.getLocalDate("ends_on"), r.getOffsetDateTime("ended_at") == null ? null
            : r.getOffsetDateTime("ended_at").toInstant(), r.getOffsetDateTime("created_at").toInstant());
  }
}
