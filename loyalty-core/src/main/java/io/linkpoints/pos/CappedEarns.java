package io.linkpoints.pos;

import io.linkpoints.alliance.EarnCalculator;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;

/**
 * The points of an accrual under a daily cap, decided and recorded as one step: under the member's
 * row lock, what the member earned today (the ledger's earns plus the points other accruals have
 * reserved but not yet earned) gives the room left, and the accrual's row and its reservation are
 * written before the lock goes. Concurrent accruals of one member, on any instance, take turns,
 * so together they never pass a cap. The earn itself goes to the ledger after the commit; then
 * the reservation is dropped ({@link #landed}).
 *
 * <p>Run again (the same key after a crash or a lost answer), the accrual finds its own row and
 * earns what was decided the first time: its reservation is neither counted twice nor lost.
 * Today's earnings are gross (a refund's reversal does not give room back), as before.
 */
final class CappedEarns {
  private static final String LOCK = "select 1 from member where alliance_id = $1 and id = $2 for no key update";
  private static final String DECIDED = "select " + Accruals.Recorded.COLUMNS
      + " from pos_accrual where alliance_id = $1 and id = $2";
  // Points the wallet received from shops' issuance accounts in the alliance's day, here ($3) and
  // everywhere, plus reservations whose earn has not reached the ledger yet.
  private static final String EARNED_TODAY = "select coalesce(sum(points) filter (where shop_id = $3), 0) as at_shop,"
      + " coalesce(sum(points), 0) as in_alliance from ("
      + "   select t.amount as points, i.owner_id as shop_id from ledger_transfer t"
      + "   join ledger_account i on i.alliance_id = t.alliance_id and i.id = t.debit_account_id"
      + "     and i.kind = 'merchant_issuance'"
      + "   where t.alliance_id = $1 and t.credit_account_id = $2 and t.flags in (0, 2)"
      // Bonuses (Bonuses: promotions, bounties, tier perks) are outside the caps: neither cut nor counted.
      + "     and t.code not in ('pos_promotion', 'pos_bounty', 'pos_tier_shop', 'pos_tier_alliance')"
      + "     and t.created_at >= $4 and t.created_at < $5"
      + "   union all"
      + "   select r.points, r.shop_id from pos_earn_reservation r"
      + "   where r.alliance_id = $1 and r.member_id = $6 and r.created_at >= $4 and r.created_at < $5"
      + "     and not exists (select 1 from ledger_transfer t where t.alliance_id = r.alliance_id and t.id = r.accrual_id)"
      + " ) earned";
  private static final String RECORD = "insert into pos_accrual (alliance_id, id, shop_id, terminal_id, member_id,"
      + " order_ref, spend_fen, points, raw_points, limited_by, created_at)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
      + " on conflict do nothing";
  private static final String RESERVE = "insert into pos_earn_reservation (alliance_id, accrual_id, member_id, shop_id,"
      + " points, created_at) values ($1, $2, $3, $4, $5, $6) on conflict do nothing";
  private static final String LANDED = "delete from pos_earn_reservation where alliance_id = $1 and accrual_id = $2";

  private final Pool pool;
  private final Clock clock;

  CappedEarns(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Whether this accrual has a cap to respect at all (if not, none of this is paid for). */
  static boolean applies(PosMembers.AtTill m) {
    return m.rule().dailyCapPoints() != null || m.allianceCap() != null;
  }

  /** Decides (once per accrual id) and records the accrual and its reservation, under the member's lock. */
  Future<Accruals.Recorded> decide(Caller c, PosMembers.AtTill m, UUID accrualId, long spendFen, String orderRef) {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(c.allianceId(), m.memberId()))
        .compose(locked -> conn.preparedQuery(DECIDED).execute(Tuple.of(c.allianceId(), accrualId)))
        .compose(found -> found.size() == 1 ? Future.succeededFuture(Accruals.Recorded.of(found.iterator().next()))
            : decideNow(conn, c, m, accrualId, spendFen, orderRef)));
  }

  /** The earn is in the ledger: it counts from there now. */
  Future<Void> landed(Caller c, UUID accrualId) {
    return pool.preparedQuery(LANDED).execute(Tuple.of(c.allianceId(), accrualId)).mapEmpty();
  }

  private Future<Accruals.Recorded> decideNow(SqlConnection conn, Caller c, PosMembers.AtTill m, UUID accrualId, long spendFen,
      String orderRef) {
    var now = clock.instant().atOffset(ZoneOffset.UTC);
    EarnCalculator.Day day = EarnCalculator.Day.containing(clock.instant(), m.zone());
    return conn.preparedQuery(EARNED_TODAY).execute(Tuple.of(c.allianceId(), m.walletId(), c.shopId(),
            day.start().atOffset(ZoneOffset.UTC), day.end().atOffset(ZoneOffset.UTC), m.memberId()))
        .compose(rows -> {
          Row row = rows.iterator().next();
          EarnCalculator.Quote q = EarnCalculator.quote(spendFen, m.rule(), m.allianceCap(),
              new EarnCalculator.EarnedToday(row.getLong("at_shop"), row.getLong("in_alliance")));
          Accruals.Recorded decision = new Accruals.Recorded(m.memberId(), q.points(), q.rawPoints(),
              dbName(q.limitedBy()), now.toInstant());
          Future<?> recorded = conn.preparedQuery(RECORD).execute(Tuple.from(new Object[] {c.allianceId(), accrualId,
              c.shopId(), c.terminalId(), m.memberId(), orderRef, spendFen, q.points(), q.rawPoints(),
              dbName(q.limitedBy()), now}));
          return recorded.compose(v -> q.points() == 0 ? Future.succeededFuture()
                  : conn.preparedQuery(RESERVE).execute(Tuple.of(c.allianceId(), accrualId, m.memberId(), c.shopId(),
                      q.points(), now)))
              .map(decision);
        });
  }

  /** As {@code pos_accrual.limited_by} and the answer's {@code limitedBy} name it. */
  static String dbName(EarnCalculator.Limit limit) {
    return limit.name().toLowerCase(Locale.ROOT);
  }
}
