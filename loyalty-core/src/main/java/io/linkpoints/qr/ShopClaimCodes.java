package io.linkpoints.qr;

import io.linkpoints.alliance.EarnCalculator;
import io.linkpoints.alliance.EarnRule;
import io.linkpoints.alliance.Rounding;
import io.linkpoints.auth.Secrets;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LeavingShops;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.outbox.EventType;
import io.linkpoints.outbox.Outbox;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Shop codes (merchant-presented): a till makes one for a sale, prints it on the receipt, and the
 * member scans it with the phone to collect the points. The code is 128 random bits; one member
 * claims it once. The ledger transfer's id is fixed when the code is made, so however a claim is
 * retried or raced, the points arrive once.
 */
public final class ShopClaimCodes {
  public static final String PREFIX = "LPS1:";
  public static final Duration DEFAULT_LIFETIME = Duration.ofDays(30);

  private static final String RULE = "select points_per_yuan, rounding from earn_rule where alliance_id = $1 and shop_id = $2";
  private static final String CREATE = "insert into shop_claim_code (alliance_id, code, shop_id, terminal_id,"
      + " idempotency_key, points, spend_fen, transfer_id, expires_at, created_at)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
      + " on conflict (alliance_id, terminal_id, idempotency_key) do nothing";
  private static final String BY_KEY = "select code, points, expires_at from shop_claim_code"
      + " where alliance_id = $1 and terminal_id = $2 and idempotency_key = $3";
  // The member's handle comes along for the shop_code.claimed event written in the claim's transaction.
  private static final String CLAIM = "update shop_claim_code c set claimed_by = $3, claimed_at = $4 from member m"
      + " where c.alliance_id = $1 and c.code = $2 and c.claimed_by is null and c.expires_at > $4"
      + " and m.alliance_id = $1 and m.id = $3 returning c.shop_id, c.points, c.transfer_id, m.handle";
  private static final String FIND = "select shop_id, points, transfer_id, claimed_by, expires_at from shop_claim_code"
      + " where alliance_id = $1 and code = $2";

  private static final String SHOP_OF_CODE = "select s.status from shop_claim_code c"
      + " join shop s on s.alliance_id = c.alliance_id and s.id = c.shop_id where c.alliance_id = $1 and c.code = $2";

  private final Pool pool;
  private final Ledger ledger;
  private final Clock clock;

  public ShopClaimCodes(Pool pool, Ledger ledger, Clock clock) {
    this.pool = pool;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** A code a till made: what it gives and until when. */
  public record ShopCode(String code, long points, Instant expiresAt) {
  }

  /** Points a member collected with a code; {@code alreadyClaimed}: this member had claimed it before. */
  public record Collected(long shopId, long points, UUID transferId, boolean alreadyClaimed) {
  }

  /**
   * A new code for {@code points}, or for what {@code spendFen} earns under the shop's rule (no
   * member is known yet, so no daily caps): exactly one of the two. {@code lifetimeSeconds}: null
   * for {@link #DEFAULT_LIFETIME}. The same key gives the same code back.
   */
  public Future<ShopCode> create(long allianceId, long shopId, long terminalId, String key, Long points, Long spendFen,
      Long lifetimeSeconds) {
    if ((points == null) == (spendFen == null)) {
      throw ProblemCode.POINTS_OR_SPEND_REQUIRED.refuse("give exactly one of points and spendFen");
    }
    Instant now = clock.instant();
    Instant expires = now.plusSeconds(lifetimeSeconds == null ? DEFAULT_LIFETIME.toSeconds() : lifetimeSeconds);
    Future<Long> awarded = LeavingShops.refuseIfLeaving(pool, allianceId, shopId).compose(ok -> points != null
        ? Future.succeededFuture(points)
        : pool.preparedQuery(RULE).execute(Tuple.of(allianceId, shopId)).map(rows -> {
          Row r = rows.iterator().next();
          EarnRule rule = new EarnRule(r.getInteger("points_per_yuan"), Rounding.fromDb(r.getString("rounding")), null);
          return EarnCalculator.quote(spendFen, rule, null, EarnCalculator.EarnedToday.NONE).points();
        }));
    return awarded.compose(p -> {
      if (p <= 0) {
        throw ProblemCode.NOTHING_TO_CLAIM.refuse("this sale earns no points");
      }
      return pool.preparedQuery(CREATE).execute(Tuple.of(allianceId, PREFIX + Secrets.randomToken(16), shopId,
          terminalId, key, p, spendFen, UUID.randomUUID(), expires.atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC)));
    }).compose(v -> pool.preparedQuery(BY_KEY).execute(Tuple.of(allianceId, terminalId, key))).map(rows -> {
      Row r = rows.iterator().next();
      return new ShopCode(r.getString("code"), r.getLong("points"), r.getOffsetDateTime("expires_at").toInstant());
    });
  }

