package io.linkpoints.pos;

import io.linkpoints.alliance.EarnCalculator;
import io.linkpoints.coupons.Coupon;
import io.linkpoints.coupons.CouponIssuer;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LedgerError;
import io.linkpoints.ledger.LedgerException;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.passports.Stamps;
import io.linkpoints.platform.GroupedQuery;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Earning at the till: the shop's earn rule and today's caps give the points (under a cap, decided
 * atomically with what the member earned today: {@link CappedEarns}), the ledger moves them from
 * the shop's issuance account to the member's wallet. If a refund left the member
 * owing points (they had spent them already), the new points pay that back first: a reversal of
 * the owed earn, from the wallet back to the issuance account of the shop that was short.
 */
final class Accruals {
  // The decision is made once: a run that finds the row already written (the same request run
  // twice at once) goes on with what the first one recorded.
  private static final String RECORD = "insert into pos_accrual (alliance_id, id, shop_id, terminal_id, member_id,"
      + " order_ref, spend_fen, points, raw_points, limited_by, created_at)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
      + " on conflict (alliance_id, id) do update set points = pos_accrual.points"
      + " returning " + Recorded.COLUMNS;
  private static final String RECORDED = "select " + Recorded.COLUMNS + " from pos_accrual where alliance_id = $1 and id = $2";
  // The recoveries an earlier run of this accrual already claimed.
  // A debt is owed to whoever paid the points the refund could not take back: the debit account
  // of the accrual's own transfer (the shop's issuance, or the fund's for a bonus the fund paid).
  private static final String OWN_CLAIMS = "select p.id, p.accrual_id, p.points, t.debit_account_id as issuance_id,"
      + " t.credit_account_id as wallet_id from pos_recovery p"
      + " join pos_accrual o on o.alliance_id = p.alliance_id and o.id = p.accrual_id"
      + " join ledger_transfer t on t.alliance_id = o.alliance_id and t.id = o.id"
      + " where p.alliance_id = $1 and p.paid_by_accrual = $2 order by p.created_at, p.id";
  // Oldest debts first; the issuance account each is owed to (see OWN_CLAIMS).
  private static final String OWED = "select o.id, o.shortfall_points - o.recovered_points as owed,"
      + " t.debit_account_id as issuance_id, t.credit_account_id as wallet_id"
      + " from pos_accrual o"
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
  private final CouponIssuer couponIssuer;
  private final Bonuses bonuses;
  private final Stamps stamps;
  private final Clock clock;

  Accruals(Pool pool, Pool bookkeeping, Ledger ledger, PosMembers members, CouponIssuer couponIssuer,
      Bonuses bonuses, Stamps stamps, Clock clock) {
    this.pool = pool;
    this.record = new GroupedQuery(bookkeeping, RECORD);
    this.ledger = ledger;
    this.members = members;
    this.capped = new CappedEarns(bookkeeping, clock);
    this.couponIssuer = couponIssuer;
    this.bonuses = bonuses;
    this.stamps = stamps;
    this.clock = clock;
  }

  /** What the accrual's row holds: the decision made once, by the first run to record it. */
  record Recorded(long memberId, long points, long rawPoints, String limitedBy, Instant at) {
    static final String COLUMNS = "member_id, points, raw_points, limited_by, created_at";

    static Recorded of(Row r) {
      long points = r.getLong("points");
      // Rows from before raw_points was kept: as if nothing limited them.
      Long raw = r.getLong("raw_points");
      String limit = r.getString("limited_by");
      return new Recorded(r.getLong("member_id"), points, raw == null ? points : raw, limit == null ? "none" : limit,
          r.getOffsetDateTime("created_at").toInstant());
    }
  }

  /**
   * An accrual's answer: the points earned in all ({@code points}: base and bonuses), the base
   * points (and before caps: {@code rawPoints}, {@code limitedBy}), the bonuses, the shop that pays
   * them all, the debt they paid back, the balance after, and the order's coupons.
   */
  record Accrued(UUID accrualId, String memberHandle, long spendFen, long points, long basePoints, long rawPoints,
      String limitedBy, List<Bonuses.Bonus> bonuses, long paidByShopId, long recoveredPoints, long availablePoints,
      List<Coupon> couponsIssued) {
  }

