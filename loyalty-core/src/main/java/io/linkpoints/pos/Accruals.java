package io.linkpoints.pos;

import io.linkpoints.alliance.EarnCalculator;
import io.linkpoints.coupons.CouponIssuer;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LedgerError;
import io.linkpoints.ledger.LedgerException;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.platform.GroupedQuery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Earning at the till: the shop's earn rule and today's caps give the points (under a cap, decided
 * atomically with what the member earned today: {@link CappedEarns}), the ledger moves them from
 * the shop's issuance account to the member's wallet. If a refund left the member
 * owing points (they had spent them already), the new points pay that back first: a reversal of
 * the owed earn, from the wallet back to the issuance account of the shop that was short.
 */
final class Accruals {
  private static final String RECORD = "insert into pos_accrual (alliance_id, id, shop_id, terminal_id, member_id,"
      + " order_ref, spend_fen, points, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
      + " on conflict do nothing";
  // Oldest debts first; the issuance account of the shop each is owed to.
  private static final String OWED = "select o.id, o.shortfall_points - o.recovered_points as owed, i.id as issuance_id,"
      + " t.credit_account_id as wallet_id"
      + " from pos_accrual o"
      + " join ledger_account i on i.alliance_id = o.alliance_id and i.kind = 'merchant_issuance' and i.owner_id = o.shop_id"
      + " join ledger_transfer t on t.alliance_id = o.alliance_id and t.id = o.id"
      + " where o.alliance_id = $1 and o.member_id = $2 and o.shortfall_points > o.recovered_points"
      + " order by o.created_at limit 20";
  private static final String CLAIM = "insert into pos_recovery (alliance_id, id, accrual_id, paid_by_accrual, points,"
      + " created_at) values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning points";
  private static final String CLAIMED = "select points from pos_recovery where alliance_id = $1 and id = $2";
  private static final String COUNT = "update pos_accrual set recovered_points = recovered_points + $3"
      + " where alliance_id = $1 and id = $2 and recovered_points + $3 <= shortfall_points";
  private static final String UNCLAIM = "with d as (delete from pos_recovery where alliance_id = $1 and id = $2"
      + " returning accrual_id, points)"
      + " update pos_accrual a set recovered_points = a.recovered_points - d.points from d"
      + " where a.alliance_id = $1 and a.id = d.accrual_id";

  private final Pool pool;
  private final GroupedQuery record;
  private final Ledger ledger;
  private final PosMembers members;
  private final CappedEarns capped;
  private final CouponIssuer coupons;
  private final Clock clock;

  Accruals(Pool pool, Pool bookkeeping, Ledger ledger, PosMembers members, CouponIssuer coupons, Clock clock) {
    this.pool = pool;
    this.record = new GroupedQuery(bookkeeping, RECORD);
    this.ledger = ledger;
    this.members = members;
    this.capped = new CappedEarns(bookkeeping, clock);
    this.coupons = coupons;
    this.clock = clock;
  }

  Future<JsonObject> accrue(Caller c, String key, JsonObject body) {
    long spendFen = body.getLong("spendFen");
    boolean offline = body.getBoolean("offline", false);
    String orderRef = body.getString("orderRef");
    return members.resolve(c, key, body, offline).compose(m -> {
      UUID accrualId = c.derive(key, "earn");
      long rawPoints = EarnCalculator.quote(spendFen, m.rule(), null, EarnCalculator.EarnedToday.NONE).rawPoints();
      Future<CappedEarns.Decision> earned = CappedEarns.applies(m) ? earnUnderCap(c, m, accrualId, spendFen, orderRef)
          : earn(c, m, accrualId, spendFen, orderRef, rawPoints);
      return earned.compose(d -> (m.owes() ? recover(c, key, m.memberId(), accrualId, m.available() + d.points())
              : Future.succeededFuture(0L))
          .compose(recovered -> issueCoupons(c, m.memberId(), spendFen, orderRef)
              .map(issued -> new JsonObject().put("accrualId", accrualId.toString()).put("memberHandle", m.handle())
                  .put("spendFen", spendFen).put("points", d.points()).put("rawPoints", rawPoints)
                  .put("limitedBy", d.limitedBy().name().toLowerCase()).put("recoveredPoints", recovered)
                  .put("availablePoints", Math.max(0, m.available() + d.points() - recovered))
                  .put("couponsIssued", issued))));
    });
  }

