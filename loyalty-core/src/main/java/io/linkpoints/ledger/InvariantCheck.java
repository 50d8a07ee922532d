package io.linkpoints.ledger;

import io.linkpoints.platform.EachAlliance;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every invariant of the ledger, checked against the stored rows from first principles: the
 * balances the writer maintains are recomputed from the transfers, lots and allocations. Each
 * query returns the violating rows (at most 20 per check) of one alliance. Read-only; run it any time.
 */
public final class InvariantCheck {
  /** At most this many violating rows per check (per alliance, and in a report over all of them). */
  private static final int ROWS = 20;

  record Check(String name, String description, String sql) {
  }

  private static final List<Check> CHECKS = List.of(
      new Check("balanced",
          "per alliance, total debits equal total credits (posted and pending)",
          "select alliance_id, sum(debits_posted) as debits_posted, sum(credits_posted) as credits_posted,"
              + " sum(debits_pending) as debits_pending, sum(credits_pending) as credits_pending"
              + " from ledger_account where " + where("alliance_id") + " group by alliance_id"
              + " having sum(debits_posted) <> sum(credits_posted) or sum(debits_pending) <> sum(credits_pending)"),
      new Check("account_balances_match_transfers",
          "each account's posted and pending totals equal the sums of its transfers",
          "with moves as ("
              + " select alliance_id, debit_account_id as account_id, amount as dpo, 0::bigint as cpo, 0::bigint as dp,"
              + "  0::bigint as cp from ledger_transfer where flags in (0, 2)"
              + " union all select alliance_id, credit_account_id, 0, amount, 0, 0 from ledger_transfer where flags in (0, 2)"
              + " union all select t.alliance_id, t.debit_account_id, 0, 0, t.amount, 0 from ledger_transfer t"
              + "  join ledger_open_hold h on h.alliance_id = t.alliance_id and h.transfer_id = t.id"
              + " union all select t.alliance_id, t.credit_account_id, 0, 0, 0, t.amount from ledger_transfer t"
              + "  join ledger_open_hold h on h.alliance_id = t.alliance_id and h.transfer_id = t.id),"
              + " sums as (select alliance_id, account_id, sum(dpo) as dpo, sum(cpo) as cpo, sum(dp) as dp, sum(cp) as cp"
              + "  from moves group by alliance_id, account_id)"
              + " select a.alliance_id, a.id, a.debits_posted, coalesce(s.dpo, 0) as debits_posted_from_transfers,"
              + "  a.credits_posted, coalesce(s.cpo, 0) as credits_posted_from_transfers,"
              + "  a.debits_pending, coalesce(s.dp, 0) as debits_pending_from_transfers,"
              + "  a.credits_pending, coalesce(s.cp, 0) as credits_pending_from_transfers"
              + " from ledger_account a left join sums s on s.alliance_id = a.alliance_id and s.account_id = a.id"
              + " where " + where("a.alliance_id") + " and (a.debits_posted <> coalesce(s.dpo, 0)"
              + "  or a.credits_posted <> coalesce(s.cpo, 0) or a.debits_pending <> coalesce(s.dp, 0)"
              + "  or a.credits_pending <> coalesce(s.cp, 0))"),
      new Check("open_holds_match_transfers",
          "a hold is listed as open exactly when no post or void resolved it",
          "select t.alliance_id, t.id, h.transfer_id is not null as listed_open, r.id is not null as resolved"
              + " from ledger_transfer t"
              + " left join ledger_open_hold h on h.alliance_id = t.alliance_id and h.transfer_id = t.id"
              + " left join ledger_transfer r on r.alliance_id = t.alliance_id and r.pending_id = t.id"
              + " where t.flags = 1 and " + where("t.alliance_id") + " and (h.transfer_id is null) = (r.id is null)"
              + " union all select h.alliance_id, h.transfer_id, true, false from ledger_open_hold h"
              + " left join ledger_transfer t on t.alliance_id = h.alliance_id and t.id = h.transfer_id and t.flags = 1"
              + " where t.id is null and " + where("h.alliance_id")),
      new Check("holds_resolve_once",
          "every hold is resolved at most once, by a post of at most its amount or a void of all of it",
          "select r.alliance_id, r.id, r.pending_id, r.flags, r.amount, p.amount as hold_amount,"
              + " (select count(*) from ledger_transfer x where x.alliance_id = r.alliance_id and x.pending_id = r.pending_id) as resolutions"
              + " from ledger_transfer r left join ledger_transfer p on p.alliance_id = r.alliance_id and p.id = r.pending_id"
              + " where r.pending_id is not null and " + where("r.alliance_id") + " and (p.id is null or p.flags <> 1"
              + "  or p.debit_account_id <> r.debit_account_id or p.credit_account_id <> r.credit_account_id"
              + "  or r.amount > p.amount or (r.flags = 4 and r.amount <> p.amount)"
              + "  or (select count(*) from ledger_transfer x where x.alliance_id = r.alliance_id and x.pending_id = r.pending_id) > 1)"),
      new Check("no_negative_member_balance",
          "no member wallet (nor any account flagged so) has debits above its credits",
          "select alliance_id, id, kind, debits_posted, debits_pending, credits_posted from ledger_account"
              + " where " + where("alliance_id") + " and ((kind = 'member_wallet' or flags & 1 <> 0)"
              + "  and debits_posted + debits_pending > credits_posted"
              + "  or flags & 2 <> 0 and credits_posted + credits_pending > debits_posted)"),
      new Check("wallet_equals_lots",
          "each member's spendable balance equals the points left in its lots, and only wallets have lots",
          "select a.alliance_id, a.id, a.kind, a.credits_posted - a.debits_posted - a.debits_pending as available,"
              + " coalesce(l.points_left, 0) as lots_points_left from ledger_account a"
              + " left join (select alliance_id, account_id, sum(points_left) as points_left from ledger_lot"
              + "  group by alliance_id, account_id) l on l.alliance_id = a.alliance_id and l.account_id = a.id"
              + " where " + where("a.alliance_id") + " and ((a.kind = 'member_wallet'"
              + "  and a.credits_posted - a.debits_posted - a.debits_pending <> coalesce(l.points_left, 0))"
              + "  or (a.kind <> 'member_wallet' and l.points_left is not null))"),
      new Check("lots_match_allocations",
          "each lot's used points equal its allocations to posted debits and open holds",
          "select l.alliance_id, l.transfer_id, l.n, l.points - l.points_left as used, coalesce(x.allocated, 0) as allocated"
              + " from ledger_lot l left join (select a.alliance_id, a.lot_transfer_id, a.lot_n, sum(a.points) as allocated"
              + "  from ledger_allocation a join ledger_transfer t on t.alliance_id = a.alliance_id and t.id = a.transfer_id"
              + "  left join ledger_open_hold h on h.alliance_id = t.alliance_id and h.transfer_id = t.id"
              + "  where t.flags <> 1 or h.transfer_id is not null group by a.alliance_id, a.lot_transfer_id, a.lot_n) x"
              + " on x.alliance_id = l.alliance_id and x.lot_transfer_id = l.transfer_id and x.lot_n = l.n"
              + " where " + where("l.alliance_id") + " and l.points - l.points_left <> coalesce(x.allocated, 0)"),
      new Check("member_debits_fully_allocated",
          "every debit of a member wallet (posted, post or hold) is paid for by lots of that wallet, point for point",
          "select t.alliance_id, t.id, t.amount, coalesce(sum(a.points), 0) as allocated,"
              + " count(*) filter (where l.account_id <> t.debit_account_id) as foreign_lots"
              + " from ledger_transfer t join ledger_account acc on acc.alliance_id = t.alliance_id"
              + "  and acc.id = t.debit_account_id and acc.kind = 'member_wallet'"
              + " left join ledger_allocation a on a.alliance_id = t.alliance_id and a.transfer_id = t.id"
              + " left join ledger_lot l on l.alliance_id = a.alliance_id and l.transfer_id = a.lot_transfer_id and l.n = a.lot_n"
              + " where t.flags in (0, 1, 2) and " + where("t.alliance_id")
              + " group by t.alliance_id, t.id, t.amount"
              + " having t.amount <> coalesce(sum(a.points), 0) or count(*) filter (where l.account_id <> t.debit_account_id) > 0"),
      new Check("member_credits_are_lots",
          "every posted credit to a member wallet became lots of exactly its amount",
          "select t.alliance_id, t.id, t.amount, coalesce(sum(l.points), 0) as lot_points"
              + " from ledger_transfer t join ledger_account acc on acc.alliance_id = t.alliance_id"
              + "  and acc.id = t.credit_account_id and acc.kind = 'member_wallet'"
              + " left join ledger_lot l on l.alliance_id = t.alliance_id and l.transfer_id = t.id"
              + " where t.flags in (0, 2) and " + where("t.alliance_id")
              + " group by t.alliance_id, t.id, t.amount having t.amount <> coalesce(sum(l.points), 0)"),
      new Check("reversals_within_original",
          "reversals of a transfer run the other way and add up to no more than it",
          "select o.alliance_id, o.id, o.amount, sum(r.amount) as reversed,"
              + " bool_and(r.debit_account_id = o.credit_account_id and r.credit_account_id = o.debit_account_id) as swapped"
              + " from ledger_transfer r join ledger_transfer o on o.alliance_id = r.alliance_id and o.id = r.reverses_id"
              + " where " + where("r.alliance_id") + " group by o.alliance_id, o.id, o.amount"
              + " having sum(r.amount) > o.amount or not bool_and(r.debit_account_id = o.credit_account_id"
              + "  and r.credit_account_id = o.debit_account_id) or bool_or(o.flags not in (0, 2))"));

