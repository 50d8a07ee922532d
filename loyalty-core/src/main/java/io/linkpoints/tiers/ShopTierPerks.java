package io.linkpoints.tiers;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A shop's own perks per tier level, set by its owner (or the admin), replaced all at once: an
 * earn multiplier the shop pays for (at the till: pos.Bonuses), and a tier-only coupon campaign of
 * its own, which only members holding that level or above can get (the campaign's
 * {@code min_tier_level}, checked where every coupon is issued: coupons.CouponIssuer).
 *
 * <p>A shop multiplier holds from its level up: a member gets the one set at the highest level
 * not above their own (Silver ×1.1 is also a Gold member's, unless Gold sets its own).
 */
public final class ShopTierPerks {
  /** One level's perks; at least one of the two is set. */
  public record Perk(int level, Integer multiplierPermille, Long couponCampaignId, String couponCampaignName,
      Instant updatedAt) {
  }

  /** What an owner asks for at one level. */
  public record Draft(int level, Integer multiplierPermille, Long couponCampaignId) {
  }

  private static final String LIST = "select p.level, p.multiplier_permille, p.coupon_campaign_id, c.name as campaign_name,"
      + " p.updated_at from shop_tier_perk p left join coupon_campaign c on c.alliance_id = p.alliance_id"
      + " and c.id = p.coupon_campaign_id where p.alliance_id = $1 and p.shop_id = $2 order by p.level";
  // Two replaces of one shop's perks take turns (no key update: sales referring to the shop go on).
  private static final String LOCK_SHOP = "select id from shop where alliance_id = $1 and id = $2 for no key update";
  private static final String LEVELS = "select count(*) as levels from tier_level where alliance_id = $1";
  private static final String OWN_CAMPAIGNS = "select id from coupon_campaign where alliance_id = $1"
      + " and creator_shop_id = $2 and id = any($3)";
  private static final String DROP = "delete from shop_tier_perk where alliance_id = $1 and shop_id = $2";
  private static final String UNRESTRICT = "update coupon_campaign set min_tier_level = null where alliance_id = $1"
      + " and creator_shop_id = $2 and min_tier_level is not null";
  private static final String ADD = "insert into shop_tier_perk (alliance_id, shop_id, level, multiplier_permille,"
      + " coupon_campaign_id, updated_at) values ($1, $2, $3, $4, $5, $6)";
  private static final String RESTRICT = "update coupon_campaign set min_tier_level = $4 where alliance_id = $1"
      + " and creator_shop_id = $2 and id = $3";

  private final Pool pool;
  private final Clock clock;

  public ShopTierPerks(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  public Future<List<Perk>> get(long allianceId, long shopId) {
    return list(pool, allianceId, shopId);
  }

  /**
   * Replaces the shop's perks. Refused: 404 tiers_not_defined before the alliance has tiers, 400
   * invalid_tier_perks for a level it does not have or a level or campaign named twice, 404
   * campaign_not_found for a campaign this shop did not create. Campaigns no longer named are
   * open to everyone again.
   */
  public Future<List<Perk>> replace(long allianceId, long shopId, List<Draft> drafts) {
    Set<Integer> levels = new HashSet<>();
    Set<Long> campaigns = new HashSet<>();
    List<Draft> kept = new ArrayList<>();
    for (Draft d : drafts) {
      if (!levels.add(d.level())) {
        throw ProblemCode.INVALID_TIER_PERKS.refuse("level " + d.level() + " is named twice");
      }
      if (d.couponCampaignId() != null && !campaigns.add(d.couponCampaignId())) {
        throw ProblemCode.INVALID_TIER_PERKS.refuse("campaign " + d.couponCampaignId() + " is named at two levels");
      }
      Integer m = d.multiplierPermille();
      if (m != null && (m < TierDefinitions.MIN_MULTIPLIER || m > TierDefinitions.MAX_MULTIPLIER)) {
        throw ProblemCode.INVALID_TIER_PERKS.refuse("a multiplier is " + TierDefinitions.MIN_MULTIPLIER + " to "
            + TierDefinitions.MAX_MULTIPLIER + " per-mille");
      }
      if (m != null || d.couponCampaignId() != null) {
        kept.add(d);
      }
    }
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_SHOP).execute(Tuple.of(allianceId, shopId))
        .compose(shop -> conn.preparedQuery(LEVELS).execute(Tuple.of(allianceId)))
        .compose(rows -> {
          long defined = rows.iterator().next().getLong("levels");
          if (defined == 0) {
            throw ProblemCode.TIERS_NOT_DEFINED.refuse("this alliance has no tiers defined");
          }
          for (Draft d : kept) {
            if (d.level() > defined) {
              throw ProblemCode.INVALID_TIER_PERKS.refuse("the alliance's tiers have " + defined + " levels, not "
                  + d.level());
            }
          }
          return conn.preparedQuery(OWN_CAMPAIGNS).execute(Tuple.of(allianceId, shopId, campaigns.toArray(new Long[0])));
        })
        .compose(own -> {
          if (own.size() != campaigns.size()) {
            throw ProblemCode.CAMPAIGN_NOT_FOUND.refuse("a tier-only coupon is a campaign this shop created");
          }
          return write(conn, allianceId, shopId, kept, now);
        })
        .compose(v -> list(conn, allianceId, shopId)));
  }

  private static Future<Void> write(SqlConnection conn, long allianceId, long shopId, List<Draft> kept,
      OffsetDateTime now) {
    Future<?> done = conn.preparedQuery(DROP).execute(Tuple.of(allianceId, shopId))
        .compose(v -> conn.preparedQuery(UNRESTRICT).execute(Tuple.of(allianceId, shopId)));
    List<Tuple> rows = new ArrayList<>();
    List<Tuple> restricted = new ArrayList<>();
    for (Draft d : kept) {
      rows.add(Tuple.from(new Object[] {allianceId, shopId, d.level(), d.multiplierPermille(), d.couponCampaignId(),
          now}));
      if (d.couponCampaignId() != null) {
        restricted.add(Tuple.of(allianceId, shopId, d.couponCampaignId(), d.level()));
      }
    }
    if (!rows.isEmpty()) {
      done = done.compose(v -> conn.preparedQuery(ADD).executeBatch(rows));
    }
    if (!restricted.isEmpty()) {
      done = done.compose(v -> conn.preparedQuery(RESTRICT).executeBatch(restricted));
    }
    return done.mapEmpty();
  }

  private static Future<List<Perk>> list(SqlClient client, long allianceId, long shopId) {
    return client.preparedQuery(LIST).execute(Tuple.of(allianceId, shopId)).map(rows -> {
      List<Perk> perks = new ArrayList<>();
      for (Row r : rows) {
        perks.add(new Perk(r.getInteger("level"), r.getInteger("multiplier_permille"), r.getLong("coupon_campaign_id"),
            r.getString("campaign_name"), r.getOffsetDateTime("updated_at").toInstant()));
      }
      return perks;
    });
  }
}
