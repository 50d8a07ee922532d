package io.linkpoints.alliance;

import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Each shop's earn rule, and quotes of what a spend would earn under it and the alliance's cap. */
public final class EarnRules {
  private static final String RULE = "select r.points_per_yuan, r.rounding, r.daily_cap_points,"
      + " a.member_daily_cap_points, a.time_zone"
      + " from earn_rule r join alliance a on a.id = r.alliance_id"
      + " where r.alliance_id = $1 and r.shop_id = $2";

  private static final String UPDATE = "update earn_rule set points_per_yuan = $3, rounding = $4,"
      + " daily_cap_points = $5, updated_at = now() where alliance_id = $1 and shop_id = $2"
      + " returning points_per_yuan, rounding, daily_cap_points";

  private static final String MEMBER = "select id from member where alliance_id = $1 and handle = $2";

  // Points the member's wallet received from shops' issuance accounts in [day start, day end):
  // posted earns (single-phase, or the post of a hold), at this shop and across the alliance.
  private static final String EARNED_TODAY = "select"
      + " coalesce(sum(t.amount) filter (where i.owner_id = $3), 0) as at_shop,"
      + " coalesce(sum(t.amount), 0) as in_alliance"
      + " from ledger_account w"
      + " join ledger_transfer t on t.alliance_id = w.alliance_id and t.credit_account_id = w.id"
      + "   and t.flags in (0, 2) and t.created_at >= $4 and t.created_at < $5"
      // A sale's promotion, bounty and tier perk points (pos.Bonuses) are outside the caps: not counted.
      + "   and t.code not in ('pos_promotion', 'pos_bounty', 'pos_tier_shop', 'pos_tier_alliance')"
      + " join ledger_account i on i.alliance_id = t.alliance_id and i.id = t.debit_account_id"
      + "   and i.kind = 'merchant_issuance'"
      + " where w.alliance_id = $1 and w.kind = 'member_wallet' and w.owner_id = $2";

  private final Pool pool;
  private final Clock clock;

  public EarnRules(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  private record Loaded(EarnRule rule, Long allianceCap, ZoneId zone) {
  }

  private Future<Loaded> load(long allianceId, long shopId) {
    return pool.preparedQuery(RULE).execute(Tuple.of(allianceId, shopId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.shopNotFound(shopId);
      }
      Row row = rows.iterator().next();
      return new Loaded(rule(row), row.getLong("member_daily_cap_points"), ZoneId.of(row.getString("time_zone")));
    });
  }

  /** A shop's earn rule. */
  public record ShopRule(long shopId, EarnRule rule) {
  }

  /** What a spend would earn at a shop: the quote, what the member already earned today, and the rule used. */
  public record EarnQuote(long shopId, EarnCalculator.Quote quote, EarnCalculator.EarnedToday earnedToday,
      EarnRule rule) {
  }

  public Future<ShopRule> get(long allianceId, long shopId) {
    return load(allianceId, shopId).map(l -> new ShopRule(shopId, l.rule()));
  }

  public Future<ShopRule> put(long allianceId, long shopId, EarnRule rule) {
    return pool.preparedQuery(UPDATE).execute(Tuple.of(allianceId, shopId, rule.pointsPerYuan(),
            rule.rounding().dbName(), rule.dailyCapPoints()))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.shopNotFound(shopId);
          }
          return new ShopRule(shopId, rule(rows.iterator().next()));
        });
  }

  /** What {@code spendFen} would earn now; with a member handle, after today's caps for that member. */
  public Future<EarnQuote> quoteEarn(long allianceId, long shopId, long spendFen, String memberHandle) {
    return load(allianceId, shopId).compose(loaded -> earnedToday(allianceId, shopId, memberHandle, loaded.zone())
        .map(earned -> new EarnQuote(shopId,
            EarnCalculator.quote(spendFen, loaded.rule(), loaded.allianceCap(), earned), earned, loaded.rule())));
  }

  private Future<EarnCalculator.EarnedToday> earnedToday(long allianceId, long shopId, String handle, ZoneId zone) {
    if (handle == null) {
      return Future.succeededFuture(EarnCalculator.EarnedToday.NONE);
    }
    EarnCalculator.Day day = EarnCalculator.Day.containing(clock.instant(), zone);
    return pool.preparedQuery(MEMBER).execute(Tuple.of(allianceId, handle)).compose(members -> {
      if (members.size() == 0) {
        throw ProblemCode.MEMBER_NOT_FOUND.refuse("no member with that handle in this alliance");
      }
      long memberId = members.iterator().next().getLong("id");
      return pool.preparedQuery(EARNED_TODAY).execute(Tuple.of(allianceId, memberId, shopId,
              day.start().atOffset(ZoneOffset.UTC), day.end().atOffset(ZoneOffset.UTC)))
          .map(rows -> {
            Row row = rows.iterator().next();
            return new EarnCalculator.EarnedToday(row.getLong("at_shop"), row.getLong("in_alliance"));
          });
    });
  }

  private static EarnRule rule(Row row) {
    return new EarnRule(row.getInteger("points_per_yuan"), Rounding.fromDb(row.getString("rounding")),
        row.getLong("daily_cap_points"));
  }
}