  /**
   * The member collects the code's points. Claiming one's own code again answers the same, with
   * {@code alreadyClaimed} true; anyone else's: used.
   */
  public Future<Collected> claim(long alliance, long memberId, String code) {
    if (code == null || !code.startsWith(PREFIX)) {
      return Future.failedFuture(invalid());
    }
    boolean[] again = {false};
    // No accrual at a suspended shop, not even from a code it printed before.
    return pool.preparedQuery(SHOP_OF_CODE).execute(Tuple.of(alliance, code)).compose(shopRows -> {
      if (shopRows.size() == 1 && !"active".equals(shopRows.iterator().next().getString(0))) {
        return Future.failedFuture(ProblemCode.SHOP_SUSPENDED.refuse("this shop is suspended by the alliance"));
      }
      Instant now = clock.instant();
      // The claim and its event commit together: a claim that loses the race tells nothing.
      return pool.withTransaction(conn -> conn.preparedQuery(CLAIM).execute(Tuple.of(alliance, code, memberId,
          now.atOffset(ZoneOffset.UTC))).compose(claimed -> {
            if (claimed.size() == 0) {
              return Future.succeededFuture(claimed);
            }
            Row c = claimed.iterator().next();
            UUID transfer = c.getUUID("transfer_id");
            Outbox.Event told = new Outbox.Event(Outbox.eventId("shop_code", String.valueOf(alliance), transfer.toString()),
                EventType.SHOP_CODE_CLAIMED, c.getLong("shop_id"), memberId, new JsonObject()
                    .put("member", c.getString("handle")).put("shopId", c.getLong("shop_id"))
                    .put("points", c.getLong("points")).put("transferId", transfer.toString()), now);
            return Outbox.append(conn, alliance, List.of(told)).map(claimed);
          }));
    })
        .compose(rows -> rows.size() == 1 ? Future.succeededFuture(rows.iterator().next())
            : pool.preparedQuery(FIND).execute(Tuple.of(alliance, code)).map(found -> {
              Row r = found.size() == 0 ? null : found.iterator().next();
              if (r == null) {
                throw invalid();
              }
              Long by = r.getLong("claimed_by");
              if (by == null) {
                throw ProblemCode.CODE_EXPIRED.refuse("this shop code has expired");
              }
              if (by != memberId) {
                throw ProblemCode.CODE_ALREADY_USED.refuse("this shop code was already claimed");
              }
              again[0] = true;
              return r; // ours already: send the same transfer again, the ledger answers the first result
            }))
        .compose(r -> {
          long shop = r.getLong("shop_id");
          long points = r.getLong("points");
          UUID transfer = r.getUUID("transfer_id");
          // A code made before its shop's exit started gives nothing after (docs/shop-exit.md).
          return LeavingShops.refuseIfLeaving(ledger.pool(), alliance, shop).compose(ok ->
              ledger.accountOf(alliance, AccountKind.MERCHANT_ISSUANCE, shop)).compose(issuance ->
              ledger.accountOf(alliance, AccountKind.MEMBER_WALLET, memberId).compose(wallet ->
                  ledger.submit(TransferCommand.transfer(alliance, transfer, issuance.orElseThrow().id(), wallet.orElseThrow().id(),
                      points, "shop_claim"))))
              .map(done -> new Collected(shop, points, transfer, again[0]));
        });
  }

  private static ApiException invalid() {
    return ProblemCode.CODE_INVALID.refuse("this is not a valid shop code");
  }
}
