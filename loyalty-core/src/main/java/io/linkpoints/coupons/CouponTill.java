package io.linkpoints.coupons;

import io.linkpoints.platform.EachAlliance;
import io.linkpoints.platform.UniqueViolation;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The coupon side of the POS flow, like points: reserve a coupon for an order at a shop (a hold
 * with the benefit worked out), then commit (redeemed, with the funding records) or release
 * (back to issued). Each call is idempotent: reserve by the caller's key per shop, commit and
 * release by the hold, whose first resolution (and its key) is kept. A hold not resolved within
 * {@link #HOLD_TTL} is released by {@link #releaseExpired}, or refused at commit.
 */
public final class CouponTill {
  public static final Duration HOLD_TTL = Duration.ofMinutes(10);

  private static final String HOLD_COLUMNS = "h.id, h.shop_id, h.idempotency_key, h.coupon_id, h.order_ref, h.spend_fen,"
      + " h.discount_fen, h.benefit_fen, h.state, h.resolution_key, h.expires_at, h.created_at, h.resolved_at,"
      + " k.code, k.campaign_id, c.name, c.benefit_kind, c.amount_fen, c.percent_off, c.cap_fen, c.gift_name,"
      + " c.gift_value_fen";
  private static final String HOLD_FROM = " from coupon_hold h"
      + " join coupon k on k.alliance_id = h.alliance_id and k.id = h.coupon_id"
      + " join coupon_campaign c on c.alliance_id = k.alliance_id and c.id = k.campaign_id";
  private static final String BY_KEY = "select " + HOLD_COLUMNS + HOLD_FROM
      + " where h.alliance_id = $1 and h.shop_id = $2 and h.idempotency_key = $3";
  private static final String BY_ID = "select " + HOLD_COLUMNS + HOLD_FROM + " where h.alliance_id = $1 and h.id = $2";
  private static final String LOCK_HOLD = "select state, resolution_key, coupon_id, expires_at, benefit_fen from coupon_hold"
      + " where alliance_id = $1 and id = $2 and shop_id = $3 for update";
  private static final String LOCK_COUPON = "select k.id, k.state, k.campaign_id, c.status, c.valid_from, c.valid_until,"
      + " c.min_spend_fen, c.benefit_kind, c.amount_fen, c.percent_off, c.cap_fen, c.gift_name, c.gift_value_fen,"
      + " exists (select 1 from coupon_campaign_shop p where p.alliance_id = k.alliance_id"
      + "   and p.campaign_id = k.campaign_id and p.shop_id = $3 and p.is_honouring) as honoured_here"
      + " from coupon k join coupon_campaign c on c.alliance_id = k.alliance_id and c.id = k.campaign_id"
      + " where k.alliance_id = $1 and k.code = $2 for update of k";
  private static final String INSERT_HOLD = "insert into coupon_hold (alliance_id, id, shop_id, idempotency_key, coupon_id,"
      + " order_ref, spend_fen, discount_fen, benefit_fen, state, expires_at, created_at)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'held', $10, $11)";
  private static final String COUPON_STATE = "update coupon set state = $3 where alliance_id = $1 and id = $2";
  private static final String RESOLVE = "update coupon_hold set state = $3, resolution_key = $4, resolved_at = $5"
      + " where alliance_id = $1 and id = $2";
  private static final String REDEEM = "update coupon set state = 'redeemed', redeemed_at = $3, redeemed_shop_id = $4"
      + " where alliance_id = $1 and id = $2 returning campaign_id";
  private static final String SPONSORS = "select shop_id, funding_bps from coupon_campaign_shop"
      + " where alliance_id = $1 and campaign_id = $2 and funding_bps > 0 order by shop_id";
  private static final String INSERT_FUNDING = "insert into coupon_funding (alliance_id, coupon_id, sponsor_shop_id,"
      + " campaign_id, honouring_shop_id, basis_points, amount_fen, redeemed_at) values ($1, $2, $3, $4, $5, $6, $7, $8)";
  private static final String FUNDING = "select sponsor_shop_id, basis_points, amount_fen from coupon_funding"
      + " where alliance_id = $1 and coupon_id = $2 order by sponsor_shop_id";
  // coupon_hold_expiring (alliance_id, expires_at) where state = 'held'.
  private static final String EXPIRED = "select id, shop_id from coupon_hold where alliance_id = $1 and state = 'held'"
      + " and expires_at <= $2 order by expires_at limit $3";

  private final Pool pool;
  private final Clock clock;

  private final CouponMeters meters;

  public CouponTill(Pool pool, Clock clock, CouponMeters meters) {
    this.meters = meters;
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * A coupon held for an order at a shop. {@code state}: held, committed or released;
   * {@code discountFen} comes off the bill, {@code benefitFen} is what the sponsors fund, and
   * {@code funding} (committed holds only, else empty) is who pays how much of it.
   */
  public record Hold(UUID holdId, long shopId, String state, long couponId, long campaignId, String campaignName,
      Benefit benefit, String orderRef, long spendFen, long discountFen, long benefitFen, Instant expiresAt,
      Instant resolvedAt, List<FundingSplit.Part> funding) {

    public boolean committed() {
      return "committed".equals(state);
    }
  }

  /** Holds the coupon with this code for an order of {@code spendFen} at this shop. */
  public Future<Hold> reserve(long allianceId, long shopId, String key, String code, long spendFen, String orderRef) {
    return byKey(allianceId, shopId, key).compose(existing -> existing != null
        ? replayReserve(existing, code, spendFen, orderRef)
        : pool.withTransaction(conn -> placeHold(conn, allianceId, shopId, key, code, spendFen, orderRef))
            .recover(err -> UniqueViolation.is(err)
                // The same reservation raced us and won: answer as a retry would be answered.
                ? byKey(allianceId, shopId, key).compose(row -> row == null ? Future.failedFuture(err)
                    : replayReserve(row, code, spendFen, orderRef))
                : Future.failedFuture(err)))
        .compose(id -> byId(allianceId, id)).map(CouponTill::holdOf)
        .compose(hold -> withFunding(allianceId, hold));
  }

  private Future<UUID> replayReserve(Row existing, String code, long spendFen, String orderRef) {
    if (!existing.getString("code").equals(code) || existing.getLong("spend_fen") != spendFen
        || !existing.getString("order_ref").equals(orderRef)) {
      return Future.failedFuture(keyReused());
    }
    return Future.succeededFuture(existing.getUUID("id"));
  }

  /** The checks, in the order a cashier would want to hear them, then the hold. */
  private Future<UUID> placeHold(SqlConnection conn, long allianceId, long shopId, String key, String code,
      long spendFen, String orderRef) {
    Instant now = clock.instant();
    return conn.preparedQuery(LOCK_COUPON).execute(Tuple.of(allianceId, code, shopId)).compose(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.COUPON_INVALID.refuse("no such coupon");
      }
      Row c = rows.iterator().next();
      String state = c.getString("state");
      if ("pending_payment".equals(state) || "voided".equals(state)) {
        throw ProblemCode.COUPON_INVALID.refuse("no such coupon");
      }
      if (!c.getBoolean("honoured_here")) {
        throw ProblemCode.COUPON_NOT_VALID_HERE.refuse("this coupon is not honoured at this shop");
      }
      if (!"issued".equals(state)) {
        throw ProblemCode.COUPON_ALREADY_USED.refuse("this coupon is " + state);
      }
      if (!"live".equals(c.getString("status")) || now.isBefore(c.getOffsetDateTime("valid_from").toInstant())) {
        throw ProblemCode.COUPON_NOT_ACTIVE.refuse(
            "this coupon cannot be used yet (its campaign is paused or not started)");
      }
      if (!now.isBefore(c.getOffsetDateTime("valid_until").toInstant())) {
        throw ProblemCode.COUPON_EXPIRED.refuse("this coupon has expired");
      }
      if (spendFen < c.getLong("min_spend_fen")) {
        throw ProblemCode.MINIMUM_SPEND_NOT_MET.refuse("this coupon needs a spend of at least "
            + c.getLong("min_spend_fen") + " fen");
      }
      Benefit benefit = Benefit.fromRow(c);
      UUID id = UUID.randomUUID();
      long couponId = c.getLong("id");
      return conn.preparedQuery(INSERT_HOLD).execute(Tuple.tuple().addLong(allianceId).addUUID(id).addLong(shopId)
              .addString(key).addLong(couponId).addString(orderRef).addLong(spendFen)
              .addLong(benefit.discountFen(spendFen)).addLong(benefit.benefitFen(spendFen))
              .addOffsetDateTime(Campaigns.utc(now.plus(HOLD_TTL))).addOffsetDateTime(Campaigns.utc(now)))
          .compose(v -> conn.preparedQuery(COUPON_STATE).execute(Tuple.of(allianceId, couponId, "reserved")))
          .map(id);
    });
  }

  /** Redeems the held coupon and records who funds how much of its benefit. */
  public Future<Hold> commit(long allianceId, long shopId, UUID holdId, String key) {
    return resolve(allianceId, shopId, holdId, key, "committed");
  }

  /** Gives the held coupon back to its member, unused. */
  public Future<Hold> release(long allianceId, long shopId, UUID holdId, String key) {
    return resolve(allianceId, shopId, holdId, key, "released");
  }

  /**
   * What resolving a hold did: {@code expired}, it was past its time and went back to the member;
   * {@code redeemed}, this call redeemed the coupon (not a retry of the call that did).
   */
  private record Resolution(boolean expired, boolean redeemed) {
  }

  private Future<Hold> resolve(long allianceId, long shopId, UUID holdId, String key, String target) {
    Instant now = clock.instant();
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_HOLD).execute(Tuple.of(allianceId, holdId, shopId))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw ProblemCode.HOLD_NOT_FOUND.refuse("no such coupon hold at this shop");
          }
          Row h = rows.iterator().next();
          String state = h.getString("state");
          if (!"held".equals(state)) {
            // A retry of the call that resolved it gets its result again; anything else is refused.
            if (state.equals(target) && key.equals(h.getString("resolution_key"))) {
              return Future.succeededFuture(new Resolution(false, false));
            }
            throw ProblemCode.HOLD_ALREADY_RESOLVED.refuse("this coupon hold was already " + state);
          }
          long couponId = h.getLong("coupon_id");
          boolean expired = !now.isBefore(h.getOffsetDateTime("expires_at").toInstant());
          if (expired || "released".equals(target)) {
            return conn.preparedQuery(RESOLVE).execute(Tuple.of(allianceId, holdId, "released",
                    expired ? "expired" : key, Campaigns.utc(now)))
                .compose(v -> conn.preparedQuery(COUPON_STATE).execute(Tuple.of(allianceId, couponId, "issued")))
                .map(new Resolution(expired, false));
          }
          return conn.preparedQuery(RESOLVE).execute(Tuple.of(allianceId, holdId, "committed", key, Campaigns.utc(now)))
              .compose(v -> fund(conn, allianceId, couponId, shopId, h.getLong("benefit_fen"), now))
              .map(new Resolution(false, true));
        }))
        .onSuccess(resolution -> {
          if (resolution.redeemed()) {
            meters.redeemed();
          }
        })
        .compose(resolution -> resolution.expired()
            ? Future.failedFuture(ProblemCode.HOLD_EXPIRED.refuse("the coupon hold timed out and was released"))
            : byId(allianceId, holdId).map(CouponTill::holdOf))
        .compose(hold -> withFunding(allianceId, hold));
  }

  /** Marks the coupon redeemed and writes one funding row per sponsor, summing to the benefit exactly. */
  private static Future<Void> fund(SqlConnection conn, long allianceId, long couponId, long shopId, long benefitFen,
      Instant now) {
    OffsetDateTime at = Campaigns.utc(now);
    return conn.preparedQuery(REDEEM).execute(Tuple.of(allianceId, couponId, at, shopId)).compose(rows -> {
      long campaignId = rows.iterator().next().getLong("campaign_id");
      return CouponEvents.redeemed(conn, allianceId, couponId, shopId, now).map(campaignId);
    }).compose(campaignId -> {
      return conn.preparedQuery(SPONSORS).execute(Tuple.of(allianceId, campaignId)).compose(sponsors -> {
        List<FundingSplit.Share> shares = new ArrayList<>();
        sponsors.forEach(s -> shares.add(new FundingSplit.Share(s.getLong("shop_id"), s.getInteger("funding_bps"))));
        List<Tuple> funding = new ArrayList<>();
        for (FundingSplit.Part part : FundingSplit.split(benefitFen, shares)) {
          funding.add(Tuple.of(allianceId, couponId, part.shopId(), campaignId, shopId, part.basisPoints(),
              part.amountFen(), at));
        }
        return conn.preparedQuery(INSERT_FUNDING).executeBatch(funding).mapEmpty();
      });
    });
  }

  /**
   * Releases holds past their time, up to {@code limit} of each alliance, alliance after alliance;
   * returns how many it looked at. Run periodically by every instance (idempotent: the release locks
   * the hold and acts only while it is still held).
   */
  public Future<Integer> releaseExpired(int limit) {
    OffsetDateTime now = Campaigns.utc(clock.instant());
    return EachAlliance.inTurn(pool, alliance -> releaseExpired(alliance, now, limit))
        .map(released -> released.stream().mapToInt(Integer::intValue).sum());
  }

  private Future<Integer> releaseExpired(long alliance, OffsetDateTime now, int limit) {
    return pool.preparedQuery(EXPIRED).execute(Tuple.of(alliance, now, limit)).compose(rows -> {
      List<Future<Hold>> done = new ArrayList<>();
      for (Row r : rows) {
        done.add(release(alliance, r.getLong("shop_id"), r.getUUID("id"), "expired")
            .recover(err -> Future.succeededFuture()));
      }
      return Future.join(done).map(v -> done.size());
    });
  }

  private Future<Row> byKey(long allianceId, long shopId, String key) {
    return pool.preparedQuery(BY_KEY).execute(Tuple.of(allianceId, shopId, key))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  private Future<Row> byId(long allianceId, UUID id) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(allianceId, id)).map(rows -> rows.iterator().next());
  }

  /** A committed hold with its funding records; any other as it is. */
  private Future<Hold> withFunding(long allianceId, Hold hold) {
    if (!hold.committed()) {
      return Future.succeededFuture(hold);
    }
    return pool.preparedQuery(FUNDING).execute(Tuple.of(allianceId, hold.couponId())).map(rows -> {
      List<FundingSplit.Part> funding = new ArrayList<>();
      rows.forEach(r -> funding.add(new FundingSplit.Part(r.getLong("sponsor_shop_id"), r.getInteger("basis_points"),
          r.getLong("amount_fen"))));
      return new Hold(hold.holdId(), hold.shopId(), hold.state(), hold.couponId(), hold.campaignId(),
          hold.campaignName(), hold.benefit(), hold.orderRef(), hold.spendFen(), hold.discountFen(), hold.benefitFen(),
          hold.expiresAt(), hold.resolvedAt(), List.copyOf(funding));
    });
  }

  /** A hold from a row of {@link #HOLD_COLUMNS}, its funding not read yet. */
  private static Hold holdOf(Row row) {
    OffsetDateTime resolved = row.getOffsetDateTime("resolved_at");
    return new Hold(row.getUUID("id"), row.getLong("shop_id"), row.getString("state"), row.getLong("coupon_id"),
        row.getLong("campaign_id"), row.getString("name"), Benefit.fromRow(row), row.getString("order_ref"),
        row.getLong("spend_fen"), row.getLong("discount_fen"), row.getLong("benefit_fen"),
        row.getOffsetDateTime("expires_at").toInstant(), resolved == null ? null : resolved.toInstant(), List.of());
  }

  private static ApiException keyReused() {
    return ProblemCode.IDEMPOTENCY_KEY_REUSED.refuse("this idempotency key was used for another reservation");
  }
}
