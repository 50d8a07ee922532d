package io.linkpoints.pos;

import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LedgerError;
import io.linkpoints.ledger.LedgerException;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.passports.Stamps;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Refunds reverse an accrual's points in proportion to the money refunded. Proportion is taken on
 * the running total, so partial refunds add up exactly: after refunding r of s fen, floor(p·r/s)
 * of the p points are back, and all p once everything is refunded.
 *
 * <p>If the member has already spent the points the wallet never goes negative: the refund takes
 * what is there and records the rest as the accrual's shortfall, which the member's next accruals
 * pay back (see {@link Accruals}). Every point is in a ledger transfer or in that debt.
 */
final class Refunds {
  private static final String ACCRUAL = "select shop_id, member_id, spend_fen, points, refunded_fen, bonus_of"
      + " from pos_accrual where alliance_id = $1 and id = $2 for update";
  private static final String EXISTING = "select accrual_id, refund_fen, points_due from pos_refund"
      + " where alliance_id = $1 and id = $2";
  private static final String OPEN = "insert into pos_refund (alliance_id, id, accrual_id, refund_fen, points_due,"
      + " created_at) values ($1, $2, $3, $4, $5, $6)";
  private static final String ADD_REFUNDED = "update pos_accrual set refunded_fen = refunded_fen + $3"
      + " where alliance_id = $1 and id = $2";
  // Decided once: the first run to get here writes the split, and the accrual's debt grows by the shortfall.
  private static final String DECIDE = "with r as (update pos_refund set points_reversed = $3, shortfall_points = $4"
      + "   where alliance_id = $1 and id = $2 and points_reversed is null returning accrual_id, shortfall_points)"
      + " update pos_accrual a set shortfall_points = a.shortfall_points + r.shortfall_points from r"
      + " where a.alliance_id = $1 and a.id = r.accrual_id returning a.refunded_fen";
  private static final String DECIDED = "select r.points_reversed, r.shortfall_points, a.refunded_fen"
      + " from pos_refund r join pos_accrual a on a.alliance_id = r.alliance_id and a.id = r.accrual_id"
      + " where r.alliance_id = $1 and r.id = $2";
  // The sale's bonus rows (promotion, bounty: see Bonuses), refunded with it.
  private static final String BONUSES = "select id from pos_accrual where alliance_id = $1 and bonus_of = $2"
      + " order by bonus_kind desc";

  private final Pool pool;
  private final Ledger ledger;
  private final Stamps stamps;
  private final Clock clock;

  Refunds(Pool pool, Ledger ledger, Stamps stamps, Clock clock) {
    this.pool = pool;
    this.ledger = ledger;
    this.stamps = stamps;
    this.clock = clock;
  }

  private record Due(UUID accrualId, long refundFen, long points) {
  }

  /**
   * A refund's answer: the points it owes back ({@code pointsDue}), split into what the wallet gave
   * ({@code pointsReversed}) and what the member now owes ({@code shortfallPoints}), and the sale's
   * refunded total so far.
   */
  record Refunded(UUID refundId, UUID accrualId, long refundFen, long pointsDue, long pointsReversed,
      long shortfallPoints, long refundedFenTotal, long bonusPointsDue) {
  }

  /** A refund's request: the accrual (the sale it earned on) and the money given back. */
  record Refund(UUID accrualId, long refundFen) {
  }

  /**
   * Run again with its key, each step finds what it did before (the refund row, the reversal, the
   * split). The sale's bonuses are refunded after its base points, each the same way (its own
   * refund row, reversal and shortfall, named from the key and the bonus), and summed in the answer.
   */
  Future<Refunded> refund(Caller c, String key, Refund refund, boolean rerun) {
    UUID accrualId = refund.accrualId();
    long refundFen = refund.refundFen();
    UUID refundId = c.derive(key, "refund");
    return refundOne(c, refundId, accrualId, refundFen, false).compose(base -> pool.preparedQuery(BONUSES)
        .execute(Tuple.of(c.allianceId(), accrualId)).compose(rows -> {
          Future<Refunded> sum = Future.succeededFuture(base);
          for (Row r : rows) {
            UUID bonusId = r.getUUID("id");
            sum = sum.compose(sofar -> refundOne(c, c.derive(key, "refund:" + bonusId), bonusId, refundFen, true)
                .map(bonus -> new Refunded(sofar.refundId(), sofar.accrualId(), sofar.refundFen(),
                    sofar.pointsDue() + bonus.pointsDue(), sofar.pointsReversed() + bonus.pointsReversed(),
                    sofar.shortfallPoints() + bonus.shortfallPoints(), sofar.refundedFenTotal(),
                    sofar.bonusPointsDue() + bonus.pointsDue())));
          }
          // Then the sale's passport stamps, withdrawn if its net spend fell below a minimum.
          return sum.compose(r -> stamps.refunded(c.allianceId(), accrualId).map(r));
        }));
  }

