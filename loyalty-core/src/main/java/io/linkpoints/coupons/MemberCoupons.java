package io.linkpoints.coupons;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What a member sees: its own coupons (with the code for the QR) and the coupon market. */
public final class MemberCoupons {
  // An issued coupon past its campaign's window shows as expired; nothing needs to rewrite it.
  private static final String MINE = "select k.id, k.campaign_id, k.member_id, k.code, k.source, k.points_paid,"
      + " k.issued_at, k.redeemed_at, k.redeemed_shop_id,"
      + " case when k.state = 'issued' and c.valid_until <= $3 then 'expired' else k.state end as state,"
      + " c.name, c.benefit_kind, c.amount_fen, c.percent_off, c.cap_fen, c.gift_name, c.gift_value_fen,"
      + " c.min_spend_fen, c.valid_from, c.valid_until,"
      + " (select json_agg(json_build_object('shopId', s.id, 'name', s.name) order by s.id)"
      + "    from coupon_campaign_shop p join shop s on s.alliance_id = p.alliance_id and s.id = p.shop_id"
      + "   where p.alliance_id = c.alliance_id and p.campaign_id = c.id and p.is_honouring) as honoured_at"
      + " from coupon k join coupon_campaign c on c.alliance_id = k.alliance_id and c.id = k.campaign_id"
      + " where k.alliance_id = $1 and k.member_id = $2 and k.state <> 'voided' and k.id > $4"
      + " order by k.id limit $5";
  private static final String MARKET = "select " + Campaigns.COLUMNS + ","
      + " coalesce(m.claimed, 0) as claimed_by_me,"
      + " (select json_agg(json_build_object('shopId', s.id, 'name', s.name) order by s.id)"
      + "    from coupon_campaign_shop p join shop s on s.alliance_id = p.alliance_id and s.id = p.shop_id"
      + "   where p.alliance_id = c.alliance_id and p.campaign_id = c.id and p.is_honouring) as honoured_at"
      + " from coupon_campaign c left join coupon_member_claims m"
      + "   on m.alliance_id = c.alliance_id and m.campaign_id = c.id and m.member_id = $2"
      + " where c.alliance_id = $1 and c.status = 'live' and c.market_price_points is not null"
      + " and c.valid_until > $3 and c.issued < c.inventory and " + Campaigns.BACKERS_ACTIVE + " order by c.id";

  // What the member can redeem at this shop now: issued, campaign live, inside its window, honoured here.
  private static final String USABLE_AT = "select k.id, k.code, c.name, c.benefit_kind, c.amount_fen, c.percent_off,"
      + " c.cap_fen, c.gift_name, c.gift_value_fen, c.min_spend_fen, c.valid_until"
      + " from coupon k join coupon_campaign c on c.alliance_id = k.alliance_id and c.id = k.campaign_id"
      + " join coupon_campaign_shop p on p.alliance_id = c.alliance_id and p.campaign_id = c.id"
      + "   and p.shop_id = $3 and p.is_honouring"
      + " where k.alliance_id = $1 and k.member_id = $2 and k.state = 'issued' and c.status = 'live'"
      + " and c.valid_from <= $4 and c.valid_until > $4 order by c.valid_until, k.id limit 50";

  private static final String CODE = "select code from coupon where alliance_id = $1 and member_id = $2 and id = $3"
      + " and state <> 'voided'";

  private final Pool pool;
  private final Clock clock;

