package io.linkpoints.exits;

import io.linkpoints.auth.Principal;
import io.linkpoints.coupons.Campaigns;
import io.linkpoints.notifications.Notifications;
import io.linkpoints.outbox.EventType;
import io.linkpoints.outbox.Outbox;
import io.linkpoints.passports.Passports;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Starting a shop's exit and reading exits (docs/shop-exit.md). A start runs in one transaction
 * under the shop's row lock: the exit row (one per shop, ever: the primary key), the shop's part
 * in every campaign and passport paused, for expire_early every lot the shop issued shortened to
 * the end date and each member holding such points told, and the {@code shop.exit_started} event.
 */
public final class ShopExits {
  static final String MODE_CHARGE = "charge_to_fund";
  static final String MODE_EXPIRE = "expire_early";

  private static final String LOCK_SHOP = "select s.name, s.status, a.time_zone from shop s"
      + " join alliance a on a.id = s.alliance_id where s.alliance_id = $1 and s.id = $2 for no key update of s";
  private static final String INSERT = "insert into shop_exit (alliance_id, shop_id, mode, starts_at, ends_at, started_by)"
      + " values ($1, $2, $3, $4, $5, $6) on conflict (alliance_id, shop_id) do nothing returning shop_id";
  private static final String ONE = "select " + ShopExit.COLUMNS + " from shop_exit x"
      + " join shop s on s.alliance_id = x.alliance_id and s.id = x.shop_id join alliance a on a.id = x.alliance_id"
      + " where x.alliance_id = $1 and x.shop_id = $2";
  private static final String ALL = "select " + ShopExit.COLUMNS + " from shop_exit x"
      + " join shop s on s.alliance_id = x.alliance_id and s.id = x.shop_id join alliance a on a.id = x.alliance_id"
      + " where x.alliance_id = $1 order by x.ends_at, x.shop_id";
  private static final String SHOP_EXISTS = "select 1 from shop where alliance_id = $1 and id = $2";

  /**
   * What the shop's points are worth now: every lot it issued that has not expired by $3, its
   * points left plus the points open holds reserve on it (a hold takes its points out of the lot
   * until it is posted or voided), each at the lot's price. The completion charges exactly this.
   */
  static final String OUTSTANDING = "select coalesce(sum(o.points), 0) as points,"
      + " coalesce(sum(o.points * o.price), 0) as fen from (select l.points_left + coalesce((select sum(a.points)"
      + "   from ledger_allocation a join ledger_open_hold h on h.alliance_id = a.alliance_id"
      + "   and h.transfer_id = a.transfer_id where a.alliance_id = l.alliance_id and a.lot_transfer_id = l.transfer_id"
      + "   and a.lot_n = l.n), 0) as points, l.price_per_point_fen as price"
      + " from ledger_lot l where l.alliance_id = $1 and l.issuer_shop_id = $2 and l.expires_at > $3) o";

  /**
   * expire_early: every lot the shop issued that would outlive the end date now expires at it
   * (spent ones too, so a refund that gives their points back, which copies its lot's expiry,
   * gives them back expiring at the end date); the members holding such points, with how many.
   */
  private static final String EXPIRE_EARLY = "with s as (update ledger_lot l set expires_at = $3"
      + " where l.alliance_id = $1 and l.issuer_shop_id = $2 and l.expires_at > $3"
      + " returning l.account_id, l.points_left)"
      + " select w.owner_id as member_id, sum(s.points_left) as points from s"
      + " join ledger_account w on w.alliance_id = $1 and w.id = s.account_id and w.kind = 'member_wallet'"
      + " group by w.owner_id having sum(s.points_left) > 0 order by w.owner_id";

  private final Pool pool;
  private final Notifications notifications;
  private final Clock clock;

  public ShopExits(Pool pool, Notifications notifications, Clock clock) {
    this.pool = pool;
    this.notifications = notifications;
    this.clock = clock;
  }

  /** The admin's start: the end date (alliance's local date) and the mode. */
  public record Start(LocalDate endDate, String mode) {
  }

