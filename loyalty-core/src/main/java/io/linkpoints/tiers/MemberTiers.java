package io.linkpoints.tiers;

import io.linkpoints.outbox.Outbox;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Each member's tier: read for the till and the wallet, and evaluated from the member's own
 * accruals in the window, net of refunds. An evaluation runs in one transaction holding the
 * member's tier row ({@code for update}), so two sales crossing a boundary at once make one change
 * and one history row: the second finds the tier already changed.
 */
public final class MemberTiers {
  private static final String MEMBER = "select id from member where alliance_id = $1 and handle = $2";
  private static final String DEFINED = "select 1 from tier_rule where alliance_id = $1";
  private static final String CURRENT_BY_HANDLE = "select t.level, l.name_zh, l.name_en from member m"
      + " join member_tier t on t.alliance_id = m.alliance_id and t.member_id = m.id"
      + " join tier_level l on l.alliance_id = t.alliance_id and l.level = t.level"
      + " where m.alliance_id = $1 and m.handle = $2";
  private static final String CURRENT = "select t.level, l.name_zh, l.name_en from member_tier t"
      + " join tier_level l on l.alliance_id = t.alliance_id and l.level = t.level"
      + " where t.alliance_id = $1 and t.member_id = $2";
  private static final String STATE = "select level, since, grace_until, rule_version from member_tier"
      + " where alliance_id = $1 and member_id = $2";
  private static final String OPEN = "insert into member_tier (alliance_id, member_id, level, since, rule_version)"
      + " values ($1, $2, null, $3, 0) on conflict (alliance_id, member_id) do nothing";
  private static final String LOCK = "select level, grace_until, rule_version, reviewed_on from member_tier"
      + " where alliance_id = $1 and member_id = $2 for update";
  // A refunded sale counts for what is left of it: its points less those the refunds took back,
  // floor(p·r/s) as pos.Refunds takes them; a shop counts if some spend there is not refunded.
  private static final String FIGURES = "select"
      + " coalesce(sum(case when spend_fen = 0 then points else points - points * refunded_fen / spend_fen end), 0)"
      + "   as points,"
      // A sale's bonus rows (promotion, bounty, tier perks) repeat its spend: counted once, on the sale.
      + " coalesce(sum(spend_fen - refunded_fen) filter (where bonus_of is null), 0) as spend_fen,"
      + " count(distinct shop_id) filter (where spend_fen > refunded_fen) as shops"
      + " from pos_accrual where alliance_id = $1 and member_id = $2 and created_at > $3 and created_at <= $4";
  private static final String WRITE = "update member_tier set level = $3, since = case when level is distinct from $3"
      + " then $4 else since end, grace_until = $5, rule_version = $6, reviewed_on = coalesce($7, reviewed_on)"
      + " where alliance_id = $1 and member_id = $2";
  private static final String HISTORY = "insert into member_tier_change (alliance_id, member_id, from_level, to_level,"
      + " reason, at) values ($1, $2, $3, $4, $5, $6)";

  // tier.changed, in the change's transaction: the member by handle, the new level's names (none: no tier).
  private static final String TOLD = "with e as (insert into outbox_event (alliance_id, id, type, shop_id, member_id,"
      + " payload, created_at) select $1::bigint, $2::uuid, 'tier.changed', null, m.id, jsonb_strip_nulls("
      + "jsonb_build_object('member', m.handle, 'fromLevel', $4::int, 'toLevel', $5::int, 'reason', $6::text,"
      + " 'levelNameZh', l.name_zh, 'levelNameEn', l.name_en)), $7::timestamptz from member m"
      + " left join tier_level l on l.alliance_id = m.alliance_id and l.level = $5::int"
      + " where m.alliance_id = $1 and m.id = $3"
      + " on conflict (alliance_id, id) do nothing returning id, seq, type, shop_id, created_at)" + Outbox.FAN_OUT;

  private final Pool pool;
  private final Clock clock;

