package io.linkpoints.coupons;

import io.linkpoints.outbox.EventType;
import io.linkpoints.outbox.Outbox;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Campaigns and their consent. A shop's owner creates one naming the shops that hand coupons out
 * (issuers), take them (honouring) and pay for them (funding in basis points). Every named shop
 * other than the creator must accept before it goes live; any participant may pause its own part,
 * and the campaign runs only while nobody has paused. The status column is recomputed from the
 * participants under the campaign row's lock, so issuance sees one consistent answer.
 */
public final class Campaigns {
  /**
   * True while no shop that issues or funds campaign {@code c} is suspended: a suspended shop's
   * campaigns hand out no coupons (market, claim codes, purchases) until it is reinstated, so it
   * takes on no new liability. Coupons already held stay valid where they are honoured.
   */
  static final String BACKERS_ACTIVE = "not exists (select 1 from coupon_campaign_shop b join shop s"
      + " on s.alliance_id = b.alliance_id and s.id = b.shop_id"
      + " where b.alliance_id = c.alliance_id and b.campaign_id = c.id and (b.is_issuer or b.funding_bps > 0)"
      + " and s.status = 'suspended')";
  static final String COLUMNS = "c.alliance_id, c.id, c.creator_shop_id, c.name, c.benefit_kind, c.amount_fen,"
      + " c.percent_off, c.cap_fen, c.gift_name, c.gift_value_fen, c.min_spend_fen, c.valid_from, c.valid_until,"
      + " c.inventory, c.issued, c.per_member_limit, c.auto_issue_min_spend_fen, c.market_price_points, c.shop_codes,"
      + " c.status, c.created_at, c.min_tier_level";

  private static final String INSERT = "insert into coupon_campaign (alliance_id, creator_shop_id, name, benefit_kind,"
      + " amount_fen, percent_off, cap_fen, gift_name, gift_value_fen, min_spend_fen, valid_from, valid_until, inventory,"
      + " per_member_limit, auto_issue_min_spend_fen, market_price_points, shop_codes, status, created_at)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) returning id";
  private static final String INSERT_SHOP = "insert into coupon_campaign_shop (alliance_id, campaign_id, shop_id,"
      + " is_issuer, is_honouring, funding_bps, accepted_at) values ($1, $2, $3, $4, $5, $6, $7)";
  private static final String ONE = "select " + COLUMNS + " from coupon_campaign c where c.alliance_id = $1 and c.id = $2";
  private static final String ALL = "select " + COLUMNS + " from coupon_campaign c where c.alliance_id = $1 order by c.id";
  private static final String OF_SHOP = "select " + COLUMNS + " from coupon_campaign c where c.alliance_id = $1"
      + " and exists (select 1 from coupon_campaign_shop p where p.alliance_id = c.alliance_id"
      + "   and p.campaign_id = c.id and p.shop_id = $2) order by c.id";
  private static final String PARTICIPANTS = "select p.campaign_id, p.shop_id, s.name, p.is_issuer, p.is_honouring,"
      + " p.funding_bps, p.accepted_at, p.paused_at from coupon_campaign_shop p"
      + " join shop s on s.alliance_id = p.alliance_id and s.id = p.shop_id"
      + " where p.alliance_id = $1 and p.campaign_id = any($2) order by p.campaign_id, p.shop_id";
  private static final String REDEEMED = "select campaign_id, count(*) as redeemed from coupon"
      + " where alliance_id = $1 and campaign_id = any($2) and state = 'redeemed' group by campaign_id";
  private static final String LOCK = "select id from coupon_campaign where alliance_id = $1 and id = $2 for no key update";
  // changed: this call accepted (paused) it, not an earlier one: only then the other shops are told.
  private static final String ACCEPT = "update coupon_campaign_shop set accepted_at = coalesce(accepted_at, $4)"
      + " where alliance_id = $1 and campaign_id = $2 and shop_id = $3 returning shop_id, accepted_at = $4 as changed";
  private static final String PAUSE = "update coupon_campaign_shop set paused_at = coalesce(paused_at, $4)"
      + " where alliance_id = $1 and campaign_id = $2 and shop_id = $3 returning shop_id, paused_at = $4 as changed";
  // A cross-promotion's news for its other shops (outbox, in the change's transaction): promotion.proposed to
  // each shop a new campaign names, promotion.accepted / promotion.paused when one of them accepts or pauses.
  // $3: the shop that acted, $4: the type, $5: what names the event (with each shop told), $6: when.
  private static final String TELL_OTHERS = "with e as (insert into outbox_event (alliance_id, id, type, shop_id,"
      + " member_id, payload, created_at) select $1::bigint, md5($5::text || ':' || s.shop_id)::uuid, $4::text,"
      + " s.shop_id, null, jsonb_build_object('campaignId', $2::bigint, 'name', c.name, 'byShopId', $3::bigint,"
      + " 'status', c.status), $6::timestamptz from coupon_campaign_shop s join coupon_campaign c"
      + " on c.alliance_id = s.alliance_id and c.id = s.campaign_id"
      + " where s.alliance_id = $1 and s.campaign_id = $2 and s.shop_id <> $3"
      + " on conflict (alliance_id, id) do nothing returning id, seq, type, shop_id, created_at)" + Outbox.FAN_OUT;
  private static final String RESUME = "update coupon_campaign_shop set paused_at = null"
      + " where alliance_id = $1 and campaign_id = $2 and shop_id = $3 returning shop_id";
  // Run after the row lock is taken, so its subqueries see every committed participant change.
  private static final String RESTATUS = "update coupon_campaign c set status = case"
      + " when exists (select 1 from coupon_campaign_shop p where p.alliance_id = c.alliance_id"
      + "   and p.campaign_id = c.id and p.accepted_at is null) then 'awaiting_consent'"
      + " when exists (select 1 from coupon_campaign_shop p where p.alliance_id = c.alliance_id"
      + "   and p.campaign_id = c.id and p.paused_at is not null) then 'paused'"
      + " else 'live' end where c.alliance_id = $1 and c.id = $2";

