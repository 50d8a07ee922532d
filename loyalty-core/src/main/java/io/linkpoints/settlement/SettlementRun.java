package io.linkpoints.settlement;

import io.linkpoints.settlement.Periods.Period;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;

/**
 * Computes a draft period: every money movement of the period as an item, then each party's
 * statement from its items. One transaction under the period row's lock, so two runs (two admins,
 * two instances) never interleave and a close waits for a run in flight.
 *
 * <p>The economics, item by item (value = points x the lot's price_per_point_fen at issue, so
 * everything is an integer and nothing is ever divided here):
 * <ul>
 *   <li>a member debit (posted transfers and posts of holds; holds and voids move nothing) spends
 *       lots: for each allocation the lot's issuer pays the value to the owner of the credited
 *       account: a shop's acceptance (redemption), a shop's issuance (earn reversal: its own
 *       points are a cut in issuance, another shop's points are acceptance; the fund's issuance
 *       likewise, with the fund as payee), the coupon escrow
 *       (market coupon: the alliance fund accepted them), or breakage (expiry: under
 *       'alliance_fund' the issuer pays the fund; under 'issuing_shop' it keeps the value, so the
 *       item is issuer-to-itself and moves no money);</li>
 *   <li>a member credit from a non-member account makes lots: from a shop's issuance with that
 *       shop as issuer it is an earn (a figure, no money), and so is one from the fund's issuance
 *       account (the fund's earn: its tier perks and rewards); from a shop's acceptance (reversal of a
 *       redemption) the shop gives the value back to the lots' issuer; from the escrow the fund
 *       gives it back;</li>
 *   <li>each coupon_funding row: the sponsor pays the honouring shop its fen (same shop: nothing);</li>
 *   <li>a points adjustment's transfer (code {@code point_adjustment}, between a member and a shop's
 *       issuance) is its own category: a credit is a {@code point_adjustment} (the shop's lot, a
 *       figure, no money); a debit or a correction of a sale is a {@code point_adjustment_reversal}
 *       per lot taken, paid like an earn reversal (another shop's lots: that shop pays this one);</li>
 *   <li>each adjustment booked into the period: payer pays payee;</li>
 *   <li>each shop exit completed in the period with charge_to_fund: the shop pays the fund the value
 *       of the points the fund took over ({@code exit_charge}); from then the fund is the issuer of
 *       those lots ({@link #ISSUER}).</li>
 * </ul>
 * Lots without an issuing shop (adjustment credits) are the fund's. Every item has one payer and
 * one payee, so the statements of all parties (shops and fund) sum to zero by construction.
 */
public final class SettlementRun {
  /**
   * The exit of the lot's issuing shop, if it left with its points charged to the fund
   * (docs/shop-exit.md): joined on the lot's issuer, pinned on the alliance.
   */
  static final String EXITED = " left join shop_exit x on x.alliance_id = l.alliance_id and x.shop_id = l.issuer_shop_id"
      + " and x.mode = 'charge_to_fund' and x.completed_at is not null";

  /**
   * Who a lot's points belong to for this transfer: its issuing shop (the fund for lots without
   * one), except that the fund took over the unexpired lots of a shop that exited with
   * charge_to_fund, for every transfer its completion's snapshot did not see. A transfer the
   * snapshot saw was counted in the charge as already spent (or not), so each point is the shop's
   * or the fund's, never both, whatever ledger batches were in flight at the completion.
   */
  static final String ISSUER = "(case when x.shop_id is not null and l.expires_at > x.completed_at"
      + " and not pg_visible_in_snapshot(t.xid, x.snapshot) then 0 else coalesce(l.issuer_shop_id, 0) end)";