  /** Each check reads one alliance: every statement pins it, as a cluster distributed by alliance needs. */
  private static String where(String column) {
    return column + " = $1";
  }

  private final Pool pool;

  public InvariantCheck(Pool pool) {
    this.pool = pool;
  }

  /**
   * Runs every check, for one alliance or (null) all of them: then alliance after alliance, the
   * findings of each check merged (its first violating rows, up to the same limit).
   */
  public Future<InvariantReport> run(Long allianceId) {
    if (allianceId != null) {
      return check(allianceId).map(findings -> new InvariantReport(allianceId, Instant.now(), findings));
    }
    return EachAlliance.inTurn(pool, this::check)
        .map(perAlliance -> new InvariantReport(null, Instant.now(), merged(perAlliance)));
  }

  /**
   * Each check reads an alliance's rows whole, which hash and merge joins do in one pass. Right
   * after heavy writes the statistics still describe small tables, and with nested loops allowed
   * the planner picked them over hundreds of thousands of rows: a check that takes 0.5 s took
   * minutes after the ledger benchmark. Set for the check's own transaction only.
   */
  private static final String WHOLE_ALLIANCE_PLANS = "set local enable_nestloop = off";

  /**
   * {@link #run} after refreshing the ledger tables' statistics: for a check right after a bulk
   * load (the benchmarks load hundreds of thousands of transfers in a minute, faster than
   * autovacuum analyzes), whose plans would otherwise be made for tables a fraction of their
   * size and take minutes instead of about a second. Needs the right to ANALYZE those tables.
   */
  public Future<InvariantReport> runAfterBulkLoad(Long allianceId) {
    return pool.query("analyze ledger_account, ledger_transfer, ledger_open_hold, ledger_lot, ledger_allocation")
        .execute().compose(v -> run(allianceId));
  }

