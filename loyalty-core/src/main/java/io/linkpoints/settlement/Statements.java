package io.linkpoints.settlement;

import io.linkpoints.web.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The read side of a run period: statements, the items behind them (the trace), the shop-to-shop
 * matrix and the netted transfers. All derived from the stored items, which a closed period
 * freezes, so what is read of a closed period never changes.
 */
public final class Statements {
  static final String[] FIGURES = {"issued_points", "issued_fen", "adjusted_points", "adjusted_fen", "accepted_points", "accepted_fen",
      "accepted_from_others_fen", "redeemed_elsewhere_fen", "expired_points", "expired_fen", "breakage_paid_fen",
      "breakage_received_fen", "market_coupon_fen", "coupon_funding_paid_fen", "coupon_funding_received_fen",
      "adjustment_fen", "exit_charge_fen", "other_fen", "receivable_fen", "payable_fen", "net_fen"};
  static final String STATEMENT_COLUMNS = "party_id, " + String.join(", ", FIGURES);
  private static final String STATEMENTS = "select " + STATEMENT_COLUMNS + " from settlement_statement"
      + " where alliance_id = $1 and period_id = $2 order by party_id";
  private static final String STATEMENT = "select " + STATEMENT_COLUMNS + " from settlement_statement"
      + " where alliance_id = $1 and period_id = $2 and party_id = $3";
  static final String MATRIX = "select payer_id, payee_id, sum(amount_fen) as amount_fen from settlement_item"
      + " where alliance_id = $1 and period_id = $2 and payer_id <> payee_id group by payer_id, payee_id"
      + " having sum(amount_fen) > 0 order by payer_id, payee_id";
  static final String ITEM_COLUMNS = "n, category, payer_id, payee_id, points, amount_fen, transfer_id, lot_transfer_id,"
      + " lot_n, coupon_id, adjustment_id";
  private static final String ITEMS = "select " + ITEM_COLUMNS + " from settlement_item"
      + " where alliance_id = $1 and period_id = $2 and ($3::bigint is null or payer_id = $3 or payee_id = $3)"
      + " and ($4::text is null or category = $4) and n > $5 order by n limit $6";

  /**
   * One party's statement for a period (the fund is party 0): the figures of {@link #FIGURES}, in that order.
   * Issued: earns less earn reversals; adjusted: points adjustments at the shop (credits less debits and
   * corrections), signed; the two together are the issuance account's net movement with members.
   */
  public record Statement(long partyId, long issuedPoints, long issuedFen, long adjustedPoints, long adjustedFen,
      long acceptedPoints, long acceptedFen,
      long acceptedFromOthersFen, long redeemedElsewhereFen, long expiredPoints, long expiredFen, long breakagePaidFen,
      long breakageReceivedFen, long marketCouponFen, long couponFundingPaidFen, long couponFundingReceivedFen,
      long adjustmentFen, long exitChargeFen, long otherFen, long receivableFen, long payableFen, long netFen) {
    static Statement of(Row r) {
      return new Statement(r.getLong("party_id"), r.getLong("issued_points"), r.getLong("issued_fen"),
          r.getLong("adjusted_points"), r.getLong("adjusted_fen"),
          r.getLong("accepted_points"), r.getLong("accepted_fen"), r.getLong("accepted_from_others_fen"),
          r.getLong("redeemed_elsewhere_fen"), r.getLong("expired_points"), r.getLong("expired_fen"),
          r.getLong("breakage_paid_fen"), r.getLong("breakage_received_fen"), r.getLong("market_coupon_fen"),
          r.getLong("coupon_funding_paid_fen"), r.getLong("coupon_funding_received_fen"), r.getLong("adjustment_fen"),
          r.getLong("exit_charge_fen"), r.getLong("other_fen"), r.getLong("receivable_fen"), r.getLong("payable_fen"), r.getLong("net_fen"));
    }
  }

  /** The lot an item's points came from (or made): the lot's creating transfer and its number. */
  public record Lot(UUID transferId, Integer n) {
  }

