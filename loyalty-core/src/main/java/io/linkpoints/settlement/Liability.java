package io.linkpoints.settlement;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What each shop still owes its points: the unspent, unexpired points of lots it issued, their
 * value at each lot's price, and what of it expires in the next 30, 60 and 90 days. Points held
 * for an open hold are already taken out of their lots, so they do not count.
 */
public final class Liability {
  private static final String SQL = "select s.id as shop_id,"
      + " coalesce(sum(l.points_left), 0) as points, coalesce(sum(l.points_left * l.price_per_point_fen), 0) as value_fen,"
      + " coalesce(sum(l.points_left) filter (where l.expires_at < $3), 0) as points_30,"
      + " coalesce(sum(l.points_left * l.price_per_point_fen) filter (where l.expires_at < $3), 0) as value_30,"
      + " coalesce(sum(l.points_left) filter (where l.expires_at < $4), 0) as points_60,"
      + " coalesce(sum(l.points_left * l.price_per_point_fen) filter (where l.expires_at < $4), 0) as value_60,"
      + " coalesce(sum(l.points_left) filter (where l.expires_at < $5), 0) as points_90,"
      + " coalesce(sum(l.points_left * l.price_per_point_fen) filter (where l.expires_at < $5), 0) as value_90"
      + " from shop s left join ledger_lot l on l.alliance_id = s.alliance_id and l.issuer_shop_id = s.id"
      + "  and l.points_left > 0 and l.expires_at > $2"
      // A shop that left with its points charged to the fund owes none of them any more: the fund
      // carries them (what it took over is on the exit record, docs/shop-exit.md).
      + "  and not exists (select 1 from shop_exit x where x.alliance_id = $1 and x.shop_id = s.id"
      + "   and x.mode = 'charge_to_fund' and x.completed_at is not null)"
      + " where s.alliance_id = $1 and ($6::bigint is null or s.id = $6) group by s.id order by s.id";

  private final Pool pool;
  private final Clock clock;

  public Liability(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Points of a shop's lots that expire within {@code withinDays}, and their value. */
  public record Expiring(int withinDays, long points, long valueFen) {
  }

  /** A shop's outstanding points and their value, and what of them expires in the next 30, 60 and 90 days. */
  public record ShopLiability(long shopId, long outstandingPoints, long outstandingFen, List<Expiring> expiring) {
  }

  /** The liability of shops as of a moment. */
  public record Snapshot(Instant asOf, List<ShopLiability> shops) {
  }

  /** Every shop's liability ({@code shopId} null) or one shop's. */
  public Future<Snapshot> of(long allianceId, Long shopId) {
    var now = clock.instant();
    return pool.preparedQuery(SQL).execute(Tuple.of(allianceId, Periods.utc(now),
        Periods.utc(now.plus(Duration.ofDays(30))), Periods.utc(now.plus(Duration.ofDays(60))),
        Periods.utc(now.plus(Duration.ofDays(90))), shopId)).map(rows -> {
          List<ShopLiability> shops = new ArrayList<>();
          for (Row r : rows) {
            shops.add(new ShopLiability(r.getLong("shop_id"), r.getLong("points"), r.getLong("value_fen"), List.of(
                new Expiring(30, r.getLong("points_30"), r.getLong("value_30")),
                new Expiring(60, r.getLong("points_60"), r.getLong("value_60")),
                new Expiring(90, r.getLong("points_90"), r.getLong("value_90")))));
          }
          return new Snapshot(now, shops);
        });
  }
}
