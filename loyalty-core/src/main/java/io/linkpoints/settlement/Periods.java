package io.linkpoints.settlement;

import io.linkpoints.outbox.Outbox;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Settlement periods: calendar months [first day 00:00, first day of the next month 00:00) in the
 * alliance's own time zone, stored as UTC instants so every query is a plain range.
 */
public final class Periods {
  static final String COLUMNS = "alliance_id, id, label, starts_at, ends_at, status, breakage_rule, runs,"
      + " last_run_at, closed_at, created_at";
  private static final String ZONE = "select time_zone from alliance where id = $1";
  private static final String INSERT = "insert into settlement_period (alliance_id, label, starts_at, ends_at, status,"
      + " created_at) values ($1, $2, $3, $4, 'draft', $5) on conflict (alliance_id, label) do nothing returning " + COLUMNS;
  private static final String ONE = "select " + COLUMNS + " from settlement_period where alliance_id = $1 and id = $2";
  private static final String BY_LABEL = "select " + COLUMNS + " from settlement_period where alliance_id = $1 and label = $2";
  private static final String LIST = "select " + COLUMNS + " from settlement_period where alliance_id = $1"
      + " order by starts_at desc limit 200";
  private static final String CLOSE = "update settlement_period set status = 'closed', closed_at = $3"
      + " where alliance_id = $1 and id = $2 and status = 'draft' and runs > 0 and ends_at <= $3 returning " + COLUMNS;

  // The close's events, in its transaction: one settlement.period_closed per shop with a statement (the fund,
  // party 0, is the alliance's own and has no shop), named by period and shop.
  private static final String CLOSED_EVENTS = "with e as (insert into outbox_event (alliance_id, id, type, shop_id,"
      + " member_id, payload, created_at) select $1::bigint, md5('outbox:settlement:' || $1::bigint || ':' || $2::bigint"
      + " || ':' || s.party_id)::uuid, 'settlement.period_closed', s.party_id, null, jsonb_build_object('periodId',"
      + " $2::bigint, 'label', $4::text, 'shopId', s.party_id, 'receivableFen', s.receivable_fen, 'payableFen',"
      + " s.payable_fen, 'netFen', s.net_fen), $3::timestamptz from settlement_statement s"
      + " where s.alliance_id = $1 and s.period_id = $2 and s.party_id > 0"
      + " on conflict (alliance_id, id) do nothing returning id, seq, type, shop_id, created_at)" + Outbox.FAN_OUT;

  private final Pool pool;
  private final Clock clock;

  public Periods(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  public record Period(long allianceId, long id, String label, Instant start, Instant end, String status,
      String breakageRule, int runs, Instant lastRunAt, Instant closedAt) {
    static Period fromRow(Row r) {
      return new Period(r.getLong("alliance_id"), r.getLong("id"), r.getString("label"), instant(r, "starts_at"),
          instant(r, "ends_at"), r.getString("status"), r.getString("breakage_rule"), r.getInteger("runs"),
          instant(r, "last_run_at"), instant(r, "closed_at"));
    }

    public boolean closed() {
      return "closed".equals(status);
    }
  }

  static Instant instant(Row r, String column) {
    var t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  static java.time.OffsetDateTime utc(Instant i) {
    return i.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  public Future<ZoneId> zone(long allianceId) {
    return pool.preparedQuery(ZONE).execute(Tuple.of(allianceId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("alliance " + allianceId);
      }
      return ZoneId.of(rows.iterator().next().getString(0));
    });
  }

  /** The first and last months a period may be opened for; outside them a month is a typo, not a period. */
  static final YearMonth FIRST_MONTH = YearMonth.of(2000, 1);
  static final YearMonth LAST_MONTH = YearMonth.of(2999, 12);

  /** A month "yyyy-MM" from 2000-01 to 2999-12, or 400 validation_failed (the contract's pattern says the same). */
  static YearMonth month(String month) {
    YearMonth ym;
    try {
      ym = month == null || !month.matches("[0-9]{4}-[0-9]{2}") ? null : YearMonth.parse(month);
    } catch (java.time.format.DateTimeParseException notAMonth) {
      ym = null;
    }
    if (ym == null || ym.isBefore(FIRST_MONTH) || ym.isAfter(LAST_MONTH)) {
      throw ProblemCode.VALIDATION_FAILED.refuse("month must be a month from " + FIRST_MONTH + " to "
          + LAST_MONTH + " (yyyy-MM), not " + month);
    }
    return ym;
  }

  /** Opens the period of a month ("2026-06"); a month already opened is a conflict. */
  public Future<Period> create(long allianceId, String month) {
    YearMonth ym;
    try {
      ym = month(month);
    } catch (ApiException refused) {
      return Future.failedFuture(refused);
    }
    return zone(allianceId).compose(zone -> {
      Instant start = ym.atDay(1).atStartOfDay(zone).toInstant();
      Instant end = ym.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
      return pool.preparedQuery(INSERT).execute(Tuple.of(allianceId, month, utc(start), utc(end), utc(clock.instant())));
    }).map(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.PERIOD_EXISTS.refuse("the period " + month + " is already open");
      }
      return Period.fromRow(rows.iterator().next());
    });
  }

