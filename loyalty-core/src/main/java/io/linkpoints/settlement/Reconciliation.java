package io.linkpoints.settlement;

import io.linkpoints.ledger.InvariantCheck;
import io.linkpoints.ledger.InvariantReport;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The reconciliation report of a run period: the ledger's invariant check, plus settlement checks
 * that compare the stored statements with their items and with the ledger itself. Each check
 * lists its discrepancies by name (party, expected, actual), so a broken figure can be found.
 */
public final class Reconciliation {
  private record Check(String name, String description, String sql) {
    /** Uses the period's range as $3 and $4 (PostgreSQL refuses parameters a statement does not use). */
    boolean ranged() {
      return sql.contains("$3");
    }
  }

  private static final String PERIOD = " and t.created_at >= $3 and t.created_at < $4 and t.flags in (0, 2)";

  private static final List<Check> CHECKS = List.of(
      new Check("statements_sum_to_zero", "the net of every party's statement (shops and the fund) adds up to zero",
          "select sum(net_fen) as sum_of_net_fen, count(*) as statements from settlement_statement"
              + " where alliance_id = $1 and period_id = $2 having coalesce(sum(net_fen), 0) <> 0"),
      new Check("statements_match_items", "each stored statement's receivable and payable equal the sums of its items",
          "select s.party_id, s.receivable_fen, coalesce(x.receivable, 0) as receivable_from_items,"
              + " s.payable_fen, coalesce(y.payable, 0) as payable_from_items from settlement_statement s"
              + " left join (select payee_id, sum(amount_fen) as receivable from settlement_item where alliance_id = $1"
              + "  and period_id = $2 and payer_id <> payee_id group by payee_id) x on x.payee_id = s.party_id"
              + " left join (select payer_id, sum(amount_fen) as payable from settlement_item where alliance_id = $1"
              + "  and period_id = $2 and payer_id <> payee_id group by payer_id) y on y.payer_id = s.party_id"
              + " where s.alliance_id = $1 and s.period_id = $2 and (s.receivable_fen <> coalesce(x.receivable, 0)"
              + "  or s.payable_fen <> coalesce(y.payable, 0))"),
      new Check("issued_matches_ledger", "each shop's (and the fund's) issued plus adjusted points equal its issuance"
          + " account's net debits in the period",
          "select s.party_id, s.issued_points, s.adjusted_points, coalesce(l.net, 0) as ledger_issued_points"
              + " from settlement_statement s"
              + " join ledger_account a on a.alliance_id = s.alliance_id"
              + "  and a.kind in ('merchant_issuance', 'alliance_fund_issuance') and a.owner_id = s.party_id"
              + " left join (select a2.id, sum(case when t.debit_account_id = a2.id then t.amount else -t.amount end) as net"
              + "  from ledger_account a2 join ledger_transfer t on t.alliance_id = a2.alliance_id"
              + "   and (t.debit_account_id = a2.id or t.credit_account_id = a2.id)"
              + "  join ledger_account w on w.alliance_id = t.alliance_id and w.kind = 'member_wallet'"
              + "   and w.id in (t.debit_account_id, t.credit_account_id)"
              + "  where a2.alliance_id = $1 and a2.kind in ('merchant_issuance', 'alliance_fund_issuance')" + PERIOD
              + " group by a2.id) l on l.id = a.id"
              + " where s.alliance_id = $1 and s.period_id = $2 and s.issued_points + s.adjusted_points <> coalesce(l.net, 0)"),
      new Check("accepted_matches_ledger", "each shop's accepted points equal its acceptance account's net credits in the period",
          "select s.party_id, s.accepted_points, coalesce(l.net, 0) as ledger_accepted_points from settlement_statement s"
              + " join ledger_account a on a.alliance_id = s.alliance_id and a.kind = 'merchant_acceptance' and a.owner_id = s.party_id"
              + " left join (select a2.id, sum(case when t.credit_account_id = a2.id then t.amount else -t.amount end) as net"
              + "  from ledger_account a2 join ledger_transfer t on t.alliance_id = a2.alliance_id"
              + "   and (t.debit_account_id = a2.id or t.credit_account_id = a2.id)"
              + "  join ledger_account w on w.alliance_id = t.alliance_id and w.kind = 'member_wallet'"
              + "   and w.id in (t.debit_account_id, t.credit_account_id)"
              + "  where a2.alliance_id = $1 and a2.kind = 'merchant_acceptance'" + PERIOD + " group by a2.id) l on l.id = a.id"
              + " where s.alliance_id = $1 and s.period_id = $2 and s.accepted_points <> coalesce(l.net, 0)"),
      new Check("expired_matches_ledger", "the expired points of all statements equal the breakage account's credits in the period",
          "select s.expired, coalesce(l.credited, 0) as ledger_breakage_points from"
              + " (select coalesce(sum(expired_points), 0) as expired from settlement_statement where alliance_id = $1"
              + "  and period_id = $2) s,"
              + " (select sum(t.amount) as credited from ledger_transfer t join ledger_account b on b.alliance_id = t.alliance_id"
              + "  and b.id = t.credit_account_id and b.kind = 'alliance_breakage' where t.alliance_id = $1" + PERIOD + ") l"
              + " where s.expired <> coalesce(l.credited, 0)"),
      new Check("coupon_funding_matches", "the coupon funding in the statements equals the coupon_funding rows of the period",
          "select s.items, coalesce(f.rows, 0) as coupon_funding_fen from"
              + " (select coalesce(sum(amount_fen), 0) as items from settlement_item where alliance_id = $1 and period_id = $2"
              + "  and category = 'coupon_funding') s,"
              + " (select sum(amount_fen) as rows from coupon_funding where alliance_id = $1 and redeemed_at >= $3"
              + "  and redeemed_at < $4) f where s.items <> coalesce(f.rows, 0)"));

