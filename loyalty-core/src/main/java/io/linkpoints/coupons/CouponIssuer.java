package io.linkpoints.coupons;

import io.linkpoints.platform.UniqueViolation;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Hands coupons out: automatically on a qualifying purchase at an issuing shop, or for a
 * one-claim code (a claim code) a member scans. A tier-only campaign (a shop's tier perk) gives
 * coupons only to members holding its level or above (403 tier_required; on a purchase, skipped). Every issuance goes through {@link #issueOne}, one
 * transaction in which PostgreSQL enforces the campaign's inventory and the member's limit, so
 * they hold however many instances issue at once.
 */
public final class CouponIssuer {
  static final String COUPON_COLUMNS = "id, campaign_id, member_id, code, state, source, source_ref, exchange_hold_id,"
      + " points_paid, void_reason, issued_at, redeemed_at, redeemed_shop_id";

  private static final String INSERT = "insert into coupon (alliance_id, campaign_id, member_id, code, state, source,"
      + " source_ref, exchange_hold_id, points_paid, issued_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
      + " returning " + COUPON_COLUMNS;
  // A tier-only campaign (min_tier_level, set by the shop's tier perks): the member ($4) holds that
  // level or above now. Checked with the inventory, under the campaign's row lock.
  private static final String TIER_HELD = "(c.min_tier_level is null or exists (select 1 from member_tier t"
      + " where t.alliance_id = c.alliance_id and t.member_id = $4 and t.level >= c.min_tier_level))";
  // The inventory: one row lock, one conditional increment. Zero rows back means refused. Coupons
  // may be handed out before the window opens ("spend today, 10 off next week"), never after it.
  private static final String TAKE = "update coupon_campaign c set issued = c.issued + 1 where c.alliance_id = $1"
      + " and c.id = $2 and c.status = 'live' and c.issued < c.inventory and c.valid_until > $3"
      + " and " + Campaigns.BACKERS_ACTIVE + " and " + TIER_HELD + " returning c.issued";
  // The member's limit: the upsert locks the counter row and bumps it only while under the limit
  // (at least 1, so a first claim is always under it).
  private static final String COUNT = "insert into coupon_member_claims (alliance_id, campaign_id, member_id, claimed)"
      + " values ($1, $2, $3, 1) on conflict (alliance_id, campaign_id, member_id) do update"
      + " set claimed = coupon_member_claims.claimed + 1 where coupon_member_claims.claimed <"
      + "   (select per_member_limit from coupon_campaign where alliance_id = $1 and id = $2) returning claimed";
  private static final String WHY = "select c.status, c.issued, c.inventory, c.valid_from, c.valid_until,"
      + " " + Campaigns.BACKERS_ACTIVE + " as backers_active, c.min_tier_level, " + TIER_HELD.replace("$4", "$3")
      + " as tier_held from coupon_campaign c where c.alliance_id = $1 and c.id = $2";
  static final String BY_SOURCE = "select " + COUPON_COLUMNS + " from coupon where alliance_id = $1 and source = $2"
      + " and source_ref = $3";
  private static final String AUTO_CAMPAIGNS = "select c.id from coupon_campaign c join coupon_campaign_shop p"
      + " on p.alliance_id = c.alliance_id and p.campaign_id = c.id and p.shop_id = $2 and p.is_issuer"
      + " where c.alliance_id = $1 and c.status = 'live' and c.auto_issue_min_spend_fen <= $3"
      + " and c.valid_until > $4 and c.issued < c.inventory and " + Campaigns.BACKERS_ACTIVE + " order by c.id";
  // A purchase's request run again: the campaigns live when it was first made, and those that
  // already issued it a coupon (whatever became of them since).
  private static final String AUTO_CAMPAIGNS_AGAIN = "select c.id from coupon_campaign c join coupon_campaign_shop p"
      + " on p.alliance_id = c.alliance_id and p.campaign_id = c.id and p.shop_id = $2 and p.is_issuer"
      + " where c.alliance_id = $1 and c.status = 'live' and c.auto_issue_min_spend_fen <= $3"
      + " and c.valid_until > $4 and c.issued < c.inventory and " + Campaigns.BACKERS_ACTIVE
      + " union select k.campaign_id from coupon k where k.alliance_id = $1 and k.source = 'purchase'"
      + " and k.source_ref = any (select $5 || p.campaign_id || $6 from coupon_campaign_shop p"
      + "   where p.alliance_id = $1 and p.shop_id = $2 and p.is_issuer)"
      + " order by 1";
  private static final String CODE_CAMPAIGN = "select c.status from coupon_campaign c join coupon_campaign_shop p"
      + " on p.alliance_id = c.alliance_id and p.campaign_id = c.id and p.shop_id = $3 and p.is_issuer"
      + " where c.alliance_id = $1 and c.id = $2 and c.shop_codes";
  private static final String INSERT_CLAIM_CODE = "insert into coupon_claim_code (alliance_id, code, campaign_id, shop_id,"
      + " created_at) values ($1, $2, $3, $4, $5)";
  private static final String LOCK_CLAIM_CODE = "select campaign_id, claimed_by from coupon_claim_code"
      + " where alliance_id = $1 and code = $2 for update";
  private static final String USE_CLAIM_CODE = "update coupon_claim_code set claimed_by = $3, claimed_at = $4"
      + " where alliance_id = $1 and code = $2";

  private final Pool pool;
  private final Clock clock;
  private final CouponMeters meters;

  public CouponIssuer(Pool pool, Clock clock) {
    this(pool, clock, CouponMeters.NONE);
  }

  public CouponIssuer(Pool pool, Clock clock, CouponMeters meters) {
    this.meters = meters;
    this.pool = pool;
    this.clock = clock;
  }

  /** A one-claim code a shop made for a campaign. */
  public record ClaimCode(String code, long campaignId, long shopId, Instant createdAt) {
  }

  /** The coupon behind a claim code; {@code alreadyClaimed}: this member had claimed it before. */
  public record Claimed(Coupon coupon, boolean alreadyClaimed) {
  }

  /** What a coupon is paid with when it comes from the market; null for free coupons. */
  record Payment(UUID holdId, long points) {
  }

  /**
   * Issues one coupon in the caller's transaction, or fails with the reason (campaign_sold_out,
   * member_limit_reached, consent_required, campaign_not_live, shop_suspended) and the transaction
   * must roll back.
   *
   * <p>The order is what keeps PostgreSQL sound under a crowd: the member's counter first, then the
   * campaign's inventory (its row lock is where claims queue), then the coupon row, whose foreign
   * key locks the campaign row its own transaction already holds. Counting the coupon before
   * taking inventory, as this did, had every waiting claim key-share-lock the campaign row while
   * others updated it and then rolled back (limit reached); under 60 racing claims PostgreSQL 14
   * then failed some of them with "new multixact has more than one updating member" (XX000).
   * Locks are always taken counter row, then campaign row, so claims cannot deadlock.
   */
  static Future<Row> issueOne(SqlConnection conn, long allianceId, long campaignId, long memberId, String source,
      String sourceRef, Payment payment, Instant now) {
    OffsetDateTime at = Campaigns.utc(now);
    Tuple coupon = Tuple.tuple().addLong(allianceId).addLong(campaignId).addLong(memberId)
        .addString(CouponCodes.coupon()).addString(payment == null ? "issued" : "pending_payment").addString(source)
        .addString(sourceRef).addUUID(payment == null ? null : payment.holdId())
        .addLong(payment == null ? 0 : payment.points()).addOffsetDateTime(at);
    return conn.preparedQuery(COUNT).execute(Tuple.of(allianceId, campaignId, memberId)).compose(counted -> {
      if (counted.size() == 0) {
        // The campaign's own state (gone, paused, ended, sold out) says more than the member's limit.
        return why(conn, allianceId, campaignId, memberId, now, true);
      }
      return conn.preparedQuery(TAKE).execute(Tuple.of(allianceId, campaignId, at, memberId));
    }).compose(taken -> taken.size() == 0 ? why(conn, allianceId, campaignId, memberId, now, false)
        : conn.preparedQuery(INSERT).execute(coupon).map(inserted -> inserted.iterator().next()))
        // coupon.issued with the coupon; a bought one's is told when its payment is captured.
        .compose(row -> payment != null ? Future.succeededFuture(row)
            : CouponEvents.issued(conn, allianceId, row.getLong("id"), now).map(row));
  }

  /** Why the inventory was not taken, or the member's counter not bumped ({@code memberAtLimit}). */
  private static <T> Future<T> why(SqlConnection conn, long allianceId, long campaignId, long memberId, Instant now,
      boolean memberAtLimit) {
    return conn.preparedQuery(WHY).execute(Tuple.of(allianceId, campaignId, memberId)).map(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.CAMPAIGN_NOT_FOUND.refuse("no such campaign here");
      }
      Row c = rows.iterator().next();
      if (!"live".equals(c.getString("status"))) {
        throw Campaigns.notLive(c.getString("status"));
      }
      if (!now.isBefore(c.getOffsetDateTime("valid_until").toInstant())) {
        throw ProblemCode.CAMPAIGN_NOT_LIVE.refuse("the campaign has ended");
      }
      if (!c.getBoolean("backers_active")) {
        throw Campaigns.backerSuspended();
      }
      if (!c.getBoolean("tier_held")) {
        throw ProblemCode.TIER_REQUIRED.refuse("this coupon is for members holding tier " + c.getInteger("min_tier_level")
            + " or above");
      }
      if (memberAtLimit && c.getInteger("issued") < c.getInteger("inventory")) {
        throw ProblemCode.MEMBER_LIMIT_REACHED.refuse("this member already holds the most coupons of this campaign");
      }
      throw ProblemCode.CAMPAIGN_SOLD_OUT.refuse("every coupon of this campaign has been handed out");
    });
  }

  /**
   * Issues a coupon of every live campaign this shop hands out on purchases of at least its
   * threshold. Exactly once per (shop, orderRef, campaign): a retried call returns the same
   * coupons. Campaigns that are sold out or whose limit the member reached are skipped.
   */
  public Future<List<Coupon>> issueForPurchase(long allianceId, long shopId, long memberId, long spendFen,
      String orderRef) {
    Instant now = clock.instant();
    return issueFor(pool.preparedQuery(AUTO_CAMPAIGNS).execute(Tuple.of(allianceId, shopId, spendFen, Campaigns.utc(now))),
        allianceId, shopId, memberId, orderRef, now);
  }

  /**
   * The same purchase's request run again (after a crash): campaigns judged as of {@code at}, when
   * it was first made, and every coupon it already got listed, even from a campaign sold out since.
   */
  public Future<List<Coupon>> issueForPurchaseAgain(long allianceId, long shopId, long memberId, long spendFen,
      String orderRef, Instant at) {
    return issueFor(pool.preparedQuery(AUTO_CAMPAIGNS_AGAIN).execute(Tuple.of(allianceId, shopId, spendFen,
            Campaigns.utc(at), "s" + shopId + ":c", ":o" + orderRef)),
        allianceId, shopId, memberId, orderRef, at);
  }

  private Future<List<Coupon>> issueFor(Future<RowSet<Row>> campaignRows, long allianceId, long shopId, long memberId,
      String orderRef, Instant now) {
    return campaignRows
        .compose(rows -> {
          List<Long> campaigns = new ArrayList<>();
          rows.forEach(r -> campaigns.add(r.getLong("id")));
          List<Coupon> issued = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (long campaign : campaigns) {
            String ref = "s" + shopId + ":c" + campaign + ":o" + orderRef;
            chain = chain.compose(v -> issueOnce(allianceId, campaign, memberId, "purchase", ref, now)
                .map(row -> {
                  issued.add(Coupon.fromRow(row));
                  return (Void) null;
                })
                .recover(err -> err instanceof ApiException ? Future.succeededFuture() : Future.failedFuture(err)));
          }
          return chain.map(issued);
        });
  }

  /** A free coupon from this source, or the one it already made. */
  private Future<Row> issueOnce(long allianceId, long campaignId, long memberId, String source, String ref, Instant now) {
    return bySource(pool, allianceId, source, ref).compose(existing -> existing != null ? Future.succeededFuture(existing)
        : pool.withTransaction(conn -> issueOne(conn, allianceId, campaignId, memberId, source, ref, null, now))
            .onSuccess(made -> meters.issued(source))
            .recover(err -> UniqueViolation.is(err) ? bySource(pool, allianceId, source, ref)
                : Future.failedFuture(err)));
  }

  static Future<Row> bySource(io.vertx.sqlclient.SqlClient client, long allianceId, String source, String ref) {
    return client.preparedQuery(BY_SOURCE).execute(Tuple.of(allianceId, source, ref))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /**
   * A one-claim code for a live campaign this shop issues and that allows them (its
   * {@code shopCodes}). Not qr's shop codes, which give points: this one gives a coupon.
   */
  public Future<ClaimCode> createClaimCode(long allianceId, long shopId, long campaignId) {
    String code = CouponCodes.claim();
    Instant now = clock.instant();
    return pool.preparedQuery(CODE_CAMPAIGN).execute(Tuple.of(allianceId, campaignId, shopId)).compose(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.CAMPAIGN_NOT_FOUND.refuse("no such campaign here");
      }
      String status = rows.iterator().next().getString("status");
      if (!"live".equals(status)) {
        throw Campaigns.notLive(status);
      }
      return pool.preparedQuery(INSERT_CLAIM_CODE).execute(Tuple.of(allianceId, code, campaignId, shopId,
          Campaigns.utc(now)));
    }).map(v -> new ClaimCode(code, campaignId, shopId, now));
  }

  /**
   * A member claims the coupon behind a claim code. The code is locked, so of many members
   * scanning it one wins; the same member scanning again gets the same coupon back.
   */
  public Future<Claimed> claimCoupon(long allianceId, long memberId, String code) {
    Instant now = clock.instant();
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_CLAIM_CODE).execute(Tuple.of(allianceId, code))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw ProblemCode.CLAIM_CODE_INVALID.refuse("no such shop code");
          }
          Row row = rows.iterator().next();
          Long claimedBy = row.getLong("claimed_by");
          if (claimedBy != null && claimedBy != memberId) {
            throw ProblemCode.CLAIM_CODE_USED.refuse("this shop code has already been claimed");
          }
          if (claimedBy != null) {
            return bySource(conn, allianceId, "shop_code", code)
                .map(coupon -> new Claimed(Coupon.fromRow(coupon), true));
          }
          return issueOne(conn, allianceId, row.getLong("campaign_id"), memberId, "shop_code", code, null, now)
              .compose(coupon -> conn.preparedQuery(USE_CLAIM_CODE)
                  .execute(Tuple.of(allianceId, code, memberId, Campaigns.utc(now)))
                  .map(new Claimed(Coupon.fromRow(coupon), false)));
        })).onSuccess(claimed -> {
          if (!claimed.alreadyClaimed()) {
            meters.issued("shop_code");
          }
        });
  }
}
