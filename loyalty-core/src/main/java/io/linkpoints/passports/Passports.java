package io.linkpoints.passports;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Passports as the admin, the named shops' owners and the member see them: created by the admin
 * (every named shop's owner then consents), paused and resumed by the admin or any named shop (each
 * lifts only its own pause), listed with where each stands today in the alliance's zone, with the
 * admin's progress funnel, and the member's cards.
 */
public final class Passports {
  private static final String ZONE = "select time_zone from alliance where id = $1";
  private static final String COLUMNS = "p.id, p.name_zh, p.name_en, p.stamps_required, p.min_spend_fen, p.starts_on,"
      + " p.ends_on, p.reward_points, p.fund_bps, p.paused_at, p.created_at";
  private static final String INSERT = "insert into passport as p (alliance_id, name_zh, name_en, stamps_required,"
      + " min_spend_fen, starts_on, ends_on, reward_points, fund_bps, created_at)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning " + COLUMNS;
  private static final String ADD_SHOP = "insert into passport_shop (alliance_id, passport_id, shop_id, funding_bps)"
      + " values ($1, $2, $3, $4)";
  private static final String KNOWN_SHOPS = "select id from shop where alliance_id = $1 and id = any($2)";
  private static final String LIST = "select " + COLUMNS + " from passport p where p.alliance_id = $1"
      + " order by p.id desc limit 200";
  private static final String ONE = "select " + COLUMNS + " from passport p where p.alliance_id = $1 and p.id = $2";
  private static final String OF_SHOP = "select " + COLUMNS + " from passport p where p.alliance_id = $1"
      + " and exists (select 1 from passport_shop s where s.alliance_id = p.alliance_id and s.passport_id = p.id"
      + "   and s.shop_id = $2) order by p.id desc limit 200";
  // Live or recent for the wallet: not ended more than 30 days before $2 (the alliance's today).
  private static final String RECENT = "select " + COLUMNS + " from passport p where p.alliance_id = $1"
      + " and p.ends_on >= $2 order by p.ends_on, p.id limit 50";
  private static final String SHOPS = "select ps.passport_id, ps.shop_id, s.name, ps.funding_bps, ps.consented_at,"
      + " ps.paused_at from passport_shop ps join shop s on s.alliance_id = ps.alliance_id and s.id = ps.shop_id"
      + " where ps.alliance_id = $1 and ps.passport_id = any($2) order by ps.passport_id, ps.shop_id";
  // The first consent stands.
  private static final String CONSENT = "update passport_shop set consented_at = coalesce(consented_at, $4)"
      + " where alliance_id = $1 and passport_id = $2 and shop_id = $3";
  private static final String SHOP_PAUSE = "update passport_shop set paused_at = coalesce(paused_at, $4)"
      + " where alliance_id = $1 and passport_id = $2 and shop_id = $3";
  private static final String SHOP_RESUME = "update passport_shop set paused_at = null"
      + " where alliance_id = $1 and passport_id = $2 and shop_id = $3 and $4::timestamptz is not null";
  private static final String ADMIN_PAUSE = "update passport set paused_at = coalesce(paused_at, $3)"
      + " where alliance_id = $1 and id = $2";
  private static final String ADMIN_RESUME = "update passport set paused_at = null"
      + " where alliance_id = $1 and id = $2 and $3::timestamptz is not null";
  // Members by the number of different shops stamped, and the cards completed.
  private static final String FUNNEL = "select n, count(*) as members from (select member_id,"
      + " count(distinct shop_id) as n from passport_stamp where alliance_id = $1 and passport_id = $2"
      + " group by member_id) x group by n";
  private static final String COMPLETED = "select count(*) as n from passport_card where alliance_id = $1"
      + " and passport_id = $2 and completed_at is not null";
  private static final String MY_STAMPS = "select passport_id, shop_id, min(created_at) as first_at from passport_stamp"
      + " where alliance_id = $1 and member_id = $2 and passport_id = any($3) group by passport_id, shop_id";
  private static final String MY_CARDS = "select passport_id, completed_at from passport_card"
      + " where alliance_id = $1 and member_id = $2 and passport_id = any($3)";

  private final Pool pool;
  private final Clock clock;
  private final Stamps stamps;

  public Passports(Pool pool, Clock clock, Stamps stamps) {
    this.pool = pool;
    this.clock = clock;
    this.stamps = stamps;
  }

  /** A passport with where it stands today; {@code funnel} only for one asked for by id (else null). */
  public record Shown(Passport passport, Passport.Status status, Funnel funnel) {
  }

  /** {@code atLeast[k - 1]}: members with stamps from at least k different shops; {@code completed}: cards done. */
  public record Funnel(long[] atLeast, long completed) {
  }

