package io.linkpoints.settlement;

import io.linkpoints.export.CursorExport;
import io.linkpoints.export.ExportFormat;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.List;

/** The settlement exports, each one query streamed through {@link CursorExport}. */
public final class Exports {
  private static final List<String> TRANSFER_COLUMNS = List.of("seq", "id", "created_at", "code", "flags", "amount",
      "debit_account_id", "debit_kind", "debit_owner_id", "credit_account_id", "credit_kind", "credit_owner_id",
      "pending_id", "reverses_id");
  // In index order (alliance_id, created_at, seq): the cursor streams without sorting anything first.
  private static final String SHOP_TRANSFERS = "select t.seq, t.id, t.created_at, t.code, t.flags, t.amount,"
      + " t.debit_account_id, d.kind, d.owner_id, t.credit_account_id, c.kind, c.owner_id, t.pending_id, t.reverses_id"
      + " from ledger_transfer t"
      + " join ledger_account d on d.alliance_id = t.alliance_id and d.id = t.debit_account_id"
      + " join ledger_account c on c.alliance_id = t.alliance_id and c.id = t.credit_account_id"
      + " where t.alliance_id = $1 and t.created_at >= $2 and t.created_at < $3"
      + " and ((d.kind in ('merchant_issuance', 'merchant_acceptance') and d.owner_id = $4)"
      + "  or (c.kind in ('merchant_issuance', 'merchant_acceptance') and c.owner_id = $4))"
      + " order by t.created_at, t.seq";

  private static final List<String> STATEMENT_COLUMNS = List.of("period_id", "party_id", "issued_points", "issued_fen",
      "adjusted_points", "adjusted_fen", "accepted_points", "accepted_fen", "accepted_from_others_fen", "redeemed_elsewhere_fen", "expired_points",
      "expired_fen", "breakage_paid_fen", "breakage_received_fen", "market_coupon_fen", "coupon_funding_paid_fen",
      "coupon_funding_received_fen", "adjustment_fen", "exit_charge_fen", "other_fen", "receivable_fen", "payable_fen", "net_fen");
  private static final String STATEMENTS = "select " + String.join(", ", STATEMENT_COLUMNS)
      + " from settlement_statement where alliance_id = $1 and period_id = $2 order by party_id";

  private static final List<String> MATRIX_COLUMNS = List.of("period_id", "payer_id", "payee_id", "amount_fen");
  private static final String MATRIX = "select period_id, payer_id, payee_id, sum(amount_fen) from settlement_item"
      + " where alliance_id = $1 and period_id = $2 and payer_id <> payee_id group by period_id, payer_id, payee_id"
      + " having sum(amount_fen) > 0 order by payer_id, payee_id";

  private final Pool pool;
  private final Periods periods;

  public Exports(Pool pool, Periods periods) {
    this.pool = pool;
    this.periods = periods;
  }

  /** Every transfer of the period that touches one of the shop's accounts, oldest first. */
  public Future<Void> shopTransfers(RoutingContext ctx, long allianceId, long periodId, long shopId, ExportFormat format) {
    return periods.get(allianceId, periodId).compose(p -> CursorExport.stream(ctx, pool, SHOP_TRANSFERS,
        Tuple.of(allianceId, p.start().atOffset(ZoneOffset.UTC), p.end().atOffset(ZoneOffset.UTC), shopId), format,
        TRANSFER_COLUMNS, "transfers-shop-" + shopId + "-" + p.label()));
  }

  public Future<Void> statements(RoutingContext ctx, long allianceId, long periodId, ExportFormat format) {
    return periods.alreadyRun(allianceId, periodId).compose(p -> CursorExport.stream(ctx, pool, STATEMENTS,
        Tuple.of(allianceId, periodId), format, STATEMENT_COLUMNS, "statements-" + p.label()));
  }

  public Future<Void> matrix(RoutingContext ctx, long allianceId, long periodId, ExportFormat format) {
    return periods.alreadyRun(allianceId, periodId).compose(p -> CursorExport.stream(ctx, pool, MATRIX,
        Tuple.of(allianceId, periodId), format, MATRIX_COLUMNS, "matrix-" + p.label()));
  }
}
