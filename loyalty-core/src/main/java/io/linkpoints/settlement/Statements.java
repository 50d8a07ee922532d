package io.linkpoints.settlement;

import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The read side of a run period: statements, the items behind them (the trace), the shop-to-shop
 * matrix and the netted transfers. All derived from the stored items, which a closed period
 * freezes, so what is read of a closed period never changes.
 */
public final class Statements {
  static final String[] FIGURES = {"issued_points", "issued_fen", "accepted_points", "accepted_fen",
      "accepted_from_others_fen", "redeemed_elsewhere_fen", "expired_points", "expired_fen", "breakage_paid_fen",
      "breakage_received_fen", "market_coupon_fen", "coupon_funding_paid_fen", "coupon_funding_received_fen",
      "adjustment_fen", "other_fen", "receivable_fen", "payable_fen", "net_fen"};
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

  private final Pool pool;
  private final Periods periods;

  public Statements(Pool pool, Periods periods) {
    this.pool = pool;
    this.periods = periods;
  }

  static JsonObject statementJson(Row r) {
    JsonObject json = new JsonObject().put("partyId", r.getLong("party_id"))
        .put("party", Parties.name(r.getLong("party_id")));
    for (String f : FIGURES) {
      json.put(camel(f), r.getLong(f));
    }
    return json;
  }

  static String camel(String column) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char ch : column.toCharArray()) {
      if (ch == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return sb.toString();
  }

  static JsonObject itemJson(Row r) {
    JsonObject json = new JsonObject().put("n", r.getInteger("n")).put("category", r.getString("category"))
        .put("payerId", r.getLong("payer_id")).put("payeeId", r.getLong("payee_id"))
        .put("points", r.getLong("points")).put("amountFen", r.getLong("amount_fen"));
    if (r.getUUID("transfer_id") != null) {
      json.put("transferId", r.getUUID("transfer_id").toString());
    }
    if (r.getUUID("lot_transfer_id") != null) {
      json.put("lot", new JsonObject().put("transferId", r.getUUID("lot_transfer_id").toString())
          .put("n", r.getInteger("lot_n")));
    }
    if (r.getLong("coupon_id") != null) {
      json.put("couponId", r.getLong("coupon_id"));
    }
    if (r.getLong("adjustment_id") != null) {
      json.put("adjustmentId", r.getLong("adjustment_id"));
    }
    return json;
  }

  private Future<Periods.Period> runPeriod(long allianceId, long periodId) {
    return periods.get(allianceId, periodId).map(p -> {
      if (p.runs() == 0) {
        throw ProblemCode.PERIOD_NOT_RUN.refuse("the period has not been run yet");
      }
      return p;
    });
  }

  /** Every party's statement, the fund included. */
  public Future<JsonObject> all(long allianceId, long periodId) {
    return runPeriod(allianceId, periodId).compose(p -> pool.preparedQuery(STATEMENTS)
        .execute(Tuple.of(allianceId, periodId)).map(rows -> {
          JsonArray items = new JsonArray();
          long sum = 0;
          for (Row r : rows) {
            items.add(statementJson(r));
            sum += r.getLong("net_fen");
          }
          return new JsonObject().put("period", p.toJson()).put("statements", items).put("sumOfNetFen", sum);
        }));
  }

  /** One shop's statement, with the first page of the items behind it. */
  public Future<JsonObject> ofShop(long allianceId, long periodId, long shopId) {
    return runPeriod(allianceId, periodId).compose(p -> pool.preparedQuery(STATEMENT)
        .execute(Tuple.of(allianceId, periodId, shopId)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("statement of shop " + shopId));
          }
          JsonObject statement = statementJson(rows.iterator().next());
          return items(allianceId, periodId, shopId, null, 0, 200).map(items ->
              new JsonObject().put("period", p.toJson()).put("statement", statement).put("items", items));
        }));
  }

  /** The items behind the figures, filtered by party and category, paged by item number. */
  public Future<JsonObject> items(long allianceId, long periodId, Long party, String category, long after, int limit) {
    return pool.preparedQuery(ITEMS).execute(Tuple.of(allianceId, periodId, party, category, after, limit))
        .map(rows -> {
          JsonArray items = new JsonArray();
          long last = 0;
          for (Row r : rows) {
            items.add(itemJson(r));
            last = r.getInteger("n");
          }
          return new JsonObject().put("items", items)
              .put("nextCursor", items.size() == limit ? String.valueOf(last) : null);
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
  public Future<JsonObject> matrix(long allianceId, long periodId) {
    return runPeriod(allianceId, periodId).compose(p -> matrixRows(allianceId, periodId)).map(rows ->
        new JsonObject().put("periodId", periodId).put("entries", owedJson(rows)));
  }

  /** The netted transfers that settle the period, and each party's net position. */
  public Future<JsonObject> netting(long allianceId, long periodId) {
    return runPeriod(allianceId, periodId).compose(p -> matrixRows(allianceId, periodId)).map(rows -> {
      JsonArray positions = new JsonArray();
      Netting.positions(rows).forEach((party, net) -> positions.add(new JsonObject().put("partyId", party)
          .put("netFen", net)));
      return new JsonObject().put("periodId", periodId).put("positions", positions)
          .put("transfers", owedJson(Netting.settle(rows)));
    });
  }

  private static JsonArray owedJson(List<Netting.Owed> rows) {
    JsonArray out = new JsonArray();
    rows.forEach(o -> out.add(new JsonObject().put("payerId", o.payer()).put("payeeId", o.payee())
        .put("amountFen", o.amountFen())));
    return out;
  }
}
