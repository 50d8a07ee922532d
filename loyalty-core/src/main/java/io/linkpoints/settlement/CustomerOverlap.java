package io.linkpoints.settlement;

import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * "Where my customers also shop", for one shop's owner: of the distinct members who earned at the
 * shop in a date range (alliance time zone, both days included), how many also earned or spent
 * points at each other shop of the alliance in that range (every other shop is listed, most shared first). Counts and shop names only: member
 * identities never leave the query, so a shop never sees another shop's customer list. Earns and
 * spends are read as in {@link CrossVisits} (posted transfers; reversals are not visits).
 */
public final class CustomerOverlap {
  /** The longest range one request may cover. */
  static final int MAX_DAYS = 366;
  static final int DEFAULT_DAYS = 90;

  private static final String SQL = "with visits as ("
      + " select d.owner_id as shop_id, t.credit_account_id as wallet, 'earned' as how from ledger_transfer t"
      + " join ledger_account d on d.alliance_id = t.alliance_id and d.id = t.debit_account_id and d.kind = 'merchant_issuance'"
      + " join ledger_account w on w.alliance_id = t.alliance_id and w.id = t.credit_account_id and w.kind = 'member_wallet'"
      + " where t.alliance_id = $1 and t.created_at >= $3 and t.created_at < $4 and t.flags in (0, 2)"
      + CrossVisits.CONSENTED + " and t.reverses_id is null"
      + " union"
      + " select c.owner_id, t.debit_account_id, 'spent' from ledger_transfer t"
      + " join ledger_account c on c.alliance_id = t.alliance_id and c.id = t.credit_account_id and c.kind = 'merchant_acceptance'"
      + " join ledger_account w on w.alliance_id = t.alliance_id and w.id = t.debit_account_id and w.kind = 'member_wallet'"
      + " where t.alliance_id = $1 and t.created_at >= $3 and t.created_at < $4 and t.flags in (0, 2)"
      + CrossVisits.CONSENTED + "),"
      + " ours as (select distinct wallet from visits where shop_id = $2 and how = 'earned')"
      + " select s.id, s.name, count(distinct v.wallet) as members,"
      + " count(distinct v.wallet) filter (where v.how = 'earned') as earned,"
      + " count(distinct v.wallet) filter (where v.how = 'spent') as spent,"
      + " (select count(*) from ours) as ours"
      + " from shop s left join (visits v join ours o on o.wallet = v.wallet) on v.shop_id = s.id"
      + " where s.alliance_id = $1"
      + " group by s.id, s.name order by members desc, s.id";

  private final Pool pool;
  private final Periods periods;
  private final Clock clock;

  public CustomerOverlap(Pool pool, Periods periods, Clock clock) {
    this.pool = pool;
    this.periods = periods;
    this.clock = clock;
  }

  /** Of the shop's customers, how many also came to another shop: earned there, spent there, either. */
  public record SharedShop(long shopId, String name, long members, long earned, long spent) {
  }

  /**
   * The overlap over days {@code from} to {@code to} in the alliance's {@code timeZone}: the shop's
   * own number of {@code customers}, and every other shop, most shared first.
   */
  public record Overlap(long shopId, LocalDate from, LocalDate to, ZoneId timeZone, long customers,
      List<SharedShop> shops) {
  }

  /** {@code from}/{@code to} are days (yyyy-mm-dd) or null: the range then ends today and spans 90 days. */
  public Future<Overlap> of(long allianceId, long shopId, String from, String to) {
    return periods.zone(allianceId).compose(zone -> {
      LocalDate last = to == null || to.isEmpty() ? clock.instant().atZone(zone).toLocalDate() : day("to", to);
      LocalDate first = from == null || from.isEmpty() ? last.minusDays(DEFAULT_DAYS - 1) : day("from", from);
      if (first.isAfter(last) || java.time.temporal.ChronoUnit.DAYS.between(first, last) + 1 > MAX_DAYS) {
        throw ProblemCode.INVALID_RANGE.refuse("from must not be after to, and the range at most "
            + MAX_DAYS + " days");
      }
      var start = Periods.utc(first.atStartOfDay(zone).toInstant());
      var end = Periods.utc(last.plusDays(1).atStartOfDay(zone).toInstant());
      return pool.preparedQuery(SQL).execute(Tuple.of(allianceId, shopId, start, end)).map(rows -> {
        List<SharedShop> shops = new ArrayList<>();
        Long ours = null;
        for (Row r : rows) {
          if (r.getLong("id") == shopId) {
            ours = r.getLong("ours"); // the shop itself: only its own number of customers is shown
            continue;
          }
          shops.add(new SharedShop(r.getLong("id"), r.getString("name"), r.getLong("members"), r.getLong("earned"),
              r.getLong("spent")));
        }
        if (ours == null) {
          throw ApiException.shopNotFound(shopId);
        }
        return new Overlap(shopId, first, last, zone, ours, shops);
      });
    });
  }

  private static LocalDate day(String name, String raw) {
    try {
      return LocalDate.parse(raw);
    } catch (DateTimeParseException e) {
      throw ProblemCode.INVALID_PARAMETER.refuse(name + " must be a day, yyyy-mm-dd");
    }
  }
}