  /** A sale to earn on: the member, what they spent, and the till's order reference (null without one). */
  record Sale(MemberRef member, long spendFen, String orderRef) {
  }

  Future<Accrued> accrue(Caller c, String key, Sale sale, boolean rerun) {
    UUID accrualId = c.derive(key, "earn");
    if (rerun) {
      // An accrual this request already recorded is done as recorded, whatever expired since.
      return pool.preparedQuery(RECORDED).execute(Tuple.of(c.allianceId(), accrualId)).compose(rows -> rows.size() == 0
          ? firstRun(c, key, accrualId, sale, true)
          : members.byMember(c, rows.iterator().next().getLong("member_id"))
              .compose(m -> complete(c, key, accrualId, sale, m, Recorded.of(rows.iterator().next()), true)));
    }
    return firstRun(c, key, accrualId, sale, false);
  }

  private Future<Accrued> firstRun(Caller c, String key, UUID accrualId, Sale sale, boolean rerun) {
    long spendFen = sale.spendFen();
    String orderRef = sale.orderRef();
    return members.resolve(c, key, sale.member()).compose(m -> {
      if (m.exiting()) {
        // From the start of its exit the shop issues nothing (docs/shop-exit.md); recorded as the answer.
        throw ProblemCode.SHOP_EXITING.refuse("this shop is leaving the alliance and issues no points");
      }
      // Under a cap, decided and recorded under the member's lock (once per accrual); without one,
      // the accrual's row first, written without waiting for the disk: the earn's synchronous
      // commit right after makes it durable too, so there is never an earn without its accrual.
      Future<Recorded> decided;
      if (CappedEarns.applies(m)) {
        decided = capped.decide(c, m, accrualId, spendFen, orderRef);
      } else {
        long points = EarnCalculator.quote(spendFen, m.rule(), null, EarnCalculator.EarnedToday.NONE).points();
        decided = record.execute(Tuple.of(c.allianceId(), accrualId, c.shopId(), c.terminalId(), m.memberId(),
                orderRef, spendFen, points, points, CappedEarns.dbName(EarnCalculator.Limit.NONE),
                clock.instant().atOffset(ZoneOffset.UTC)))
            .map(rows -> Recorded.of(rows.iterator().next()));
      }
      return decided.compose(d -> complete(c, key, accrualId, sale, m, d, rerun));
    });
  }

  /**
   * Earns what was recorded, pays debts, issues the order's coupons and answers. Every step is
   * named from the key, so a rerun repeats none of them; its balance is read afresh, since the
   * one read before may or may not include what the earlier run did.
   */
  private Future<Accrued> complete(Caller c, String key, UUID accrualId, Sale sale, PosMembers.AtTill m,
      Recorded d, boolean rerun) {
    long spendFen = sale.spendFen();
    String orderRef = sale.orderRef();
    Future<Void> earn = d.points() == 0 ? Future.succeededFuture()
        : ledger.submit(TransferCommand.transfer(c.allianceId(), accrualId, m.issuanceId(), m.walletId(),
            d.points(), "pos_earn")).compose(r -> CappedEarns.applies(m) ? capped.landed(c, accrualId)
                : Future.succeededFuture());
    // The sale's bonuses (promotion, bounty), decided once and paid by the same shop.
    Future<List<Bonuses.Bonus>> paid = earn.compose(v -> bonuses.decide(c, key, accrualId, m, spendFen, d.at()))
        .compose(list -> bonuses.pay(c, accrualId, m, list).map(list))
        // Then its passport stamps (and a card's reward), each step found done when run again.
        .compose(list -> stamps.stamp(new Stamps.Sale(c.allianceId(), c.shopId(), m.memberId(), m.walletId(),
            accrualId, d.at(), m.zone())).map(list));
    return paid.compose(list -> {
      long total = d.points() + Bonuses.total(list);
      Future<Long> recovered = rerun ? recoverAgain(c, key, m, accrualId)
          : m.owes() ? recover(c, key, m.memberId(), accrualId, m.available() + total, Set.of())
          : Future.succeededFuture(0L);
      return recovered.compose(took -> issueCoupons(c, m.memberId(), spendFen, orderRef, rerun ? d.at() : null)
          .compose(issued -> (rerun ? members.holder(c, m.walletId()).map(PosMembers.Holder::available)
              : Future.succeededFuture(m.available() + total - took))
              .map(available -> new Accrued(accrualId, m.handle(), spendFen, total, d.points(), d.rawPoints(),
                  d.limitedBy(), list, c.shopId(), took, Math.max(0, available), issued))));
    });
  }