  private final Pool pool;
  private final Clock clock;

  public Campaigns(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * A campaign as its creator proposes it: its terms, and the shops that hand its coupons out
   * ({@code issuingShopIds}), take them ({@code honouringShopIds}) and pay for them ({@code funding},
   * in basis points). A null list names the creating shop alone (for funding: it pays it all). A shop
   * named twice as issuer or as honouring counts once; a sponsor named twice is refused.
   */
  public record Draft(String name, Benefit benefit, long minSpendFen, Instant validFrom, Instant validUntil,
      int inventory, int perMemberLimit, Long autoIssueMinSpendFen, Long marketPricePoints, boolean shopCodes,
      List<Long> issuingShopIds, List<Long> honouringShopIds, List<FundingSplit.Share> funding) {
  }

  /** A shop named in a new campaign, as its coupon_campaign_shop row will be. */
  private record Named(long shopId, boolean issuer, boolean honouring, int fundingBps) {
  }

  /** Creates a campaign for {@code creatorShopId}; live at once unless it names another shop. */
  public Future<Campaign> create(long allianceId, long creatorShopId, Draft draft) {
    if (!draft.validUntil().isAfter(draft.validFrom())) {
      throw ProblemCode.INVALID_WINDOW.refuse("validUntil must be after validFrom");
    }
    List<Named> participants = participants(creatorShopId, draft);
    boolean needsConsent = participants.stream().anyMatch(p -> p.shopId() != creatorShopId);
    OffsetDateTime now = utc(clock.instant());
    Benefit benefit = draft.benefit();
    Tuple row = Tuple.tuple().addLong(allianceId).addLong(creatorShopId).addString(draft.name())
        .addString(benefit.kind().dbName()).addLong(benefit.amountFen()).addInteger(benefit.percentOff())
        .addLong(benefit.capFen()).addString(benefit.giftName()).addLong(benefit.giftValueFen())
        .addLong(draft.minSpendFen()).addOffsetDateTime(utc(draft.validFrom()))
        .addOffsetDateTime(utc(draft.validUntil())).addInteger(draft.inventory()).addInteger(draft.perMemberLimit())
        .addLong(draft.autoIssueMinSpendFen()).addLong(draft.marketPricePoints()).addBoolean(draft.shopCodes())
        .addString(needsConsent ? "awaiting_consent" : "live").addOffsetDateTime(now);
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT).execute(row).compose(rows -> {
      long id = rows.iterator().next().getLong("id");
      List<Tuple> shops = new ArrayList<>();
      for (Named p : participants) {
        shops.add(Tuple.of(allianceId, id, p.shopId(), p.issuer(), p.honouring(), p.fundingBps(),
            p.shopId() == creatorShopId ? now : null));
      }
      return conn.preparedQuery(INSERT_SHOP).executeBatch(shops)
          .compose(v -> needsConsent ? tellOthers(conn, allianceId, id, creatorShopId, EventType.PROMOTION_PROPOSED,
              "campaign-proposed:" + allianceId + ":" + id, now) : Future.succeededFuture())
          .map(id);
    })).recover(err -> Future.failedFuture(err instanceof PgException pg && "23503".equals(pg.getSqlState())
        ? ProblemCode.UNKNOWN_SHOP.refuse("a named shop is not in this alliance") : err))
        .compose(id -> get(allianceId, null, id));
  }

  /** Issuers, honouring shops and sponsors; the creator's own shop by default, and always a participant. */
  private static List<Named> participants(long creator, Draft draft) {
    List<Long> issuers = distinct(draft.issuingShopIds(), creator);
    List<Long> honouring = distinct(draft.honouringShopIds(), creator);
    Map<Long, Integer> funding = new LinkedHashMap<>();
    if (draft.funding() == null) {
      funding.put(creator, FundingSplit.TOTAL_BPS);
    } else {
      for (FundingSplit.Share f : draft.funding()) {
        if (funding.put(f.shopId(), f.basisPoints()) != null) {
          throw ProblemCode.INVALID_FUNDING.refuse("a sponsor is named twice");
        }
      }
    }
    if (funding.values().stream().mapToInt(Integer::intValue).sum() != FundingSplit.TOTAL_BPS) {
      throw ProblemCode.INVALID_FUNDING.refuse("funding basis points must sum to 10000");
    }
    Map<Long, Named> all = new LinkedHashMap<>();
    List<Long> named = new ArrayList<>(issuers);
    named.addAll(honouring);
    named.addAll(funding.keySet());
    for (long shop : named) {
      if (!issuers.contains(shop) && !honouring.contains(shop) && funding.getOrDefault(shop, 0) == 0) {
        continue; // a sponsor of 0 basis points plays no part
      }
      all.put(shop, new Named(shop, issuers.contains(shop), honouring.contains(shop), funding.getOrDefault(shop, 0)));
    }
    if (!all.containsKey(creator)) {
      throw ProblemCode.CREATOR_NOT_NAMED.refuse("the creating shop must issue, honour or fund the campaign");
    }
    return List.copyOf(all.values());
  }

  /** The shops named, each once in the order first named; null names the creator alone. */
  private static List<Long> distinct(List<Long> given, long creator) {
    return given == null ? List.of(creator) : given.stream().distinct().toList();
  }

  /** One campaign, as seen by a shop taking part in it (404 for any other shop) or (shop null) the admin. */
  public Future<Campaign> get(long allianceId, Long shopId, long campaignId) {
    return pool.preparedQuery(ONE).execute(Tuple.of(allianceId, campaignId))
        .compose(rows -> withParticipants(allianceId, rows))
        .map(list -> {
          Campaign c = list.isEmpty() ? null : list.get(0);
          if (c == null || shopId != null && c.participants().stream().noneMatch(p -> p.shopId() == shopId)) {
            throw ProblemCode.CAMPAIGN_NOT_FOUND.refuse("no such campaign here");
          }
          return c;
        });
  }

  /** The campaigns a shop takes part in, or (shop null) every campaign of the alliance. */
  public Future<List<Campaign>> list(long allianceId, Long shopId) {
    Future<RowSet<Row>> rows = shopId == null ? pool.preparedQuery(ALL).execute(Tuple.of(allianceId))
        : pool.preparedQuery(OF_SHOP).execute(Tuple.of(allianceId, shopId));
    return rows.compose(r -> withParticipants(allianceId, r));
  }

  public Future<Campaign> accept(long allianceId, long shopId, long campaignId) {
    return change(allianceId, shopId, campaignId, ACCEPT);
  }

  public Future<Campaign> pause(long allianceId, long shopId, long campaignId) {
    return change(allianceId, shopId, campaignId, PAUSE);
  }

  public Future<Campaign> resume(long allianceId, long shopId, long campaignId) {
    return change(allianceId, shopId, campaignId, RESUME);
  }

  /** Changes this shop's own part of the campaign and recomputes the status, under the campaign's row lock. */
  private Future<Campaign> change(long allianceId, long shopId, long campaignId, String sql) {
    OffsetDateTime now = utc(clock.instant());
    return pool.withTransaction(conn -> lock(conn, allianceId, campaignId)
        .compose(v -> conn.preparedQuery(sql).execute(sql.equals(RESUME) ? Tuple.of(allianceId, campaignId, shopId)
            : Tuple.of(allianceId, campaignId, shopId, now)))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw ProblemCode.CAMPAIGN_NOT_FOUND.refuse("no such campaign here");
          }
          boolean changed = !sql.equals(RESUME) && Boolean.TRUE.equals(rows.iterator().next().getBoolean("changed"));
          return conn.preparedQuery(RESTATUS).execute(Tuple.of(allianceId, campaignId)).compose(r -> !changed
              ? Future.succeededFuture()
              : sql.equals(ACCEPT) ? tellOthers(conn, allianceId, campaignId, shopId, EventType.PROMOTION_ACCEPTED,
                  "campaign-accepted:" + allianceId + ":" + campaignId + ":" + shopId, now)
              : tellOthers(conn, allianceId, campaignId, shopId, EventType.PROMOTION_PAUSED,
                  "campaign-paused:" + allianceId + ":" + campaignId + ":" + shopId + ":" + now, now));
        })).compose(v -> get(allianceId, shopId, campaignId));
  }

  // Every campaign a shop takes part in, locked in id order (as change() locks one), for pauseEveryPart.
  private static final String LOCK_OF_SHOP = "select c.id from coupon_campaign c where c.alliance_id = $1"
      + " and exists (select 1 from coupon_campaign_shop p where p.alliance_id = c.alliance_id"
      + "   and p.campaign_id = c.id and p.shop_id = $2) order by c.id for no key update of c";
  private static final String PAUSE_EVERY_PART = "update coupon_campaign_shop set paused_at = $3"
      + " where alliance_id = $1 and shop_id = $2 and paused_at is null returning campaign_id";

  /**
   * Pauses the shop's part in every campaign it takes part in, on the caller's connection and in its
   * transaction (a shop leaving the alliance, docs/shop-exit.md): each campaign's row locked in id
   * order, the status recomputed, and the other shops told ({@code promotion.paused}) where this
   * changed anything. The other shops cannot resume it while this pause stands (the consent rule).
   */
  public static Future<Void> pauseEveryPart(SqlConnection conn, long allianceId, long shopId, Instant at) {
    OffsetDateTime now = utc(at);
    return conn.preparedQuery(LOCK_OF_SHOP).execute(Tuple.of(allianceId, shopId))
        .compose(locked -> conn.preparedQuery(PAUSE_EVERY_PART).execute(Tuple.of(allianceId, shopId, now)))
        .compose(paused -> {
          Future<Void> chain = Future.succeededFuture();
          for (Row row : paused) {
            long campaignId = row.getLong("campaign_id");
            chain = chain.compose(v -> conn.preparedQuery(RESTATUS).execute(Tuple.of(allianceId, campaignId)))
                .compose(v -> tellOthers(conn, allianceId, campaignId, shopId, EventType.PROMOTION_PAUSED,
                    "campaign-paused:" + allianceId + ":" + campaignId + ":" + shopId + ":" + now, now));
          }
          return chain;
        });
  }

  private static Future<Void> tellOthers(SqlConnection conn, long allianceId, long campaignId, long byShop, String type,
      String cause, OffsetDateTime now) {
    return conn.preparedQuery(TELL_OTHERS).execute(Tuple.tuple().addLong(allianceId).addLong(campaignId)
        .addLong(byShop).addString(type).addString("outbox:" + cause).addOffsetDateTime(now)).mapEmpty();
  }

  private static Future<Void> lock(SqlConnection conn, long allianceId, long campaignId) {
    return conn.preparedQuery(LOCK).execute(Tuple.of(allianceId, campaignId)).map(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.CAMPAIGN_NOT_FOUND.refuse("no such campaign here");
      }
      return null;
    });
  }

  /** The campaigns of these rows ({@link #COLUMNS}), in their order, with their participants and redemptions. */
  private Future<List<Campaign>> withParticipants(long allianceId, RowSet<Row> rows) {
    Map<Long, Row> byId = new LinkedHashMap<>();
    Map<Long, List<Campaign.Participant>> participants = new LinkedHashMap<>();
    Map<Long, Long> redeemed = new LinkedHashMap<>();
    Instant now = clock.instant();
    for (Row row : rows) {
      byId.put(row.getLong("id"), row);
      participants.put(row.getLong("id"), new ArrayList<>());
    }
    if (byId.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Long[] ids = byId.keySet().toArray(new Long[0]);
    return pool.preparedQuery(PARTICIPANTS).execute(Tuple.tuple().addLong(allianceId).addArrayOfLong(ids))
        .compose(parts -> {
          for (Row p : parts) {
            participants.get(p.getLong("campaign_id")).add(new Campaign.Participant(p.getLong("shop_id"),
                p.getString("name"), p.getBoolean("is_issuer"), p.getBoolean("is_honouring"),
                p.getInteger("funding_bps"), p.getOffsetDateTime("accepted_at") != null,
                p.getOffsetDateTime("paused_at") != null));
          }
          return pool.preparedQuery(REDEEMED).execute(Tuple.tuple().addLong(allianceId).addArrayOfLong(ids));
        })
        .map(counts -> {
          counts.forEach(r -> redeemed.put(r.getLong("campaign_id"), r.getLong("redeemed")));
          List<Campaign> campaigns = new ArrayList<>();
          byId.forEach((id, row) -> campaigns.add(campaign(row, now, List.copyOf(participants.get(id)),
              redeemed.getOrDefault(id, 0L))));
          return campaigns;
        });
  }

  private static Campaign campaign(Row row, Instant now, List<Campaign.Participant> participants, long redeemed) {
    Instant until = row.getOffsetDateTime("valid_until").toInstant();
    return new Campaign(row.getLong("id"), row.getLong("alliance_id"), row.getLong("creator_shop_id"),
        row.getString("name"), Benefit.fromRow(row), row.getLong("min_spend_fen"),
        row.getOffsetDateTime("valid_from").toInstant(), until, row.getInteger("inventory"), row.getInteger("issued"),
        row.getInteger("per_member_limit"), row.getLong("auto_issue_min_spend_fen"),
        row.getLong("market_price_points"), row.getBoolean("shop_codes"), row.getString("status"),
        !now.isBefore(until), row.getOffsetDateTime("created_at").toInstant(), participants, redeemed,
        row.getInteger("min_tier_level"));
  }

  /** Why a campaign of this status hands out nothing: it waits for consent, or it is paused. */
  static ApiException notLive(String status) {
    return "awaiting_consent".equals(status)
        ? ProblemCode.CONSENT_REQUIRED.refuse("the campaign waits for a named shop's owner to accept it")
        : ProblemCode.CAMPAIGN_NOT_LIVE.refuse("the campaign is " + status + " or outside its window");
  }

  /** A campaign failing {@link #BACKERS_ACTIVE}, said as the access gate and qr's shop codes say it. */
  static ApiException backerSuspended() {
    return ProblemCode.SHOP_SUSPENDED.refuse("a shop that issues or funds this campaign is suspended by the alliance");
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
