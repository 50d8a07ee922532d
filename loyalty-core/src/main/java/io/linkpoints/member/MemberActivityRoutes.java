package io.linkpoints.member;

import io.linkpoints.auth.Principal;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The member's own recent wallet history, the points that expire soon, and the points it owes:
 * refunds of sales whose points were already spent (history shows what the refund took back, code
 * pos_refund, and each later repayment, code pos_recovery; {@code debts} shows what is still owed).
 */
public final class MemberActivityRoutes implements ApiRoutes {
  private static final String HISTORY = "select t.seq, t.amount, t.code, t.created_at,"
      + " (t.credit_account_id = w.id) as credit, o.kind as other_kind, s.id as shop_id, s.name as shop_name"
      + " from ledger_account w"
      + " join ledger_transfer t on t.alliance_id = w.alliance_id and (t.debit_account_id = w.id or t.credit_account_id = w.id)"
      + " join ledger_account o on o.alliance_id = t.alliance_id"
      + "  and o.id = case when t.credit_account_id = w.id then t.debit_account_id else t.credit_account_id end"
      + " left join shop s on s.alliance_id = o.alliance_id and s.id = o.owner_id"
      + "  and o.kind in ('merchant_issuance', 'merchant_acceptance')"
      + " where w.alliance_id = $1 and w.kind = 'member_wallet' and w.owner_id = $2 and t.flags in (0, 2)"
      + " order by t.seq desc limit 20";
  private static final String EXPIRING = "select l.expires_at, sum(l.points_left) as points from ledger_lot l"
      + " join ledger_account w on w.alliance_id = l.alliance_id and w.id = l.account_id"
      + " where w.alliance_id = $1 and w.kind = 'member_wallet' and w.owner_id = $2 and l.points_left > 0"
      + " and l.expires_at > $3 and l.expires_at <= $4 group by l.expires_at order by l.expires_at limit 10";
  // Open refund debts (the partial index pos_accrual_owed has exactly these rows), newest sale first.
  private static final String DEBTS = "select a.id, a.shop_id, s.name as shop_name, a.points, a.shortfall_points,"
      + " a.recovered_points, a.created_at from pos_accrual a"
      + " join shop s on s.alliance_id = a.alliance_id and s.id = a.shop_id"
      + " where a.alliance_id = $1 and a.member_id = $2 and a.shortfall_points > a.recovered_points"
      + " order by a.created_at desc limit 20";
  private static final Duration SOON = Duration.ofDays(90);

  private final Pool pool;
  private final Clock clock;

  public MemberActivityRoutes(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public void mount(RouterBuilder builder) {
    ApiRoutes.on(builder, "getMyActivity", Json.reply(200, ctx -> activity(Principal.of(ctx))));
  }

  private Future<JsonObject> activity(Principal member) {
    Instant now = clock.instant();
    Future<JsonArray> history = pool.preparedQuery(HISTORY).execute(Tuple.of(member.allianceId(), member.subjectId()))
        .map(rows -> {
          JsonArray items = new JsonArray();
          for (Row row : rows) {
            boolean credit = row.getBoolean("credit");
            items.add(new JsonObject().put("seq", row.getLong("seq"))
                .put("points", credit ? row.getLong("amount") : -row.getLong("amount"))
                .put("code", row.getString("code")).put("counterparty", row.getString("other_kind"))
                .put("shopId", row.getLong("shop_id")).put("shopName", row.getString("shop_name"))
                .put("at", row.getOffsetDateTime("created_at").toInstant().toString()));
          }
          return items;
        });
    Future<JsonArray> expiring = pool.preparedQuery(EXPIRING).execute(Tuple.of(member.allianceId(), member.subjectId(),
        now.atOffset(ZoneOffset.UTC), now.plus(SOON).atOffset(ZoneOffset.UTC))).map(rows -> {
          JsonArray items = new JsonArray();
          for (Row row : rows) {
            items.add(new JsonObject().put("expiresAt", row.getOffsetDateTime("expires_at").toInstant().toString())
                .put("points", row.getLong("points")));
          }
          return items;
        });
    Future<JsonArray> debts = pool.preparedQuery(DEBTS).execute(Tuple.of(member.allianceId(), member.subjectId()))
        .map(rows -> {
          JsonArray items = new JsonArray();
          for (Row row : rows) {
            long shortfall = row.getLong("shortfall_points");
            long recovered = row.getLong("recovered_points");
            items.add(new JsonObject().put("accrualId", row.getUUID("id").toString()).put("shopId", row.getLong("shop_id"))
                .put("shopName", row.getString("shop_name")).put("earnedPoints", row.getLong("points"))
                .put("earnedAt", row.getOffsetDateTime("created_at").toInstant().toString())
                .put("shortfallPoints", shortfall).put("recoveredPoints", recovered).put("owedPoints", shortfall - recovered));
          }
          return items;
        });
    return Future.all(history, expiring, debts).map(v -> new JsonObject().put("history", history.result())
        .put("expiringWithinDays", SOON.toDays()).put("expiring", expiring.result())
        .put("debts", debts.result()));
  }
}