  private static final String POINT_ITEMS =
      "select t.id as transfer_id, a.lot_transfer_id, a.lot_n, a.points, a.points * l.price_per_point_fen as amount,"
      + "  case when c.kind = 'merchant_issuance' and t.code = 'point_adjustment' then 'point_adjustment_reversal' else"
      + "  case c.kind when 'merchant_acceptance' then 'redemption'"
      + "   when 'merchant_issuance' then 'earn_reversal' when 'alliance_fund_issuance' then 'earn_reversal'"
      + "   when 'alliance_breakage' then 'expiry' when 'coupon_escrow' then 'market_coupon' else 'other_points' end end as category,"
      + "  " + ISSUER + " as payer_id,"
      + "  case when c.kind in ('merchant_acceptance', 'merchant_issuance') then c.owner_id"
      + "   when c.kind = 'alliance_breakage' and $5 = 'issuing_shop' then " + ISSUER + " else 0 end as payee_id"
      + " from ledger_transfer t"
      + " join ledger_account d on d.alliance_id = t.alliance_id and d.id = t.debit_account_id and d.kind = 'member_wallet'"
      + " join ledger_account c on c.alliance_id = t.alliance_id and c.id = t.credit_account_id"
      + " join ledger_allocation a on a.alliance_id = t.alliance_id and a.transfer_id = t.id"
      + " join ledger_lot l on l.alliance_id = a.alliance_id and l.transfer_id = a.lot_transfer_id and l.n = a.lot_n"
      + EXITED
      + " where t.alliance_id = $1 and t.created_at >= $3 and t.created_at < $4 and t.flags in (0, 2)"
      + " union all"
      + " select t.id, l.transfer_id, l.n, l.points, l.points * l.price_per_point_fen,"
      + "  case when d.kind = 'merchant_issuance' and t.code = 'point_adjustment' then 'point_adjustment'"
      + "   when d.kind = 'merchant_issuance' and d.owner_id = " + ISSUER + " then 'earn'"
      + "   when d.kind = 'alliance_fund_issuance' and " + ISSUER + " = 0 then 'earn'"
      + "   when d.kind = 'merchant_acceptance' then 'redemption_reversal'"
      + "   when d.kind = 'coupon_escrow' then 'market_coupon_refund' else 'other_points' end,"
      + "  case when d.kind in ('merchant_issuance', 'merchant_acceptance') then d.owner_id else 0 end,"
      + "  " + ISSUER
      + " from ledger_transfer t"
      + " join ledger_account d on d.alliance_id = t.alliance_id and d.id = t.debit_account_id and d.kind <> 'member_wallet'"
      + " join ledger_account c on c.alliance_id = t.alliance_id and c.id = t.credit_account_id and c.kind = 'member_wallet'"
      + " join ledger_lot l on l.alliance_id = t.alliance_id and l.transfer_id = t.id"
      + EXITED
      + " where t.alliance_id = $1 and t.created_at >= $3 and t.created_at < $4 and t.flags in (0, 2)";

  private static final String INSERT_ITEMS = "insert into settlement_item (alliance_id, period_id, n, category, payer_id,"
      + " payee_id, points, amount_fen, transfer_id, lot_transfer_id, lot_n, coupon_id, adjustment_id)"
      + " select $1, $2, row_number() over (order by category, payer_id, payee_id, transfer_id, lot_transfer_id, lot_n,"
      + "  coupon_id, adjustment_id), category, payer_id, payee_id, points, amount, transfer_id, lot_transfer_id, lot_n,"
      + "  coupon_id, adjustment_id from ("
      + " select category, payer_id, payee_id, points, amount, transfer_id, lot_transfer_id, lot_n, null::bigint as coupon_id,"
      + "  null::bigint as adjustment_id from (" + POINT_ITEMS + ") p"
      + " union all select 'coupon_funding', f.sponsor_shop_id, f.honouring_shop_id, 0, f.amount_fen, null, null, null,"
      + "  f.coupon_id, null from coupon_funding f"
      + "  where f.alliance_id = $1 and f.redeemed_at >= $3 and f.redeemed_at < $4 and f.amount_fen > 0"
      + " union all select 'adjustment', j.payer_id, j.payee_id, 0, j.amount_fen, null, null, null, null, j.id"
      + "  from settlement_adjustment j where j.alliance_id = $1 and j.period_id = $2"
      // A shop's exit completed in the period: the shop pays the fund what the fund took over.
      + " union all select 'exit_charge', e.shop_id, 0, e.charged_points, e.charged_fen, null, null, null, null, null"
      + "  from shop_exit e where e.alliance_id = $1 and e.completed_at >= $3 and e.completed_at < $4"
      + "  and e.charged_fen > 0) x";

  private static String sum(String what, String where) {
    return "coalesce(sum(i." + what + ") filter (where " + where + "), 0)";
  }