  public Future<Shown> create(long allianceId, Passport.Draft d) {
    String wrong = Passport.check(d);
    if (wrong != null) {
      return Future.failedFuture(ProblemCode.INVALID_PASSPORT.refuse(wrong));
    }
    Long[] ids = d.shops().stream().map(Passport.ShopShare::shopId).toArray(Long[]::new);
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    Future<Long> created = pool.withTransaction(conn -> conn.preparedQuery(KNOWN_SHOPS)
        .execute(Tuple.of(allianceId).addArrayOfLong(ids)).compose(known -> {
          if (known.size() != ids.length) {
            throw ProblemCode.UNKNOWN_SHOP.refuse("a shop named is not in this alliance");
          }
          return conn.preparedQuery(INSERT).execute(Tuple.from(new Object[] {allianceId, d.nameZh(), d.nameEn(),
              d.stampsRequired(), d.minSpendFen(), d.startsOn(), d.endsOn(), d.rewardPoints(), d.fundBps(), now}));
        }).compose(rows -> {
          long id = rows.iterator().next().getLong("id");
          Future<?> added = Future.succeededFuture();
          for (Passport.ShopShare s : d.shops()) {
            added = added.compose(v -> conn.preparedQuery(ADD_SHOP)
                .execute(Tuple.of(allianceId, id, s.shopId(), s.basisPoints())));
          }
          return added.map(id);
        }));
    return created.compose(id -> {
      stamps.forget(allianceId);
      return get(allianceId, id);
    });
  }

  public Future<List<Shown>> list(long allianceId) {
    return shown(allianceId, LIST, Tuple.of(allianceId));
  }

  /** The passports naming this shop. */
  public Future<List<Shown>> ofShop(long allianceId, long shopId) {
    return shown(allianceId, OF_SHOP, Tuple.of(allianceId, shopId));
  }

  /** One passport, with its funnel; {@code passport_not_found} if the alliance has none by that id. */
  public Future<Shown> get(long allianceId, long passportId) {
    return shown(allianceId, ONE, Tuple.of(allianceId, passportId)).compose(list -> {
      if (list.isEmpty()) {
        throw notFound(passportId);
      }
      Shown one = list.get(0);
      return funnel(allianceId, one.passport()).map(f -> new Shown(one.passport(), one.status(), f));
    });
  }

  /** This shop's owner consents (again: nothing changes). */
  public Future<Shown> consent(long allianceId, long shopId, long passportId) {
    return shopChange(allianceId, shopId, passportId, CONSENT);
  }

  /** This shop pauses its part: nobody collects stamps until it resumes. */
  public Future<Shown> pauseShop(long allianceId, long shopId, long passportId) {
    return shopChange(allianceId, shopId, passportId, SHOP_PAUSE);
  }

  /** This shop lifts its own pause (the admin's or another shop's stays). */
  public Future<Shown> resumeShop(long allianceId, long shopId, long passportId) {
    return shopChange(allianceId, shopId, passportId, SHOP_RESUME);
  }

  private static final String PAUSE_EVERY_PART = "update passport_shop set paused_at = coalesce(paused_at, $3)"
      + " where alliance_id = $1 and shop_id = $2";