  /** Starts the shop's exit; a second start (or an exited shop) is {@code 409 exit_already_started}. */
  public Future<ShopExit> start(Principal admin, long shopId, Start start) {
    long allianceId = admin.allianceId();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_SHOP).execute(Tuple.of(allianceId, shopId))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw ApiException.shopNotFound(shopId);
          }
          Row shop = rows.iterator().next();
          ZoneId zone = ZoneId.of(shop.getString("time_zone"));
          LocalDate today = LocalDate.ofInstant(now, zone);
          if (start.endDate().isBefore(today.plusDays(1)) || start.endDate().isAfter(today.plusYears(1))) {
            throw ProblemCode.END_DATE_OUT_OF_RANGE.refuse("endDate must be from tomorrow (" + today.plusDays(1)
                + ") up to a year ahead (" + today.plusYears(1) + ") in the alliance's time zone");
          }
          Instant endsAt = start.endDate().atStartOfDay(zone).toInstant();
          String by = "staff:" + admin.subjectId();
          return conn.preparedQuery(INSERT).execute(Tuple.of(allianceId, shopId, start.mode(), utc(now), utc(endsAt), by))
              .compose(inserted -> {
                if (inserted.size() == 0) {
                  throw ProblemCode.EXIT_ALREADY_STARTED.refuse("this shop's exit was started already");
                }
                return Campaigns.pauseEveryPart(conn, allianceId, shopId, now)
                    .compose(v -> Passports.pauseEveryPart(conn, allianceId, shopId, now))
                    .compose(v -> MODE_EXPIRE.equals(start.mode())
                        ? expireEarly(conn, allianceId, shopId, shop.getString("name"), start.endDate(), endsAt)
                        : Future.succeededFuture())
                    .compose(v -> Outbox.append(conn, allianceId, List.of(new Outbox.Event(
                        Outbox.eventId("shop-exit-started", String.valueOf(allianceId), String.valueOf(shopId)),
                        EventType.SHOP_EXIT_STARTED, shopId, null, new JsonObject().put("shopId", shopId)
                            .put("name", shop.getString("name")).put("mode", start.mode())
                            .put("endDate", start.endDate().toString()).put("endsAt", endsAt.toString()),
                        now))));
              });
        })).compose(v -> get(allianceId, shopId));
  }

  private Future<Void> expireEarly(SqlConnection conn, long allianceId, long shopId, String shopName, LocalDate endDate,
      Instant endsAt) {
    return conn.preparedQuery(EXPIRE_EARLY).execute(Tuple.of(allianceId, shopId, utc(endsAt))).compose(rows -> {
      Future<Void> chain = Future.succeededFuture();
      for (Row r : rows) {
        long memberId = r.getLong("member_id");
        JsonObject data = new JsonObject().put("shopId", shopId).put("shopName", shopName)
            .put("points", r.getLong("points")).put("expiresOn", endDate.toString());
        UUID eventId = UUID.nameUUIDFromBytes(("shop-exit/" + allianceId + "/" + shopId + "/" + memberId)
            .getBytes(StandardCharsets.UTF_8));
        chain = chain.compose(v -> notifications.notifyMember(conn, allianceId, memberId, "shop_exit", data, eventId)
            .mapEmpty());
      }
      return chain;
    });
  }

  private static final String LOCK_EXIT = "select mode, ends_at, completed_at, cancelled_at from shop_exit"
      + " where alliance_id = $1 and shop_id = $2 for update";
  private static final String CANCEL = "update shop_exit set cancelled_at = $3 where alliance_id = $1 and shop_id = $2"
      + " and completed_at is null and cancelled_at is null";

  /**
   * Cancels a scheduled charge_to_fund exit before its end (admin): the shop issues again at once;
   * its campaigns and passports stay paused (their participants resume them by the consent rules).
   * Cancelling a cancelled exit changes nothing. An expire_early exit is not cancellable (its
   * points' expiry was shortened and members told), nor one whose end has come: {@code 409
   * exit_not_cancellable}. The start stays the shop's one exit: it cannot be started again.
   */
  public Future<ShopExit> cancel(long allianceId, long shopId) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return get(allianceId, shopId).compose(known -> pool.withTransaction(conn -> conn.preparedQuery(LOCK_EXIT)
        .execute(Tuple.of(allianceId, shopId)).compose(rows -> {
          Row x = rows.iterator().next();
          if (x.getOffsetDateTime("cancelled_at") != null) {
            return Future.succeededFuture();
          }
          if (x.getOffsetDateTime("completed_at") != null || !now.isBefore(x.getOffsetDateTime("ends_at").toInstant())
              || MODE_EXPIRE.equals(x.getString("mode"))) {
            throw ProblemCode.EXIT_NOT_CANCELLABLE.refuse("only a scheduled charge_to_fund exit before its end date"
                + " may be cancelled");
          }
          return conn.preparedQuery(CANCEL).execute(Tuple.of(allianceId, shopId, utc(now)))
              .compose(v -> Outbox.append(conn, allianceId, List.of(new Outbox.Event(
                  Outbox.eventId("shop-exit-cancelled", String.valueOf(allianceId), String.valueOf(shopId)),
                  EventType.SHOP_EXIT_CANCELLED, shopId, null, new JsonObject().put("shopId", shopId)
                      .put("name", known.shopName()).put("cancelledAt", now.toString()), now))));
        }))).compose(v -> get(allianceId, shopId));
  }

  /** The shop's exit, with a live preview while scheduled; {@code 404 exit_not_found} without one. */
  public Future<ShopExit> get(long allianceId, long shopId) {
    return pool.preparedQuery(SHOP_EXISTS).execute(Tuple.of(allianceId, shopId)).compose(shop -> {
      if (shop.size() == 0) {
        throw ApiException.shopNotFound(shopId);
      }
      return pool.preparedQuery(ONE).execute(Tuple.of(allianceId, shopId));
    }).compose(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.EXIT_NOT_FOUND.refuse("shop " + shopId + " has no exit");
      }
      Row r = rows.iterator().next();
      if (r.getOffsetDateTime("completed_at") != null || r.getOffsetDateTime("cancelled_at") != null) {
        return Future.succeededFuture(ShopExit.of(r, null, null));
      }
      return outstanding(pool, allianceId, shopId, clock.instant())
          .map(o -> ShopExit.of(r, o.getLong("points"), o.getLong("fen")));
    });
  }

  /** Every exit of the alliance (previews left out: the list reads no lots). */
  public Future<List<ShopExit>> list(long allianceId) {
    return pool.preparedQuery(ALL).execute(Tuple.of(allianceId)).map(rows -> {
      List<ShopExit> exits = new ArrayList<>();
      rows.forEach(r -> exits.add(ShopExit.of(r, null, null)));
      return exits;
    });
  }

  static Future<Row> outstanding(SqlClient client, long allianceId, long shopId, Instant at) {
    return client.preparedQuery(OUTSTANDING).execute(Tuple.of(allianceId, shopId, utc(at)))
        .map(rows -> rows.iterator().next());
  }

  static java.time.OffsetDateTime utc(Instant at) {
    return at.atOffset(ZoneOffset.UTC);
  }
}