  /**
   * One money movement behind the figures. {@code transferId} and {@code lot} for points (null for
   * coupon funding and adjustments), {@code couponId} for coupon funding, {@code adjustmentId} for
   * an adjustment.
   */
  public record Item(int n, String category, long payerId, long payeeId, long points, long amountFen, UUID transferId,
      Lot lot, Long couponId, Long adjustmentId) {
    static Item of(Row r) {
      UUID lot = r.getUUID("lot_transfer_id");
      return new Item(r.getInteger("n"), r.getString("category"), r.getLong("payer_id"), r.getLong("payee_id"),
          r.getLong("points"), r.getLong("amount_fen"), r.getUUID("transfer_id"),
          lot == null ? null : new Lot(lot, r.getInteger("lot_n")), r.getLong("coupon_id"), r.getLong("adjustment_id"));
    }
  }

  /** A page of items; {@code nextCursor}: the last item's number if the page is full, else null. */
  public record ItemPage(List<Item> items, Long nextCursor) {
  }

  /** Every party's statement of a period, and the sum of their nets (zero, unless something is broken). */
  public record PeriodStatements(Periods.Period period, List<Statement> statements, long sumOfNetFen) {
  }

  /** One shop's statement with the first page of the items behind it. */
  public record ShopStatement(Periods.Period period, Statement statement, ItemPage items) {
  }

  /** Who owes whom before netting, payer to payee (the fund is party 0). */
  public record Matrix(long periodId, List<Netting.Owed> entries) {
  }

  /** Each party's net position (party id to fen, by party id) and the transfers that settle them. */
  public record Netted(long periodId, Map<Long, Long> positions, List<Netting.Owed> transfers) {
  }

  private final Pool pool;
  private final Periods periods;

  public Statements(Pool pool, Periods periods) {
    this.pool = pool;
    this.periods = periods;
  }

  /** Every party's statement, the fund included. */
  public Future<PeriodStatements> all(long allianceId, long periodId) {
    return periods.alreadyRun(allianceId, periodId).compose(p -> pool.preparedQuery(STATEMENTS)
        .execute(Tuple.of(allianceId, periodId)).map(rows -> {
          List<Statement> statements = new ArrayList<>();
          long sum = 0;
          for (Row r : rows) {
            statements.add(Statement.of(r));
            sum += r.getLong("net_fen");
          }
          return new PeriodStatements(p, statements, sum);
        }));
  }

  /** One shop's statement, with the first page of the items behind it. */
  public Future<ShopStatement> ofShop(long allianceId, long periodId, long shopId) {
    return periods.alreadyRun(allianceId, periodId).compose(p -> pool.preparedQuery(STATEMENT)
        .execute(Tuple.of(allianceId, periodId, shopId)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("statement of shop " + shopId));
          }
          Statement statement = Statement.of(rows.iterator().next());
          return items(allianceId, periodId, shopId, null, 0, 200).map(items -> new ShopStatement(p, statement, items));
        }));
  }

  /** The items behind the figures, filtered by party and category, paged by item number. */
  public Future<ItemPage> items(long allianceId, long periodId, Long party, String category, long after, int limit) {
    return pool.preparedQuery(ITEMS).execute(Tuple.of(allianceId, periodId, party, category, after, limit))
        .map(rows -> {
          List<Item> items = new ArrayList<>();
          for (Row r : rows) {
            items.add(Item.of(r));
          }
          Long next = items.size() == limit ? Long.valueOf(items.get(items.size() - 1).n()) : null;
          return new ItemPage(items, next);
        });
  }

  public Future<List<Netting.Owed>> matrixRows(long allianceId, long periodId) {
    return pool.preparedQuery(MATRIX).execute(Tuple.of(allianceId, periodId)).map(rows -> {
      List<Netting.Owed> owed = new ArrayList<>();
      rows.forEach(r -> owed.add(new Netting.Owed(r.getLong(0), r.getLong(1), r.getLong(2))));
      return owed;
    });
  }

  /** Who owes whom before netting (payer to payee, the fund is party 0). */
  public Future<Matrix> matrix(long allianceId, long periodId) {
    return periods.alreadyRun(allianceId, periodId).compose(p -> matrixRows(allianceId, periodId))
        .map(rows -> new Matrix(periodId, rows));
  }

  /** The netted transfers that settle the period, and each party's net position. */
  public Future<Netted> netting(long allianceId, long periodId) {
    return periods.alreadyRun(allianceId, periodId).compose(p -> matrixRows(allianceId, periodId))
        .map(rows -> new Netted(periodId, Netting.positions(rows), Netting.settle(rows)));
  }
}