  /**
   * Pauses the shop's part in every passport naming it, on the caller's connection and in its
   * transaction (a shop leaving the alliance, docs/shop-exit.md): nobody collects stamps in those
   * passports while the pause stands. {@link Stamps}' per-alliance cache of who takes part may
   * hold the old answer for up to its 10 seconds.
   */
  public static Future<Void> pauseEveryPart(SqlConnection conn, long allianceId, long shopId, Instant at) {
    return conn.preparedQuery(PAUSE_EVERY_PART).execute(Tuple.of(allianceId, shopId, at.atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  public Future<Shown> pause(long allianceId, long passportId) {
    return adminChange(allianceId, passportId, ADMIN_PAUSE);
  }

  public Future<Shown> resume(long allianceId, long passportId) {
    return adminChange(allianceId, passportId, ADMIN_RESUME);
  }

  private Future<Shown> shopChange(long allianceId, long shopId, long passportId, String sql) {
    return pool.preparedQuery(sql).execute(Tuple.of(allianceId, passportId, shopId,
            clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            throw notFound(passportId);
          }
          stamps.forget(allianceId);
          return ofShop(allianceId, shopId);
        })
        .map(list -> list.stream().filter(s -> s.passport().id() == passportId).findFirst()
            .orElseThrow(() -> notFound(passportId)));
  }

  private Future<Shown> adminChange(long allianceId, long passportId, String sql) {
    return pool.preparedQuery(sql).execute(Tuple.of(allianceId, passportId, clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            throw notFound(passportId);
          }
          stamps.forget(allianceId);
          return get(allianceId, passportId);
        });
  }

  /** A member's card in a passport: the shops stamped (by id), and when it was completed (null: not yet). */
  public record Card(Shown passport, List<Long> stampedShopIds, Instant completedAt) {
  }

  /** The member's cards: every passport of the alliance live now, scheduled, or ended within 30 days. */
  public Future<List<Card>> cards(long allianceId, long memberId) {
    return zone(allianceId).compose(zone -> {
      LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
      return shown(allianceId, RECENT, Tuple.of(allianceId, today.minusDays(30)));
    }).compose(list -> {
      List<Shown> visible = list.stream().filter(s -> s.status() != Passport.Status.AWAITING_CONSENT).toList();
      if (visible.isEmpty()) {
        return Future.succeededFuture(List.of());
      }
      Long[] ids = visible.stream().map(s -> s.passport().id()).toArray(Long[]::new);
      Future<RowSet<Row>> stamped = pool.preparedQuery(MY_STAMPS).execute(Tuple.of(allianceId, memberId).addArrayOfLong(ids));
      Future<RowSet<Row>> cards = pool.preparedQuery(MY_CARDS).execute(Tuple.of(allianceId, memberId).addArrayOfLong(ids));
      return Future.all(stamped, cards).map(both -> {
        Map<Long, List<Long>> shops = new HashMap<>();
        stamped.result().forEach(r -> shops.computeIfAbsent(r.getLong("passport_id"), k -> new ArrayList<>())
            .add(r.getLong("shop_id")));
        Map<Long, Instant> completed = new HashMap<>();
        cards.result().forEach(r -> {
          OffsetDateTime at = r.getOffsetDateTime("completed_at");
          if (at != null) {
            completed.put(r.getLong("passport_id"), at.toInstant());
          }
        });
        List<Card> out = new ArrayList<>();
        for (Shown s : visible) {
          long id = s.passport().id();
          out.add(new Card(s, shops.getOrDefault(id, List.of()), completed.get(id)));
        }
        return out;
      });
    });
  }

  private Future<Funnel> funnel(long allianceId, Passport p) {
    Future<RowSet<Row>> byCount = pool.preparedQuery(FUNNEL).execute(Tuple.of(allianceId, p.id()));
    Future<RowSet<Row>> done = pool.preparedQuery(COMPLETED).execute(Tuple.of(allianceId, p.id()));
    return Future.all(byCount, done).map(both -> {
      long[] atLeast = new long[p.stampsRequired()];
      for (Row r : byCount.result()) {
        int n = Math.min(r.getInteger("n"), p.stampsRequired());
        long members = r.getLong("members");
        for (int k = 1; k <= n; k++) {
          atLeast[k - 1] += members;
        }
      }
      return new Funnel(atLeast, done.result().iterator().next().getLong("n"));
    });
  }

  private Future<List<Shown>> shown(long allianceId, String sql, Tuple args) {
    return zone(allianceId).compose(zone -> pool.preparedQuery(sql).execute(args).compose(rows -> {
      Map<Long, Row> byId = new LinkedHashMap<>();
      rows.forEach(r -> byId.put(r.getLong("id"), r));
      if (byId.isEmpty()) {
        return Future.succeededFuture(List.<Shown>of());
      }
      return pool.preparedQuery(SHOPS).execute(Tuple.of(allianceId).addArrayOfLong(byId.keySet().toArray(Long[]::new)))
          .map(shopRows -> {
            Map<Long, List<Passport.Shop>> shops = new HashMap<>();
            shopRows.forEach(r -> shops.computeIfAbsent(r.getLong("passport_id"), k -> new ArrayList<>())
                .add(new Passport.Shop(r.getLong("shop_id"), r.getString("name"), r.getInteger("funding_bps"),
                    instant(r, "consented_at"), instant(r, "paused_at"))));
            LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
            List<Shown> out = new ArrayList<>();
            for (Row r : byId.values()) {
              Passport p = of(r, shops.getOrDefault(r.getLong("id"), List.of()));
              out.add(new Shown(p, p.status(today), null));
            }
            return out;
          });
    }));
  }

  Future<ZoneId> zone(long allianceId) {
    return pool.preparedQuery(ZONE).execute(Tuple.of(allianceId))
        .map(rows -> ZoneId.of(rows.iterator().next().getString("time_zone")));
  }

  static Passport of(Row r, List<Passport.Shop> shops) {
    return new Passport(r.getLong("id"), r.getString("name_zh"), r.getString("name_en"),
        r.getInteger("stamps_required"), r.getLong("min_spend_fen"), r.getLocalDate("starts_on"),
        r.getLocalDate("ends_on"), r.getLong("reward_points"), r.getInteger("fund_bps"), instant(r, "paused_at"),
        instant(r, "created_at"), shops);
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime at = r.getOffsetDateTime(column);
    return at == null ? null : at.toInstant();
  }

  static RuntimeException notFound(long passportId) {
    return ProblemCode.PASSPORT_NOT_FOUND.refuse("no passport " + passportId + " here");
  }
}
