package io.linkpoints.settlement;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Cross-visit insight for a period: per pair (A, B), how many distinct members earned at A (an
 * earn at A made them a lot in the period) and spent points at B (a posted redemption at B in
 * the period). A = B counts members who came back to spend where they earned.
 */
public final class CrossVisits {
  /**
   * Only members whose latest {@code visit_sharing} consent is granted are counted (PIPL opt-in: no
   * choice is no consent; docs/privacy.md). {@code w} is the member's wallet of the transfer {@code t}.
   */
  static final String CONSENTED = " and coalesce((select mc.granted from member_consent mc"
      + " where mc.alliance_id = t.alliance_id and mc.member_id = w.owner_id and mc.purpose = 'visit_sharing'"
      + " order by mc.id desc limit 1), false)";

  private static final String SQL = "with earned as ("
      + " select distinct d.owner_id as shop_id, t.credit_account_id as wallet from ledger_transfer t"
      + " join ledger_account d on d.alliance_id = t.alliance_id and d.id = t.debit_account_id and d.kind = 'merchant_issuance'"
      + " join ledger_account w on w.alliance_id = t.alliance_id and w.id = t.credit_account_id and w.kind = 'member_wallet'"
      + " where t.alliance_id = $1 and t.created_at >= $2 and t.created_at < $3 and t.flags in (0, 2)"
      + CONSENTED + " and t.reverses_id is null),"
      + " spent as ("
      + " select distinct c.owner_id as shop_id, t.debit_account_id as wallet from ledger_transfer t"
      + " join ledger_account c on c.alliance_id = t.alliance_id and c.id = t.credit_account_id and c.kind = 'merchant_acceptance'"
      + " join ledger_account w on w.alliance_id = t.alliance_id and w.id = t.debit_account_id and w.kind = 'member_wallet'"
      + " where t.alliance_id = $1 and t.created_at >= $2 and t.created_at < $3 and t.flags in (0, 2)"
      + CONSENTED + ")"
      + " select e.shop_id as earned_at, s.shop_id as spent_at, count(*) as members from earned e"
      + " join spent s on s.wallet = e.wallet group by e.shop_id, s.shop_id order by 1, 2";

  private final Pool pool;
  private final Periods periods;

  public CrossVisits(Pool pool, Periods periods) {
    this.pool = pool;
    this.periods = periods;
  }

  /** Members who earned at one shop and spent points at another (or the same) in the period. */
  public record Pair(long earnedAtShopId, long spentAtShopId, long members) {
  }

  /** The period's pairs, by the shop earned at, then the shop spent at. */
  public record PeriodPairs(Periods.Period period, List<Pair> pairs) {
  }

  public Future<PeriodPairs> of(long allianceId, long periodId) {
    return periods.get(allianceId, periodId).compose(p -> pool.preparedQuery(SQL)
        .execute(Tuple.of(allianceId, Periods.utc(p.start()), Periods.utc(p.end()))).map(rows -> {
          List<Pair> pairs = new ArrayList<>();
          for (Row r : rows) {
            pairs.add(new Pair(r.getLong(0), r.getLong(1), r.getLong(2)));
          }
          return new PeriodPairs(p, pairs);
        }));
  }
}
