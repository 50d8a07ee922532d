package io.linkpoints.member;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A member's own recent wallet history, the points that expire soon, and the points it owes:
 * refunds of sales whose points were already spent (history shows what the refund took back, code
 * pos_refund, and each later repayment, code pos_recovery; {@code debts} shows what is still owed).
 */
public final class MemberActivity {
  private static final String HISTORY = "select t.seq, t.amount, t.code, t.created_at,"
      + " (t.credit_account_id = w.id) as credit, o.kind as other_kind, s.id as shop_id, s.name as shop_name"
      + " from ledger_account w"
      + " join ledger_transfer t on t.alliance_id = w.alliance_id"
      + " and (t.debit_account_id = w.id or t.credit_account_id = w.id)"
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

  public MemberActivity(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** One transfer into (points above 0) or out of the wallet, and who was on the other side. */
  public record HistoryLine(long seq, long points, String code, String counterparty, Long shopId, String shopName,
      Instant at) {
  }

  /** Points of the wallet that expire at one moment. */
  public record ExpiringPoints(Instant expiresAt, long points) {
  }

  /** A refund took back {@code shortfallPoints} the wallet no longer had; {@code recoveredPoints} are paid back. */
  public record Debt(UUID accrualId, long shopId, String shopName, long earnedPoints, Instant earnedAt,
      long shortfallPoints, long recoveredPoints) {
    public long owedPoints() {
      return shortfallPoints - recoveredPoints;
    }
  }

  /** The latest 20 history lines, what expires within {@code expiringWithinDays}, and the open debts. */
  public record Summary(List<HistoryLine> history, long expiringWithinDays, List<ExpiringPoints> expiring,
      List<Debt> debts) {
  }

  public Future<Summary> of(long allianceId, long memberId) {
    Instant now = clock.instant();
    Future<List<HistoryLine>> history = pool.preparedQuery(HISTORY).execute(Tuple.of(allianceId, memberId))
        .map(rows -> {
          List<HistoryLine> lines = new ArrayList<>();
          for (Row row : rows) {
            long amount = row.getLong("amount");
            lines.add(new HistoryLine(row.getLong("seq"), row.getBoolean("credit") ? amount : -amount,
                row.getString("code"), row.getString("other_kind"), row.getLong("shop_id"), row.getString("shop_name"),
                row.getOffsetDateTime("created_at").toInstant()));
          }
          return lines;
        });
    Future<List<ExpiringPoints>> expiring = pool.preparedQuery(EXPIRING).execute(Tuple.of(allianceId, memberId,
        now.atOffset(ZoneOffset.UTC), now.plus(SOON).atOffset(ZoneOffset.UTC))).map(rows -> {
          List<ExpiringPoints> soon = new ArrayList<>();
          for (Row row : rows) {
            soon.add(new ExpiringPoints(row.getOffsetDateTime("expires_at").toInstant(), row.getLong("points")));
          }
          return soon;
        });
    Future<List<Debt>> debts = pool.preparedQuery(DEBTS).execute(Tuple.of(allianceId, memberId)).map(rows -> {
      List<Debt> open = new ArrayList<>();
      for (Row row : rows) {
        open.add(new Debt(row.getUUID("id"), row.getLong("shop_id"), row.getString("shop_name"), row.getLong("points"),
            row.getOffsetDateTime("created_at").toInstant(), row.getLong("shortfall_points"),
            row.getLong("recovered_points")));
      }
      return open;
    });
    return Future.all(history, expiring, debts)
        .map(v -> new Summary(history.result(), SOON.toDays(), expiring.result(), debts.result()));
  }
}