  public MemberCoupons(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** A shop that honours a campaign's coupons. */
  public record HonouringShop(long shopId, String name) {
  }

  /** One of the member's coupons with what its campaign says about using it. */
  public record Owned(Coupon coupon, String campaignName, Benefit benefit, long minSpendFen, Instant validFrom,
      Instant validUntil, List<HonouringShop> honouredAt) {
  }

  /** A page of the member's coupons; {@code nextCursor} (the last id) is null on the last page. */
  public record Page(List<Owned> items, Long nextCursor) {
  }

  /** A coupon a till at this shop can take now. */
  public record Usable(long id, String code, String campaignName, Benefit benefit, long minSpendFen,
      Instant validUntil) {
  }

  /** A campaign in the coupon market: its price, what is left and how many the member already holds. */
  public record Offer(long campaignId, String name, Benefit benefit, long minSpendFen, Instant validFrom,
      Instant validUntil, long pricePoints, int remaining, int perMemberLimit, int claimedByMe,
      List<HonouringShop> honouredAt, Integer minTierLevel) {
  }

  /** The member's coupons after {@code afterId}, oldest first, at most {@code limit}. */
  public Future<Page> mine(long allianceId, long memberId, long afterId, int limit) {
    Instant now = clock.instant();
    return pool.preparedQuery(MINE).execute(Tuple.of(allianceId, memberId, Campaigns.utc(now), afterId, limit))
        .map(rows -> {
          List<Owned> items = new ArrayList<>();
          for (Row row : rows) {
            items.add(new Owned(Coupon.fromRow(row), row.getString("name"), Benefit.fromRow(row),
                row.getLong("min_spend_fen"), row.getOffsetDateTime("valid_from").toInstant(),
                row.getOffsetDateTime("valid_until").toInstant(), honouredAt(row)));
          }
          return new Page(items, items.size() == limit ? items.get(items.size() - 1).coupon().id() : null);
        });
  }

  /** The member's coupons a till at this shop can take now. */
  public Future<List<Usable>> usable(long allianceId, long memberId, long shopId) {
    Instant now = clock.instant();
    return pool.preparedQuery(USABLE_AT).execute(Tuple.of(allianceId, memberId, shopId, Campaigns.utc(now)))
        .map(rows -> {
          List<Usable> items = new ArrayList<>();
          for (Row row : rows) {
            items.add(new Usable(row.getLong("id"), row.getString("code"), row.getString("name"), Benefit.fromRow(row),
                row.getLong("min_spend_fen"), row.getOffsetDateTime("valid_until").toInstant()));
          }
          return items;
        });
  }

  /** The code of one of the member's own coupons (for its QR); anyone else's is not found. */
  public Future<String> couponCode(long allianceId, long memberId, long couponId) {
    return pool.preparedQuery(CODE).execute(Tuple.of(allianceId, memberId, couponId)).map(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.COUPON_NOT_FOUND.refuse("no such coupon of yours");
      }
      return rows.iterator().next().getString("code");
    });
  }

  /** Live campaigns a member can exchange points for now, with what is left and its own count. */
  public Future<List<Offer>> offers(long allianceId, long memberId) {
    Instant now = clock.instant();
    return pool.preparedQuery(MARKET).execute(Tuple.of(allianceId, memberId, Campaigns.utc(now))).map(rows -> {
      List<Offer> items = new ArrayList<>();
      for (Row row : rows) {
        items.add(new Offer(row.getLong("id"), row.getString("name"), Benefit.fromRow(row),
            row.getLong("min_spend_fen"), row.getOffsetDateTime("valid_from").toInstant(),
            row.getOffsetDateTime("valid_until").toInstant(), row.getLong("market_price_points"),
            row.getInteger("inventory") - row.getInteger("issued"), row.getInteger("per_member_limit"),
            row.getInteger("claimed_by_me"), honouredAt(row), row.getInteger("min_tier_level")));
      }
      return items;
    });
  }

  /** The honoured_at column: json_agg gives null, not [], when no shop honours the campaign. */
  private static List<HonouringShop> honouredAt(Row row) {
    List<HonouringShop> shops = new ArrayList<>();
    if (row.getJson("honoured_at") instanceof JsonArray agg) {
      for (Object o : agg) {
        JsonObject shop = (JsonObject) o;
        shops.add(new HonouringShop(shop.getLong("shopId"), shop.getString("name")));
      }
    }
    return List.copyOf(shops);
  }
}