  /**
   * No cap: the points follow from the spend alone. The accrual's row first, written without
   * waiting for the disk: the earn's synchronous commit right after makes it durable too, so
   * there is never an earn without its accrual.
   */
  private Future<CappedEarns.Decision> earn(Caller c, PosMembers.AtTill m, UUID accrualId, long spendFen,
      String orderRef, long points) {
    return record.execute(Tuple.of(c.allianceId(), accrualId, c.shopId(), c.terminalId(), m.memberId(), orderRef,
            spendFen, points, clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(v -> submitEarn(c, m, accrualId, points))
        .map(new CappedEarns.Decision(points, EarnCalculator.Limit.NONE));
  }

  /** Under a cap: decided and reserved under the member's lock (once per accrual), then earned. */
  private Future<CappedEarns.Decision> earnUnderCap(Caller c, PosMembers.AtTill m, UUID accrualId, long spendFen,
      String orderRef) {
    return capped.decide(c, m, accrualId, spendFen, orderRef).compose(d -> submitEarn(c, m, accrualId, d.points())
        .compose(v -> d.points() == 0 ? Future.succeededFuture() : capped.landed(c, accrualId))
        .map(d));
  }

  private Future<Void> submitEarn(Caller c, PosMembers.AtTill m, UUID accrualId, long points) {
    return points == 0 ? Future.succeededFuture()
        : ledger.submit(TransferCommand.transfer(c.allianceId(), accrualId, m.issuanceId(), m.walletId(), points,
            "pos_earn")).mapEmpty();
  }

  /** The coupons this purchase earns (once per order: a retry gets the same ones); none without an orderRef. */
  private Future<JsonArray> issueCoupons(Caller c, long memberId, long spendFen, String orderRef) {
    return orderRef == null || orderRef.isBlank() ? Future.succeededFuture(new JsonArray())
        : coupons.issueOnPurchase(c.allianceId(), c.shopId(), memberId, spendFen, orderRef);
  }

  private record Owed(UUID accrualId, long owed, long issuanceId, long walletId) {
  }

  /** Pays the member's debts, oldest first, out of at most {@code budget} points; returns what it took. */
  private Future<Long> recover(Caller c, String key, long memberId, UUID paidBy, long budget) {
    return pool.preparedQuery(OWED).execute(Tuple.of(c.allianceId(), memberId)).compose(rows -> {
      List<Owed> debts = new ArrayList<>();
      for (Row r : rows) {
        debts.add(new Owed(r.getUUID("id"), r.getLong("owed"), r.getLong("issuance_id"), r.getLong("wallet_id")));
      }
      Future<long[]> chain = Future.succeededFuture(new long[] {budget, 0});
      for (Owed debt : debts) {
        chain = chain.compose(state -> state[0] <= 0 ? Future.succeededFuture(state)
            : recoverOne(c, c.derive(key, "recover:" + debt.accrualId()), debt, paidBy, Math.min(state[0], debt.owed()))
                .map(took -> new long[] {state[0] - took, state[1] + took}));
      }
      return chain.map(state -> state[1]);
    });
  }

  /**
   * Claims the recovery in the accrual's books first (so two accruals at once cannot both take the
   * same debt), then moves the points; if the wallet could not pay after all, the claim is undone.
   * Run again, the claim already made is found and its transfer (same id) sent again.
   */
  private Future<Long> recoverOne(Caller c, UUID recoveryId, Owed debt, UUID paidBy, long points) {
    Future<Long> claimed = pool.withTransaction(conn -> conn.preparedQuery(CLAIM)
        .execute(Tuple.of(c.allianceId(), recoveryId, debt.accrualId(), paidBy, points,
            clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return conn.preparedQuery(CLAIMED).execute(Tuple.of(c.allianceId(), recoveryId))
                .map(found -> found.iterator().next().getLong("points"));
          }
          return conn.preparedQuery(COUNT).execute(Tuple.of(c.allianceId(), debt.accrualId(), points))
              .compose(updated -> updated.rowCount() == 1 ? Future.succeededFuture(points)
                  : Future.failedFuture(new RaceLost()));
        }));
    return claimed.compose(amount -> ledger.submit(new TransferCommand(TransferCommand.Kind.TRANSFER, c.allianceId(),
                recoveryId, debt.walletId(), debt.issuanceId(), amount, 0, "pos_recovery", null, debt.accrualId(), 0,
                null, null))
            .map(r -> amount)
            .recover(err -> err instanceof LedgerException le && le.error() == LedgerError.INSUFFICIENT_POINTS
                ? pool.preparedQuery(UNCLAIM).execute(Tuple.of(c.allianceId(), recoveryId)).map(0L)
                : Future.failedFuture(err)))
        .recover(err -> err instanceof RaceLost ? Future.succeededFuture(0L) : Future.failedFuture(err));
  }

  /** Another accrual claimed this debt first; nothing to do here. */
  private static final class RaceLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RaceLost() {
      super("recovery race lost", null, false, false);
    }
  }
}
