package io.linkpoints.coupons;

import io.linkpoints.ledger.Account;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LedgerError;
import io.linkpoints.ledger.LedgerException;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.platform.EachAlliance;
import io.linkpoints.platform.UniqueViolation;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The coupon market: a member exchanges points for a coupon, all or nothing, exactly once per
 * idempotency key. Points and coupons live in different transactions (the ledger commits its
 * own), so the exchange is built on the ledger's two-phase transfers, whose ids all derive from
 * the exchange:
 * <ol>
 *   <li>hold the price on the member's wallet (wallet to the alliance's coupon escrow);</li>
 *   <li>take the inventory and the member's limit and write the coupon as 'pending_payment';
 *       if that is refused, void the hold;</li>
 *   <li>post the hold, then mark the coupon 'issued'.</li>
 * </ol>
 * A hold resolves exactly once (post, void or timeout), which decides every crash: a pending
 * coupon whose post succeeds (or replays) is issued; one whose hold was voided or timed out is
 * voided and its inventory given back. A retry with the same key, or the sweeper, finishes it.
 *
 * <p>The points go to escrow, not to a shop: when exchanged, nobody has honoured the coupon yet.
 * Settlement (issue 6) moves escrowed value when the coupon is redeemed (the funding records
 * say who pays the benefit) or expires (breakage), with the coupon's points_paid and hold id.
 */
public final class CouponMarket {
  public static final String TRANSFER_CODE = "coupon_exchange";
  /** How long the points stay held if the exchange stops half way; the timeout job then gives them back. */
  public static final long HOLD_SECONDS = 600;
  /** Pending exchanges older than this are finished by the sweeper (a live request is long done by then). */
  public static final Duration SWEEP_AFTER = Duration.ofSeconds(60);

  private static final String CAMPAIGN = "select c.market_price_points, c.status, c.valid_until, c.issued, c.inventory,"
      + " " + Campaigns.BACKERS_ACTIVE + " as backers_active from coupon_campaign c where c.alliance_id = $1 and c.id = $2";
  private static final String ISSUE = "update coupon set state = 'issued' where alliance_id = $1 and id = $2"
      + " and state = 'pending_payment' returning " + CouponIssuer.COUPON_COLUMNS;
  private static final String VOID = "update coupon set state = 'voided', void_reason = $3 where alliance_id = $1"
      + " and id = $2 and state = 'pending_payment' returning campaign_id, member_id";
  private static final String GIVE_BACK = "update coupon_campaign set issued = issued - 1 where alliance_id = $1 and id = $2";
  private static final String UNCOUNT = "update coupon_member_claims set claimed = claimed - 1 where alliance_id = $1"
      + " and campaign_id = $2 and member_id = $3";
  private static final String COUPON = "select " + CouponIssuer.COUPON_COLUMNS + " from coupon where alliance_id = $1 and id = $2";
  // coupon_pending_payment (alliance_id, issued_at) where state = 'pending_payment'.
  private static final String PENDING = "select id from coupon where alliance_id = $1 and state = 'pending_payment'"
      + " and issued_at < $2 order by issued_at limit $3";

  private static final Set<LedgerError> HOLD_GONE = Set.of(LedgerError.HOLD_ALREADY_RESOLVED, LedgerError.HOLD_EXPIRED,
      LedgerError.PENDING_TRANSFER_NOT_FOUND);

  private final Pool pool;
  private final Ledger ledger;
  private final Clock clock;

  private final CouponMeters meters;

  public CouponMarket(Pool pool, Ledger ledger, Clock clock, CouponMeters meters) {
    this.meters = meters;
    this.pool = pool;
    this.ledger = ledger;
    this.clock = clock;
  }

  static UUID exchangeHoldId(long allianceId, long memberId, String key) {
    return uuid("coupon-exchange-hold:" + allianceId + ":" + memberId + ":" + key);
  }

  static UUID postId(UUID holdId) {
    return uuid("coupon-exchange-post:" + holdId);
  }

  static UUID voidId(UUID holdId) {
    return uuid("coupon-exchange-void:" + holdId);
  }