  private static final String X = " and i.payer_id <> i.payee_id";
  private static final String STATEMENTS = "insert into settlement_statement (alliance_id, period_id, party_id,"
      + " issued_points, issued_fen, adjusted_points, adjusted_fen,"
      + " accepted_points, accepted_fen, accepted_from_others_fen, redeemed_elsewhere_fen,"
      + " expired_points, expired_fen, breakage_paid_fen, breakage_received_fen, market_coupon_fen,"
      + " coupon_funding_paid_fen, coupon_funding_received_fen, adjustment_fen, exit_charge_fen, other_fen, receivable_fen,"
      + " payable_fen,"
      + " net_fen)"
      + " select $1, $2, p.id,"
      + sum("points", "i.category = 'earn' and i.payee_id = p.id") + " - "
      + sum("points", "i.category = 'earn_reversal' and i.payee_id = p.id") + ","
      + sum("amount_fen", "i.category = 'earn' and i.payee_id = p.id") + " - "
      + sum("amount_fen", "i.category = 'earn_reversal' and i.payee_id = p.id") + ","
      + sum("points", "i.category = 'point_adjustment' and i.payee_id = p.id") + " - "
      + sum("points", "i.category = 'point_adjustment_reversal' and i.payee_id = p.id") + ","
      + sum("amount_fen", "i.category = 'point_adjustment' and i.payee_id = p.id") + " - "
      + sum("amount_fen", "i.category = 'point_adjustment_reversal' and i.payee_id = p.id") + ","
      + sum("points", "i.category = 'redemption' and i.payee_id = p.id") + " - "
      + sum("points", "i.category = 'redemption_reversal' and i.payer_id = p.id") + ","
      + sum("amount_fen", "i.category = 'redemption' and i.payee_id = p.id") + " - "
      + sum("amount_fen", "i.category = 'redemption_reversal' and i.payer_id = p.id") + ","
      + sum("amount_fen", "i.category in ('redemption', 'earn_reversal', 'point_adjustment_reversal') and i.payee_id = p.id" + X) + " - "
      + sum("amount_fen", "i.category = 'redemption_reversal' and i.payer_id = p.id" + X) + ","
      + sum("amount_fen", "i.category in ('redemption', 'earn_reversal', 'point_adjustment_reversal') and i.payer_id = p.id" + X) + " - "
      + sum("amount_fen", "i.category = 'redemption_reversal' and i.payee_id = p.id" + X) + ","
      + sum("points", "i.category = 'expiry' and i.payer_id = p.id") + ","
      + sum("amount_fen", "i.category = 'expiry' and i.payer_id = p.id") + ","
      + sum("amount_fen", "i.category = 'expiry' and i.payer_id = p.id" + X) + ","
      + sum("amount_fen", "i.category = 'expiry' and i.payee_id = p.id" + X) + ","
      + sum("amount_fen", "i.category in ('market_coupon', 'market_coupon_refund') and i.payee_id = p.id" + X) + " - "
      + sum("amount_fen", "i.category in ('market_coupon', 'market_coupon_refund') and i.payer_id = p.id" + X) + ","
      + sum("amount_fen", "i.category = 'coupon_funding' and i.payer_id = p.id" + X) + ","
      + sum("amount_fen", "i.category = 'coupon_funding' and i.payee_id = p.id" + X) + ","
      + sum("amount_fen", "i.category = 'adjustment' and i.payee_id = p.id") + " - "
      + sum("amount_fen", "i.category = 'adjustment' and i.payer_id = p.id") + ","
      + sum("amount_fen", "i.category = 'exit_charge' and i.payee_id = p.id") + " - "
      + sum("amount_fen", "i.category = 'exit_charge' and i.payer_id = p.id") + ","
      + sum("amount_fen", "i.category = 'other_points' and i.payee_id = p.id" + X) + " - "
      + sum("amount_fen", "i.category = 'other_points' and i.payer_id = p.id" + X) + ","
      + sum("amount_fen", "i.payee_id = p.id" + X) + ","
      + sum("amount_fen", "i.payer_id = p.id" + X) + ","
      + sum("amount_fen", "i.payee_id = p.id" + X) + " - " + sum("amount_fen", "i.payer_id = p.id" + X)
      + " from (select id from shop where alliance_id = $1 union select 0) p"
      + " left join settlement_item i on i.alliance_id = $1 and i.period_id = $2"
      + "  and (i.payer_id = p.id or i.payee_id = p.id)"
      + " group by p.id";

  private static final String RULE = "select breakage_rule from alliance where id = $1";
  private static final String CLEAR_ITEMS = "delete from settlement_item where alliance_id = $1 and period_id = $2";
  private static final String CLEAR_STATEMENTS = "delete from settlement_statement where alliance_id = $1 and period_id = $2";
  private static final String MARK_RUN = "update settlement_period set runs = runs + 1, last_run_at = $3, breakage_rule = $4"
      + " where alliance_id = $1 and id = $2 returning " + Periods.COLUMNS;

  private final Pool pool;
  private final Clock clock;

  public SettlementRun(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Computes (or recomputes) a draft period; a closed one is refused with {@code period_closed}. */
  public Future<Period> run(long allianceId, long periodId) {
    return pool.withTransaction(conn -> Periods.get(conn, allianceId, periodId, true).compose(period -> {
      if (period.closed()) {
        return Future.failedFuture(Periods.closedError(periodId));
      }
      return conn.preparedQuery(RULE).execute(Tuple.of(allianceId)).compose(rows -> {
        String rule = rows.iterator().next().getString(0);
        return compute(conn, period, rule);
      });
    })).recover(err -> Future.failedFuture(Periods.asPeriodClosed(err, periodId)));
  }

  private Future<Period> compute(SqlConnection conn, Period p, String rule) {
    Tuple key = Tuple.of(p.allianceId(), p.id());
    return conn.preparedQuery(CLEAR_STATEMENTS).execute(key)
        .compose(v -> conn.preparedQuery(CLEAR_ITEMS).execute(key))
        .compose(v -> conn.preparedQuery(INSERT_ITEMS).execute(Tuple.of(p.allianceId(), p.id(),
            Periods.utc(p.start()), Periods.utc(p.end()), rule)))
        .compose(v -> conn.preparedQuery(STATEMENTS).execute(key))
        .compose(v -> conn.preparedQuery(MARK_RUN).execute(Tuple.of(p.allianceId(), p.id(),
            Periods.utc(clock.instant()), rule)))
        .map(rows -> Period.fromRow(rows.iterator().next()));
  }
}