  private final Pool pool;
  private final Periods periods;
  private final InvariantCheck ledgerCheck;

  public Reconciliation(Pool pool, Periods periods) {
    this.pool = pool;
    this.periods = periods;
    this.ledgerCheck = new InvariantCheck(pool);
  }

  /** One settlement check's result: its discrepancies as rows (each check selects its own columns), at most 50. */
  public record CheckResult(String name, String description, boolean ok, List<JsonObject> discrepancies) {
  }

  /** The period's reconciliation: ok when every settlement check and the ledger's invariant check found nothing. */
  public record Report(boolean ok, Periods.Period period, List<CheckResult> settlementChecks, InvariantReport ledger) {
  }

  public Future<Report> report(long allianceId, long periodId) {
    return periods.get(allianceId, periodId).compose(p -> {
      if (p.runs() == 0) {
        return Future.failedFuture(ProblemCode.PERIOD_NOT_RUN.refuse("run the period before reconciling it"));
      }
      Tuple ranged = Tuple.of(allianceId, periodId, Periods.utc(p.start()), Periods.utc(p.end()));
      Tuple plain = Tuple.of(allianceId, periodId);
      List<Future<CheckResult>> checks = new ArrayList<>();
      for (Check c : CHECKS) {
        checks.add(pool.preparedQuery(c.sql() + " limit 50").execute(c.ranged() ? ranged : plain).map(rows -> {
          List<JsonObject> found = new ArrayList<>();
          for (Row r : rows) {
            found.add(r.toJson());
          }
          return new CheckResult(c.name(), c.description(), found.isEmpty(), found);
        }));
      }
      Future<InvariantReport> ledger = ledgerCheck.run(allianceId);
      return Future.all(checks).compose(done -> ledger).map(report -> {
        List<CheckResult> all = checks.stream().map(Future::result).toList();
        boolean ok = report.ok() && all.stream().allMatch(CheckResult::ok);
        return new Report(ok, p, all, report);
      });
    });
  }
}