  private static UUID uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }

  static String sourceRef(long memberId, String key) {
    return "m" + memberId + ":k" + key;
  }

  /** Exchanges points for a coupon of {@code campaignId}; retried with the same key, returns the same coupon. */
  public Future<Coupon> exchange(long allianceId, long memberId, long campaignId, String key) {
    String ref = sourceRef(memberId, key);
    return CouponIssuer.bySource(pool, allianceId, "market", ref).compose(existing -> existing != null
        ? resume(allianceId, campaignId, existing)
        : start(allianceId, memberId, campaignId, key, ref)).map(Coupon::fromRow);
  }

  private Future<Row> start(long allianceId, long memberId, long campaignId, String key, String ref) {
    UUID hold = exchangeHoldId(allianceId, memberId, key);
    return price(allianceId, campaignId).compose(price -> accounts(allianceId, memberId).compose(acc -> {
      TransferCommand holdCmd = TransferCommand.hold(allianceId, hold, acc.get(0).id(), acc.get(1).id(), price,
          TRANSFER_CODE, HOLD_SECONDS).withMetadata(new JsonObject().put("campaignId", String.valueOf(campaignId))
          .put("memberId", String.valueOf(memberId)));
      return ledger.submit(holdCmd);
    }).compose(held -> pool.withTransaction(conn -> CouponIssuer.issueOne(conn, allianceId, campaignId, memberId,
        "market", ref, new CouponIssuer.Payment(hold, price), clock.instant()))
        .onSuccess(made -> meters.issued("market"))
        .recover(err -> {
          if (UniqueViolation.is(err)) {
            // The same exchange raced us and wrote its coupon first: carry on with that one.
            return CouponIssuer.bySource(pool, allianceId, "market", ref).compose(row -> resume(allianceId, campaignId, row));
          }
          if (err instanceof ApiException) {
            return voidHold(allianceId, hold).compose(v -> Future.failedFuture(err));
          }
          return Future.failedFuture(err); // unknown outcome: the hold times out, or a retry finishes
        })
        .compose(row -> "pending_payment".equals(row.getString("state")) ? capture(allianceId, row)
            : Future.succeededFuture(row))));
  }

  /** An exchange seen before: the same campaign, finished (or finishing) as it went. */
  private Future<Row> resume(long allianceId, long campaignId, Row coupon) {
    if (coupon.getLong("campaign_id") != campaignId) {
      return Future.failedFuture(ProblemCode.IDEMPOTENCY_KEY_REUSED.refuse(
          "this idempotency key was used for an exchange of another campaign"));
    }
    return switch (coupon.getString("state")) {
      case "pending_payment" -> capture(allianceId, coupon);
      case "voided" -> Future.failedFuture(notCaptured());
      default -> Future.succeededFuture(coupon);
    };
  }

  /**
   * Posts the points hold of a pending coupon and issues it; if the hold was voided or timed out
   * instead, voids the coupon and gives its inventory back. Safe to run any number of times.
   */
  Future<Row> capture(long allianceId, Row coupon) {
    UUID hold = coupon.getUUID("exchange_hold_id");
    long id = coupon.getLong("id");
    return ledger.submit(TransferCommand.post(allianceId, postId(hold), hold, null, TRANSFER_CODE))
        // Issued and told together (the conditional write: once, whoever captures).
        .compose(posted -> pool.withTransaction(conn -> conn.preparedQuery(ISSUE).execute(Tuple.of(allianceId, id))
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture()
                : CouponEvents.issued(conn, allianceId, id, clock.instant()))))
        .compose(rows -> reread(allianceId, id))
        .recover(err -> {
          if (err instanceof LedgerException le && HOLD_GONE.contains(le.error())) {
            return voidPending(allianceId, id, "payment_not_captured")
                .compose(v -> reread(allianceId, id))
                .compose(row -> "voided".equals(row.getString("state")) ? Future.failedFuture(notCaptured())
                    : Future.succeededFuture(row));
          }
          return Future.failedFuture(err);
        });
  }

  /** Voids a pending coupon and gives back the inventory and the member's count, in one transaction. */
  Future<Void> voidPending(long allianceId, long couponId, String reason) {
    return pool.withTransaction(conn -> conn.preparedQuery(VOID).execute(Tuple.of(allianceId, couponId, reason))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture();
          }
          Row r = rows.iterator().next();
          return conn.preparedQuery(GIVE_BACK).execute(Tuple.of(allianceId, r.getLong("campaign_id")))
              .compose(v -> conn.preparedQuery(UNCOUNT).execute(Tuple.of(allianceId, r.getLong("campaign_id"),
                  r.getLong("member_id"))))
              .mapEmpty();
        }));
  }

  private Future<Void> voidHold(long allianceId, UUID hold) {
    return ledger.submit(TransferCommand.voidHold(allianceId, voidId(hold), hold, TRANSFER_CODE)).<Void>mapEmpty()
        .recover(err -> err instanceof LedgerException le && HOLD_GONE.contains(le.error())
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /**
   * Finishes exchanges left pending by a crash or a lost connection, up to {@code limit} of each
   * alliance, alliance after alliance; returns how many it looked at. Two instances sweeping at once
   * settle each coupon once: the capture is a conditional write on its 'pending_payment' state.
   */
  public Future<Integer> sweep(int limit) {
    OffsetDateTime before = Campaigns.utc(clock.instant().minus(SWEEP_AFTER));
    return EachAlliance.inTurn(pool, alliance -> sweep(alliance, before, limit))
        .map(swept -> swept.stream().mapToInt(Integer::intValue).sum());
  }

  private Future<Integer> sweep(long alliance, OffsetDateTime before, int limit) {
    return pool.preparedQuery(PENDING).execute(Tuple.of(alliance, before, limit)).compose(rows -> {
      List<Future<Row>> done = new ArrayList<>();
      for (Row r : rows) {
        done.add(reread(alliance, r.getLong("id")).compose(c -> capture(alliance, c))
            .recover(err -> Future.succeededFuture()));
      }
      return Future.join(done).map(v -> done.size());
    });
  }

  /** The price in points, or why the campaign cannot be bought now (checked again under lock by the claim). */
  private Future<Long> price(long allianceId, long campaignId) {
    Instant now = clock.instant();
    return pool.preparedQuery(CAMPAIGN).execute(Tuple.of(allianceId, campaignId)).map(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.CAMPAIGN_NOT_FOUND.refuse("no such campaign here");
      }
      Row c = rows.iterator().next();
      Long price = c.getLong("market_price_points");
      if (price == null) {
        throw ProblemCode.CAMPAIGN_NOT_IN_MARKET.refuse("this campaign is not offered for points");
      }
      if (!"live".equals(c.getString("status"))) {
        throw Campaigns.notLive(c.getString("status"));
      }
      if (!now.isBefore(c.getOffsetDateTime("valid_until").toInstant())) {
        throw ProblemCode.CAMPAIGN_NOT_LIVE.refuse("the campaign has ended");
      }
      if (!c.getBoolean("backers_active")) {
        throw Campaigns.backerSuspended();
      }
      if (c.getInteger("issued") >= c.getInteger("inventory")) {
        throw ProblemCode.CAMPAIGN_SOLD_OUT.refuse("every coupon of this campaign has been handed out");
      }
      return price;
    });
  }

  /** The member's wallet and the alliance's coupon escrow. */
  private Future<List<Account>> accounts(long allianceId, long memberId) {
    return ledger.accountOf(allianceId, AccountKind.MEMBER_WALLET, memberId).compose(wallet -> {
      if (wallet.isEmpty()) {
        throw new LedgerException(LedgerError.INSUFFICIENT_POINTS, "this member has no points yet");
      }
      // Look first: opening is an upsert that locks the escrow row, which every exchange shares.
      return ledger.accountOf(allianceId, AccountKind.COUPON_ESCROW, 0)
          .compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
              : ledger.openAccount(allianceId, AccountKind.COUPON_ESCROW, 0))
          .map(escrow -> List.of(wallet.get(), escrow));
    });
  }

  private Future<Row> reread(long allianceId, long couponId) {
    return pool.preparedQuery(COUPON).execute(Tuple.of(allianceId, couponId)).map(rows -> rows.iterator().next());
  }

  private static ApiException notCaptured() {
    return ProblemCode.EXCHANGE_FAILED.refuse(
        "the points were not taken (the hold was released), so no coupon was issued");
  }
}
