package io.linkpoints.settlement;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;

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
      + " where s.alliance_id = $1 and ($6::bigint is null or s.id = $6) group by s.id order by s.id";

  private final Pool pool;
  private final Clock clock;

  public Liability(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Every shop's liability ({@code shopId} null) or one shop's. */
  public Future<JsonObject> of(long allianceId, Long shopId) {
    var now = clock.instant();
    return pool.preparedQuery(SQL).execute(Tuple.of(allianceId, Periods.utc(now),
        Periods.utc(now.plus(Duration.ofDays(30))), Periods.utc(now.plus(Duration.ofDays(60))),
        Periods.utc(now.plus(Duration.ofDays(90))), shopId)).map(rows -> {
          JsonArray shops = new JsonArray();
          for (Row r : rows) {
            shops.add(new JsonObject().put("shopId", r.getLong("shop_id"))
                .put("outstandingPoints", r.getLong("points")).put("outstandingFen", r.getLong("value_fen"))
                .put("expiring", new JsonArray()
                    .add(window(30, r.getLong("points_30"), r.getLong("value_30")))
                    .add(window(60, r.getLong("points_60"), r.getLong("value_60")))
                    .add(window(90, r.getLong("points_90"), r.getLong("value_90")))));
          }
          return new JsonObject().put("asOf", now.toString()).put("shops", shops);
        });
  }

  private static JsonObject window(int days, long points, long fen) {
    return new JsonObject().put("withinDays", days).put("points", points).put("valueFen", fen);
  }
}