  private Future<List<InvariantReport.Finding>> check(long allianceId) {
    List<Future<InvariantReport.Finding>> findings = new ArrayList<>();
    for (Check check : CHECKS) {
      findings.add(pool.withTransaction(conn -> conn.query(WHOLE_ALLIANCE_PLANS).execute()
          .compose(v -> conn.preparedQuery(check.sql() + " limit " + ROWS).execute(Tuple.of(allianceId)))).map(rows -> {
        List<Map<String, Object>> violations = new ArrayList<>();
        for (Row row : rows) {
          violations.add(columns(row));
        }
        return new InvariantReport.Finding(check.name(), check.description(), violations);
      }));
    }
    return Future.all(findings).map(done -> findings.stream().map(Future::result).toList());
  }

  private static List<InvariantReport.Finding> merged(List<List<InvariantReport.Finding>> perAlliance) {
    List<InvariantReport.Finding> merged = new ArrayList<>();
    for (int i = 0; i < CHECKS.size(); i++) {
      List<Map<String, Object>> violations = new ArrayList<>();
      for (List<InvariantReport.Finding> findings : perAlliance) {
        violations.addAll(findings.get(i).violations());
      }
      merged.add(new InvariantReport.Finding(CHECKS.get(i).name(), CHECKS.get(i).description(),
          List.copyOf(violations.subList(0, Math.min(ROWS, violations.size())))));
    }
    return merged;
  }

  /** A row's columns in order; numbers, booleans and nulls as they are, anything else as text. */
  private static Map<String, Object> columns(Row row) {
    Map<String, Object> columns = new LinkedHashMap<>();
    for (int i = 0; i < row.size(); i++) {
      Object value = row.getValue(i);
      columns.put(row.getColumnName(i), value == null || value instanceof Number || value instanceof Boolean
          ? value : value.toString());
    }
    return columns;
  }
}
