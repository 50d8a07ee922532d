package io.linkpoints.settlement;

import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;

/**
 * Corrections: a closed period never changes, so what it got wrong is booked into a draft period
 * (normally the next) as an adjustment, payer owes payee; the next run of that period carries it
 * as an 'adjustment' item of both statements.
 */
public final class Adjustments {
  private static final String PARTY = "select 1 from shop where alliance_id = $1 and id = $2";
  private static final String INSERT = "insert into settlement_adjustment (alliance_id, period_id, corrects_period_id,"
      + " payer_id, payee_id, amount_fen, reason, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id";

  private final Pool pool;
  private final Periods periods;
  private final Clock clock;

  public Adjustments(Pool pool, Periods periods, Clock clock) {
    this.pool = pool;
    this.periods = periods;
    this.clock = clock;
  }

  /** An adjustment as booked: payer owes payee {@code amountFen}; {@code correctsPeriodId} may be null. */
  public record Adjustment(long id, long periodId, long payerId, long payeeId, long amountFen, String reason,
      Long correctsPeriodId) {
  }

  /**
   * A correction to book: payer (a shop, or {@link Parties#FUND}) owes payee {@code amountFen}, for
   * {@code reason}; {@code correctsPeriodId}, if not null, names the closed, earlier period it corrects.
   */
  public record Correction(long payerId, long payeeId, long amountFen, String reason, Long correctsPeriodId) {
  }

  /** Books {@code correction} into draft period {@code periodId}. */
  public Future<Adjustment> add(long allianceId, long periodId, Correction correction) {
    long payer = correction.payerId();
    long payee = correction.payeeId();
    Long corrects = correction.correctsPeriodId();
    if (payer == payee) {
      return Future.failedFuture(ProblemCode.PARTIES_MUST_DIFFER.refuse("payer and payee must differ"));
    }
    return periods.get(allianceId, periodId).compose(p -> {
      if (p.closed()) {
        return Future.failedFuture(Periods.closedError(periodId));
      }
      Future<?> check = corrects == null ? Future.succeededFuture() : periods.get(allianceId, corrects).map(c -> {
        if (!c.closed() || !c.start().isBefore(p.start())) {
          throw ProblemCode.NOT_A_CLOSED_EARLIER_PERIOD.refuse("an adjustment corrects a closed, earlier period");
        }
        return c;
      });
      return check.compose(v -> party(allianceId, payer)).compose(v -> party(allianceId, payee))
          .compose(v -> pool.preparedQuery(INSERT).execute(Tuple.from(new Object[] {allianceId, periodId, corrects,
              payer, payee, correction.amountFen(), correction.reason(), Periods.utc(clock.instant())})))
          .map(rows -> new Adjustment(rows.iterator().next().getLong(0), periodId, payer, payee,
              correction.amountFen(), correction.reason(), corrects));
    }).recover(err -> Future.failedFuture(Periods.asPeriodClosed(err, periodId)));
  }

  private Future<Void> party(long allianceId, long party) {
    if (party == Parties.FUND) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(PARTY).execute(Tuple.of(allianceId, party)).compose(rows -> rows.size() == 1
        ? Future.succeededFuture() : Future.failedFuture(ApiException.shopNotFound(party)));
  }
}
