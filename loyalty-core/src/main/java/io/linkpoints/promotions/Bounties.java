package io.linkpoints.promotions;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * A shop's new-customer bounty: the points it pays a member on their first purchase at the shop
 * (if that purchase spends at least {@code minSpendFen}). Paying it, exactly once per member and
 * shop, is the POS's (pos.Bonuses).
 */
public final class Bounties {
  private static final String GET = "select points, min_spend_fen, updated_at from shop_bounty"
      + " where alliance_id = $1 and shop_id = $2";
  private static final String PUT = "insert into shop_bounty (alliance_id, shop_id, points, min_spend_fen, updated_at)"
      + " values ($1, $2, $3, $4, $5) on conflict (alliance_id, shop_id) do update set points = excluded.points,"
      + " min_spend_fen = excluded.min_spend_fen, updated_at = excluded.updated_at"
      + " returning points, min_spend_fen, updated_at";

  private final Pool pool;
  private final Clock clock;

  public Bounties(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** The bounty; {@code points} 0: none. {@code updatedAt} null: never set. */
  public record Bounty(long shopId, long points, long minSpendFen, Instant updatedAt) {
    public boolean paidFor(long spendFen) {
      return points > 0 && spendFen >= minSpendFen;
    }
  }

  public Future<Bounty> get(long allianceId, long shopId) {
    return pool.preparedQuery(GET).execute(Tuple.of(allianceId, shopId))
        .map(rows -> rows.size() == 0 ? new Bounty(shopId, 0, 0, null) : of(shopId, rows.iterator().next()));
  }

  /** Sets it (0 points turns it off); members who already bought here never get it. */
  public Future<Bounty> put(long allianceId, long shopId, long points, long minSpendFen) {
    return pool.preparedQuery(PUT).execute(Tuple.of(allianceId, shopId, points, minSpendFen,
            clock.instant().atOffset(ZoneOffset.UTC)))
        .map(rows -> of(shopId, rows.iterator().next()));
  }

  private static Bounty of(long shopId, Row r) {
    return new Bounty(shopId, r.getLong("points"), r.getLong("min_spend_fen"),
        r.getOffsetDateTime("updated_at").toInstant());
  }
}