  private Future<Refunded> refundOne(Caller c, UUID refundId, UUID accrualId, long refundFen, boolean bonus) {
    return due(c, refundId, accrualId, refundFen, bonus)
        .compose(due -> reverse(c, refundId, due).compose(reversed -> decide(c, refundId, due, reversed)));
  }

  /** Under the accrual's row lock: the points this refund owes back (decided once per refund). */
  private Future<Due> due(Caller c, UUID refundId, UUID accrualId, long refundFen, boolean bonus) {
    return pool.withTransaction(conn -> conn.preparedQuery(ACCRUAL).execute(Tuple.of(c.allianceId(), accrualId))
        .compose(rows -> {
          Row a = rows.size() == 0 ? null : rows.iterator().next();
          // A bonus row is refunded only with its sale, never named by a till.
          if (a == null || a.getLong("shop_id") != c.shopId() || bonus != (a.getValue("bonus_of") != null)) {
            throw ProblemCode.ACCRUAL_NOT_FOUND.refuse("no accrual " + accrualId + " at this shop");
          }
          return conn.preparedQuery(EXISTING).execute(Tuple.of(c.allianceId(), refundId)).compose(existing -> {
            if (existing.size() == 1) {
              Row r = existing.iterator().next();
              return Future.succeededFuture(new Due(r.getUUID("accrual_id"), r.getLong("refund_fen"),
                  r.getLong("points_due")));
            }
            long spend = a.getLong("spend_fen");
            long points = a.getLong("points");
            long before = a.getLong("refunded_fen");
            if (before + refundFen > spend) {
              throw ProblemCode.REFUND_EXCEEDS_SALE.refuse("refunding " + refundFen + " fen would exceed the sale's "
                  + spend + " fen (already refunded " + before + ")");
            }
            long pointsDue = share(points, before + refundFen, spend) - share(points, before, spend);
            return conn.preparedQuery(OPEN).execute(Tuple.of(c.allianceId(), refundId, accrualId, refundFen, pointsDue,
                    clock.instant().atOffset(ZoneOffset.UTC)))
                .compose(v -> conn.preparedQuery(ADD_REFUNDED).execute(Tuple.of(c.allianceId(), accrualId, refundFen)))
                .map(new Due(accrualId, refundFen, pointsDue));
          });
        }));
  }

  /** floor(points × refunded / spend), in integers: the points that refunding so much takes back. */
  static long share(long points, long refundedFen, long spendFen) {
    if (spendFen == 0) {
      return 0;
    }
    return BigInteger.valueOf(points).multiply(BigInteger.valueOf(refundedFen))
        .divide(BigInteger.valueOf(spendFen)).longValueExact();
  }

  /**
   * Reverses what the wallet can give of the points due. The reversal's id comes from the refund's
   * key: if it already exists (this refund run again), its amount is the answer.
   */
  private Future<Long> reverse(Caller c, UUID refundId, Due due) {
    if (due.points() == 0) {
      return Future.succeededFuture(0L);
    }
    return ledger.transferById(c.allianceId(), refundId).compose(done -> done.isPresent()
        ? Future.succeededFuture(done.get().amount())
        : ledger.transferById(c.allianceId(), due.accrualId()).compose(earn -> attempt(c, refundId,
            earn.orElseThrow(() -> ProblemCode.ACCRUAL_NOT_FOUND.refuse("the accrual's earn never reached the ledger")),
            due.points(), 3)));
  }

  private Future<Long> attempt(Caller c, UUID refundId, Transfer earn, long due, int triesLeft) {
    return ledger.account(c.allianceId(), earn.creditAccountId()).compose(wallet -> {
      long amount = Math.min(due, Math.max(0, wallet.orElseThrow().availableBalance()));
      if (amount == 0) {
        return Future.succeededFuture(0L);
      }
      return ledger.submit(TransferCommand.reversal(c.allianceId(), refundId, earn, amount, "pos_refund"))
          .map(r -> r.transfer().amount())
          .recover(err -> err instanceof LedgerException le && le.error() == LedgerError.INSUFFICIENT_POINTS && triesLeft > 1
              ? attempt(c, refundId, earn, due, triesLeft - 1) // spent in the meantime: look again
              : Future.failedFuture(err));
    });
  }

  private Future<Refunded> decide(Caller c, UUID refundId, Due due, long reversed) {
    long shortfall = due.points() - reversed;
    return pool.preparedQuery(DECIDE).execute(Tuple.of(c.allianceId(), refundId, reversed, shortfall))
        .compose(rows -> pool.preparedQuery(DECIDED).execute(Tuple.of(c.allianceId(), refundId)))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Refunded(refundId, due.accrualId(), due.refundFen(), due.points(), r.getLong("points_reversed"),
              r.getLong("shortfall_points"), r.getLong("refunded_fen"), 0);
        });
  }
}
