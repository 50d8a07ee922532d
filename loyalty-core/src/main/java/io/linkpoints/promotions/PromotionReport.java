package io.linkpoints.promotions;

import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a shop's bonuses cost and brought over a range of local days (docs/promotions.md, "What it
 * cost and brought"). Generic over {@code pos_accrual.bonus_kind}: every bonus row of a sale at the
 * shop is one of a source (its kind, its promotion if any, and who paid: the shop or the alliance
 * fund, read from the debit account of the bonus's transfer), so a new kind of bonus shows up with
 * no change here.
 *
 * <p>Three statements, each pinned to the alliance: the sources, the redemptions of each source's
 * members, the per-day series. They read the shop's bonus rows in the range through
 * {@code pos_accrual_shop_bonus} (V20) and everything else by key.
 */
public final class PromotionReport {
  /** The longest range one request may cover. */
  static final int MAX_DAYS = 366;
  static final int DEFAULT_DAYS = 30;

  private static final String ZONE = "select a.time_zone,"
      + " exists (select 1 from shop s where s.alliance_id = $1 and s.id = $2) as shop"
      + " from alliance a where a.id = $1";

  // The shop's bonuses in [$3, $4): each with its sale, the points its refunds took back (the sale's
  // refunds take each bonus back in the same proportion, on the running total, so what all of them
  // took is floor(points × refunded / spend) of the bonus row), the price per point its lot was
  // issued at, and who paid (the debit account of its transfer). Only bonuses the ledger moved.
  static final String BONUSES = "with b as (select b.id, b.bonus_kind as kind, b.promotion_id,"
      + " case d.kind when 'alliance_fund_issuance' then 'alliance_fund' else 'shop' end as paid_by,"
      + " b.bonus_of as sale_id, b.member_id, b.created_at, b.points,"
      + " div(b.points::numeric * b.refunded_fen, greatest(b.spend_fen, 1))::bigint as taken_back,"
      + " (select l.price_per_point_fen from ledger_lot l where l.alliance_id = $1 and l.transfer_id = b.id"
      + "   order by l.n limit 1) as price,"
      + " s.spend_fen - s.refunded_fen as spend"
      + " from pos_accrual b"
      + " join pos_accrual s on s.alliance_id = b.alliance_id and s.id = b.bonus_of"
      + " join ledger_transfer t on t.alliance_id = b.alliance_id and t.id = b.id"
      + " join ledger_account d on d.alliance_id = t.alliance_id and d.id = t.debit_account_id"
      + " where b.alliance_id = $1 and b.shop_id = $2 and b.bonus_of is not null"
      + " and b.created_at >= $3 and b.created_at < $4)";

  // Per source: what it gave and took back, the sales it applied to and their spend net of refunds,
  // its members, and of them the new customers (their first purchase at the shop, ever, by recorded
  // time then id, is a sale this source applied to).
  static final String SOURCES = BONUSES + ","
      + " members as (select distinct member_id from b),"
      + " firsts as (select m.member_id, (select o.id from pos_accrual o where o.alliance_id = $1"
      + "   and o.member_id = m.member_id and o.shop_id = $2 and o.bonus_of is null"
      + "   order by o.created_at, o.id limit 1) as sale_id from members m),"
      + " sales as (select distinct kind, promotion_id, paid_by, sale_id, member_id, spend from b),"
      + " sold as (select x.kind, x.promotion_id, x.paid_by, count(*) as sales, sum(x.spend) as spend,"
      + "   count(distinct x.member_id) as members,"
      + "   count(distinct x.member_id) filter (where f.sale_id = x.sale_id) as new_customers"
      + "   from sales x join firsts f on f.member_id = x.member_id group by x.kind, x.promotion_id, x.paid_by),"
      + " cost as (select kind, promotion_id, paid_by, count(*) as bonuses, sum(points) as given,"
      + "   sum(taken_back) as taken_back, sum((points - taken_back) * price) as cost_fen"
      + "   from b group by kind, promotion_id, paid_by)"
      + " select c.kind, c.promotion_id, p.name, c.paid_by, c.bonuses, c.given, c.taken_back, c.cost_fen,"
      + " x.sales, x.spend, x.members, x.new_customers"
      + " from cost c join sold x on x.kind = c.kind and x.paid_by = c.paid_by"
      + "  and x.promotion_id is not distinct from c.promotion_id"
      + " left join shop_promotion p on p.alliance_id = $1 and p.id = c.promotion_id"
      + " order by c.kind, c.promotion_id nulls first, c.paid_by";

  // Per source: the redemptions at this shop, in the range, by its members from their first sale it
  // applied to on (posted transfers from the member's wallet to the shop's acceptance account), and
  // their value in fen at the prices their lots were issued at (as settlement values them).
  static final String REDEMPTIONS = BONUSES + ","
      + " since as (select kind, promotion_id, paid_by, member_id, min(created_at) as since from b"
      + "   group by kind, promotion_id, paid_by, member_id),"
      + " r as (select f.kind, f.promotion_id, f.paid_by, f.member_id, t.id, t.amount,"
      + "   (select coalesce(sum(a.points * l.price_per_point_fen), 0) from ledger_allocation a"
      + "     join ledger_lot l on l.alliance_id = a.alliance_id and l.transfer_id = a.lot_transfer_id and l.n = a.lot_n"
      + "     where a.alliance_id = $1 and a.transfer_id = t.id) as fen"
      + "   from since f"
      + "   join ledger_account w on w.alliance_id = $1 and w.kind = 'member_wallet' and w.owner_id = f.member_id"
      + "   join ledger_transfer t on t.alliance_id = w.alliance_id and t.debit_account_id = w.id"
      + "     and t.flags in (0, 2) and t.created_at >= f.since and t.created_at < $4"
      + "   join ledger_account c on c.alliance_id = t.alliance_id and c.id = t.credit_account_id"
      + "     and c.kind = 'merchant_acceptance' and c.owner_id = $2)"
      + " select kind, promotion_id, paid_by, count(distinct member_id) as members, count(*) as redemptions,"
      + " sum(amount) as points, sum(fen) as fen from r group by kind, promotion_id, paid_by";

  // Per local day of the sale: points given net of refunds (all sources) and the sales they applied to.
  static final String DAYS = BONUSES
      + " select (created_at at time zone $5)::date as day, sum(points - taken_back) as cost_points,"
      + " count(distinct sale_id) as sales from b group by 1 order by 1";

  private final Pool pool;
  private final Clock clock;

  public PromotionReport(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Where bonus points came from: a kind, its promotion (promotions only), and who paid. */
  public record Source(String kind, Long promotionId, String paidBy) {
  }

  /**
   * One source's figures. Cost: {@code pointsGiven} minus {@code pointsTakenBack} by refunds is
   * {@code costPoints}, worth {@code costFen}. Brought: {@code sales} (spending {@code spendFen} net
   * of refunds) by {@code members}, of whom {@code newCustomers}; {@code redemptions} at this shop
   * by {@code redeemingMembers} of them, {@code redeemedPoints} worth {@code redeemedFen}.
   */
  public record Line(Source source, String name, long bonuses, long pointsGiven, long pointsTakenBack,
      long costPoints, long costFen, long sales, long spendFen, long members, long newCustomers,
      long redeemingMembers, long redemptions, long redeemedPoints, long redeemedFen) {
  }

  /** One local day: bonus points given on its sales (net of refunds), and how many sales had a bonus. */
  public record Day(LocalDate day, long costPoints, long sales) {
  }

  public record Report(long shopId, LocalDate from, LocalDate to, ZoneId timeZone, List<Line> sources,
      List<Day> days) {
  }

  /** {@code from}/{@code to}: days (yyyy-mm-dd) or null; by default the 30 days ending today. */
  public Future<Report> of(long allianceId, long shopId, String from, String to) {
    return pool.preparedQuery(ZONE).execute(Tuple.of(allianceId, shopId)).compose(rows -> {
      Row z = rows.iterator().next();
      if (!z.getBoolean("shop")) {
        throw ApiException.shopNotFound(shopId);
      }
      ZoneId zone = ZoneId.of(z.getString("time_zone"));
      LocalDate last = to == null || to.isEmpty() ? clock.instant().atZone(zone).toLocalDate() : day("to", to);
      LocalDate first = from == null || from.isEmpty() ? last.minusDays(DEFAULT_DAYS - 1) : day("from", from);
      if (first.isAfter(last) || ChronoUnit.DAYS.between(first, last) + 1 > MAX_DAYS) {
        throw ProblemCode.INVALID_RANGE.refuse("from must not be after to, and the range at most " + MAX_DAYS
            + " days");
      }
      OffsetDateTime start = first.atStartOfDay(zone).toInstant().atOffset(ZoneOffset.UTC);
      OffsetDateTime end = last.plusDays(1).atStartOfDay(zone).toInstant().atOffset(ZoneOffset.UTC);
      Tuple range = Tuple.of(allianceId, shopId, start, end);
      var sources = pool.preparedQuery(SOURCES).execute(range);
      var redemptions = pool.preparedQuery(REDEMPTIONS).execute(range);
      var days = pool.preparedQuery(DAYS).execute(Tuple.of(allianceId, shopId, start, end, zone.getId()));
      return Future.all(sources, redemptions, days).map(all -> {
        Map<Source, Row> redeemed = new HashMap<>();
        redemptions.result().forEach(r -> redeemed.put(source(r), r));
        List<Line> lines = new ArrayList<>();
        for (Row r : sources.result()) {
          Source s = source(r);
          Row d = redeemed.get(s);
          long given = r.getLong("given");
          long back = r.getLong("taken_back");
          lines.add(new Line(s, r.getString("name"), r.getLong("bonuses"), given, back, given - back,
              number(r, "cost_fen"), r.getLong("sales"), number(r, "spend"), r.getLong("members"),
              r.getLong("new_customers"), d == null ? 0 : d.getLong("members"),
              d == null ? 0 : d.getLong("redemptions"), d == null ? 0 : number(d, "points"),
              d == null ? 0 : number(d, "fen")));
        }
        Map<LocalDate, Day> byDay = new LinkedHashMap<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
          byDay.put(day, new Day(day, 0, 0));
        }
        for (Row r : days.result()) {
          LocalDate day = r.getLocalDate("day");
          byDay.put(day, new Day(day, number(r, "cost_points"), r.getLong("sales")));
        }
        return new Report(shopId, first, last, zone, lines, List.copyOf(byDay.values()));
      });
    });
  }

  private static Source source(Row r) {
    return new Source(r.getString("kind"), r.getLong("promotion_id"), r.getString("paid_by"));
  }

  /** A sum (numeric in PostgreSQL) as a long; its figures are whole. */
  private static long number(Row r, String column) {
    Numeric v = r.getNumeric(column);
    return v == null ? 0 : v.longValue();
  }

  private static LocalDate day(String name, String raw) {
    try {
      return LocalDate.parse(raw);
    } catch (DateTimeParseException e) {
      throw ProblemCode.INVALID_PARAMETER.refuse(name + " must be a day, yyyy-mm-dd");
    }
  }
}