  /**
   * The coupons this purchase earns (once per order: a retry gets the same ones); none without an
   * orderRef. A rerun ({@code at}: when the accrual was recorded) judges campaigns as of then and
   * also lists what the earlier run issued, even from a campaign that has run out since.
   */
  private Future<List<Coupon>> issueCoupons(Caller c, long memberId, long spendFen, String orderRef, Instant at) {
    if (orderRef == null || orderRef.isBlank()) {
      return Future.succeededFuture(List.of());
    }
    return at == null ? couponIssuer.issueForPurchase(c.allianceId(), c.shopId(), memberId, spendFen, orderRef)
        : couponIssuer.issueForPurchaseAgain(c.allianceId(), c.shopId(), memberId, spendFen, orderRef, at);
  }

  private record Owed(UUID accrualId, long owed, long issuanceId, long walletId) {
  }

  /** Pays the member's debts, oldest first, out of at most {@code budget} points; returns what it took. */
  private Future<Long> recover(Caller c, String key, long memberId, UUID paidBy, long budget, Set<UUID> claimed) {
    return pool.preparedQuery(OWED).execute(Tuple.of(c.allianceId(), memberId)).compose(rows -> {
      List<Owed> debts = new ArrayList<>();
      for (Row r : rows) {
        UUID debt = r.getUUID("id");
        if (!claimed.contains(debt)) {
          debts.add(new Owed(debt, r.getLong("owed"), r.getLong("issuance_id"), r.getLong("wallet_id")));
        }
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
   * A rerun's debt payment: the recoveries the earlier run claimed are sent again (same ids: the
   * ledger applies each once), then what the wallet now holds pays the debts still open.
   */
  private Future<Long> recoverAgain(Caller c, String key, PosMembers.AtTill m, UUID paidBy) {
    return pool.preparedQuery(OWN_CLAIMS).execute(Tuple.of(c.allianceId(), paidBy)).compose(rows -> {
      Set<UUID> claimed = new HashSet<>();
      Future<Long> chain = Future.succeededFuture(0L);
      for (Row r : rows) {
        UUID recoveryId = r.getUUID("id");
        Owed debt = new Owed(r.getUUID("accrual_id"), 0, r.getLong("issuance_id"), r.getLong("wallet_id"));
        long points = r.getLong("points");
        claimed.add(debt.accrualId());
        chain = chain.compose(sum -> payBack(c, recoveryId, debt, points).map(took -> sum + took));
      }
      return chain.compose(resent -> members.holder(c, m.walletId())
          .compose(h -> recover(c, key, m.memberId(), paidBy, h.available(), claimed))
          .map(more -> resent + more));
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
    return claimed.compose(amount -> payBack(c, recoveryId, debt, amount))
        .recover(err -> err instanceof RaceLost ? Future.succeededFuture(0L) : Future.failedFuture(err));
  }

  /** Moves a claimed recovery's points; if the wallet cannot pay them after all, the claim is undone. */
  private Future<Long> payBack(Caller c, UUID recoveryId, Owed debt, long amount) {
    return ledger.submit(new TransferCommand(TransferCommand.Kind.TRANSFER, c.allianceId(),
            recoveryId, debt.walletId(), debt.issuanceId(), amount, 0, "pos_recovery", null, debt.accrualId(), 0,
            null, null))
        .map(r -> amount)
        .recover(err -> err instanceof LedgerException le && le.error() == LedgerError.INSUFFICIENT_POINTS
            ? pool.preparedQuery(UNCLAIM).execute(Tuple.of(c.allianceId(), recoveryId)).map(0L)
            : Future.failedFuture(err));
  }

  /** Another accrual claimed this debt first; nothing to do here. */
  private static final class RaceLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RaceLost() {
      super("recovery race lost", null, false, false);
    }
  }
}