  /** The period of a month, opened if it was not. For the scheduled run. */
  public Future<Period> openOrGet(long allianceId, String month) {
    return create(allianceId, month).recover(err -> err instanceof ApiException api
        && ProblemCode.PERIOD_EXISTS.code().equals(api.code())
        ? pool.preparedQuery(BY_LABEL).execute(Tuple.of(allianceId, month))
            .map(rows -> Period.fromRow(rows.iterator().next()))
        : Future.failedFuture(err));
  }

  public Future<Period> get(long allianceId, long periodId) {
    return get(pool, allianceId, periodId, false);
  }

  /** The period, if it has been run (its items and statements exist); if not, {@code period_not_run}. */
  public Future<Period> alreadyRun(long allianceId, long periodId) {
    return get(allianceId, periodId).map(p -> {
      if (p.runs() == 0) {
        throw ProblemCode.PERIOD_NOT_RUN.refuse("the period has not been run yet");
      }
      return p;
    });
  }

  static Future<Period> get(SqlClient client, long allianceId, long periodId, boolean forUpdate) {
    return client.preparedQuery(ONE + (forUpdate ? " for update" : "")).execute(Tuple.of(allianceId, periodId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw ApiException.periodNotFound(periodId);
          }
          return Period.fromRow(rows.iterator().next());
        });
  }

  /** The alliance's periods, latest first (at most 200). */
  public Future<List<Period>> list(long allianceId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(allianceId)).map(rows -> {
      List<Period> periods = new ArrayList<>();
      rows.forEach(r -> periods.add(Period.fromRow(r)));
      return periods;
    });
  }

  /**
   * Closes a period that has been run and has ended: from now on nothing of it changes (the database
   * refuses too). Before its end a later sale of that month would fall outside the closed statements.
   */
  public Future<Period> close(long allianceId, long periodId) {
    Instant now = clock.instant();
    return get(allianceId, periodId).compose(p -> {
      if (p.closed()) {
        return Future.failedFuture(closedError(p.id()));
      }
      if (p.runs() == 0) {
        return Future.failedFuture(ProblemCode.PERIOD_NOT_RUN.refuse("run the period before closing it"));
      }
      if (now.isBefore(p.end())) {
        return Future.failedFuture(ProblemCode.PERIOD_NOT_ENDED.refuse("the period " + p.label()
            + " ends at " + p.end() + "; it can be closed from then on"));
      }
      return pool.withTransaction(conn -> conn.preparedQuery(CLOSE).execute(Tuple.of(allianceId, periodId, utc(now)))
          .compose(rows -> {
            if (rows.size() == 0) {
              return Future.failedFuture(closedError(periodId));
            }
            Period closed = Period.fromRow(rows.iterator().next());
            return conn.preparedQuery(CLOSED_EVENTS).execute(Tuple.of(allianceId, periodId, utc(now), closed.label()))
                .map(closed);
          }));
    });
  }

  public static ApiException closedError(long periodId) {
    return ProblemCode.PERIOD_CLOSED.refuse("settlement period " + periodId + " is closed; corrections go"
        + " into a later period as adjustments");
  }

  /** The database trigger's refusal to change a closed period, as the API's {@code period_closed}; else err. */
  static Throwable asPeriodClosed(Throwable err, long periodId) {
    return err instanceof PgException pg && pg.getMessage() != null && pg.getMessage().contains("is closed")
        ? closedError(periodId) : err;
  }
}