  public MemberTiers(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** The member's tier now, by handle (as the till knows them), in one statement; empty without one. */
  public Future<Optional<Tier>> currentByHandle(long allianceId, String handle) {
    return pool.preparedQuery(CURRENT_BY_HANDLE).execute(Tuple.of(allianceId, handle)).map(MemberTiers::tier);
  }

  Future<Optional<Tier>> current(long allianceId, long memberId) {
    return pool.preparedQuery(CURRENT).execute(Tuple.of(allianceId, memberId)).map(MemberTiers::tier);
  }

  private static Optional<Tier> tier(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row r = rows.iterator().next();
    return Optional.of(new Tier(r.getInteger("level"), r.getString("name_zh"), r.getString("name_en")));
  }

  /**
   * After a sale committed: the member's tier evaluated (an upgrade at once), then answered.
   * Callers treat a failure as no change: the sale stands, the daily review catches up. In an
   * alliance without tiers, one statement says so and nothing else runs.
   */
  public Future<Optional<Tier>> afterEarn(long allianceId, String handle) {
    return pool.preparedQuery(DEFINED).execute(Tuple.of(allianceId)).compose(defined -> defined.size() == 0
        ? Future.succeededFuture(Optional.empty())
        : memberId(allianceId, handle).compose(id -> id.isEmpty() ? Future.succeededFuture(Optional.empty())
            : evaluate(allianceId, id.get(), TierDecision.Occasion.EARN, null)
                .compose(v -> current(allianceId, id.get()))));
  }

  private Future<Optional<Long>> memberId(long allianceId, String handle) {
    return pool.preparedQuery(MEMBER).execute(Tuple.of(allianceId, handle))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("id")));
  }

  /**
   * One evaluation, in one transaction under the member's row lock. {@code reviewDay}: the
   * alliance-local day of a daily review, which acts once per member and day (null on earn).
   * Answers whether the level changed.
   */
  Future<Boolean> evaluate(long allianceId, long memberId, TierDecision.Occasion occasion, LocalDate reviewDay) {
    Instant now = clock.instant();
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    return pool.withTransaction(conn -> TierDefinitions.find(conn, allianceId).compose(rule -> rule.isEmpty()
        ? Future.succeededFuture(false)
        : conn.preparedQuery(OPEN).execute(Tuple.of(allianceId, memberId, at))
            .compose(v -> conn.preparedQuery(LOCK).execute(Tuple.of(allianceId, memberId)))
            .compose(rows -> {
              Row row = rows.iterator().next();
              if (reviewDay != null && reviewDay.equals(row.getLocalDate("reviewed_on"))) {
                return Future.succeededFuture(false);
              }
              Integer level = row.getInteger("level");
              OffsetDateTime grace = row.getOffsetDateTime("grace_until");
              TierDecision.State state = new TierDecision.State(level == null ? 0 : level,
                  grace == null ? null : grace.toInstant(), row.getLong("rule_version"));
              return figures(conn, allianceId, memberId, rule.get().windowDays(), now)
                  .compose(f -> write(conn, allianceId, memberId, rule.get(), state, f, occasion, reviewDay, now));
            })));
  }

  private Future<Boolean> write(SqlConnection conn, long allianceId, long memberId, TierRule rule,
      TierDecision.State state, Figures f, TierDecision.Occasion occasion, LocalDate reviewDay, Instant now) {
    TierDecision.Outcome o = TierDecision.decide(state, rule.qualified(f), rule.version(), rule.graceDays(),
        occasion, now);
    if (!o.changes(state) && state.ruleVersion() == rule.version() && reviewDay == null) {
      return Future.succeededFuture(false);
    }
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    Future<?> written = conn.preparedQuery(WRITE).execute(Tuple.of(allianceId, memberId, o.level() == 0 ? null : o.level(),
        at, o.graceUntil() == null ? null : o.graceUntil().atOffset(ZoneOffset.UTC), rule.version(), reviewDay));
    if (o.reason() == null) {
      return written.map(false);
    }
    Integer from = state.level() == 0 ? null : state.level();
    Integer to = o.level() == 0 ? null : o.level();
    // The change row and its event, under the member's row lock: one event per change.
    UUID eventId = Outbox.eventId("tier", String.valueOf(allianceId), String.valueOf(memberId), String.valueOf(from),
        String.valueOf(to), at.toInstant().toString());
    return written.compose(v -> conn.preparedQuery(HISTORY).execute(Tuple.of(allianceId, memberId, from, to,
            o.reason(), at)))
        .compose(v -> conn.preparedQuery(TOLD).execute(Tuple.from(new Object[] {allianceId, eventId, memberId, from,
            to, o.reason(), at})))
        .map(true);
  }

  static Future<Figures> figures(SqlClient client, long allianceId, long memberId, int windowDays, Instant now) {
    return client.preparedQuery(FIGURES).execute(Tuple.of(allianceId, memberId,
            now.minus(Duration.ofDays(windowDays)).atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Figures(r.getLong("points"), r.getLong("spend_fen"), r.getLong("shops"));
        });
  }

  /** The wallet's view: the tier, the figures, the next level and what it still needs, the tier's perks. */
  public record Progress(TierRule rule, Tier tier, Instant since, Instant graceUntil, Figures figures,
      TierRule.Level next, long missing, long missingShops, Perks perks) {
  }

  /** What the member's tier earns: the alliance's multiplier and each shop's perks (none without a tier). */
  public record Perks(Integer allianceMultiplierPermille, List<ShopPerks> shops) {
  }

  /** A shop's perks for the member's tier: its multiplier (the highest level set up to theirs) and tier-only coupons. */
  public record ShopPerks(long shopId, String shopName, Integer multiplierPermille, List<TierCoupon> coupons) {
  }

  /** A tier-only coupon campaign the member's tier opens. */
  public record TierCoupon(long campaignId, String name, int minTierLevel) {
  }

  // Every shop's perks from the first level up to the member's, lowest first.
  private static final String SHOP_PERKS = "select p.shop_id, s.name as shop_name, p.level, p.multiplier_permille,"
      + " p.coupon_campaign_id, c.name as campaign_name from shop_tier_perk p"
      + " join shop s on s.alliance_id = p.alliance_id and s.id = p.shop_id"
      + " left join coupon_campaign c on c.alliance_id = p.alliance_id and c.id = p.coupon_campaign_id"
      + " where p.alliance_id = $1 and p.level <= $2 order by p.shop_id, p.level";

  private Future<Perks> perks(long allianceId, TierRule.Level held) {
    return pool.preparedQuery(SHOP_PERKS).execute(Tuple.of(allianceId, held.level())).map(rows -> {
      Map<Long, ShopPerks> shops = new LinkedHashMap<>();
      for (Row r : rows) {
        long shopId = r.getLong("shop_id");
        ShopPerks was = shops.get(shopId);
        Integer multiplier = r.getInteger("multiplier_permille") != null ? r.getInteger("multiplier_permille")
            : was == null ? null : was.multiplierPermille();
        List<TierCoupon> coupons = new ArrayList<>(was == null ? List.of() : was.coupons());
        if (r.getLong("coupon_campaign_id") != null) {
          coupons.add(new TierCoupon(r.getLong("coupon_campaign_id"), r.getString("campaign_name"), r.getInteger("level")));
        }
        shops.put(shopId, new ShopPerks(shopId, r.getString("shop_name"), multiplier, List.copyOf(coupons)));
      }
      return new Perks(held.allianceMultiplierPermille(), List.copyOf(shops.values()));
    });
  }

  /** The member's progress; refused (404 tiers_not_defined) when the alliance has no tiers. */
  public Future<Progress> progress(long allianceId, long memberId) {
    Instant now = clock.instant();
    return TierDefinitions.find(pool, allianceId).compose(found -> {
      TierRule rule = found.orElseThrow(() -> ProblemCode.TIERS_NOT_DEFINED.refuse("this alliance has no tiers defined"));
      return pool.preparedQuery(STATE).execute(Tuple.of(allianceId, memberId))
          .compose(rows -> figures(pool, allianceId, memberId, rule.windowDays(), now).map(f -> {
            Row r = rows.size() == 0 ? null : rows.iterator().next();
            int level = r == null || r.getInteger("level") == null ? 0 : r.getInteger("level");
            TierRule.Level held = rule.level(level);
            TierRule.Level next = rule.level(level + 1);
            OffsetDateTime grace = r == null ? null : r.getOffsetDateTime("grace_until");
            OffsetDateTime since = r == null ? null : r.getOffsetDateTime("since");
            return new Progress(rule, held == null ? null : held.tier(),
                held == null || since == null ? null : since.toInstant(), grace == null ? null : grace.toInstant(), f,
                next, next == null ? 0 : Math.max(0, next.threshold() - f.on(rule.basis())),
                next == null ? 0 : Math.max(0, next.minShops() - f.shops()), new Perks(null, List.of()));
          }))
          .compose(p -> p.tier() == null ? Future.succeededFuture(p) : perks(allianceId, rule.level(p.tier().id()))
              .map(perks -> new Progress(p.rule(), p.tier(), p.since(), p.graceUntil(), p.figures(), p.next(),
                  p.missing(), p.missingShops(), perks)));
    });
  }
}
