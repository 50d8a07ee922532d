package io.linkpoints.adjustments;

import io.linkpoints.platform.EachAlliance;
import io.linkpoints.web.Refusal;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The posting job (every instance, at start-up and then every 30 s): finishes the adjustments that
 * were approved but never posted, because the instance died between the decision and the ledger.
 * Alliance by alliance, the approved ones with no transfer decided more than {@link #SETTLE} ago
 * (a decision in flight posts on its own first) are posted again: the transfer id is derived from
 * the adjustment's, so however many runs and instances do it at once, the ledger applies it once
 * and one of them marks it posted. A posting the ledger refuses for good (the member spent the
 * points meanwhile: {@code insufficient_points}) ends the adjustment {@code failed} with the code,
 * once, audited; it is never retried. A refusal worth retrying (the ledger busy) or a database
 * error leaves it for the next run.
 */
public final class UnpostedAdjustments {
  private static final Logger log = LoggerFactory.getLogger(UnpostedAdjustments.class);
  /** How long a decision is left to its own posting before the job takes it over. */
  static final Duration SETTLE = Duration.ofSeconds(10);

  private final Pool pool;
  private final PointAdjustments adjustments;
  private final Clock clock;

  public UnpostedAdjustments(Pool pool, PointAdjustments adjustments, Clock clock) {
    this.pool = pool;
    this.adjustments = adjustments;
    this.clock = clock;
  }

  /** What a run did: adjustments it marked posted, and ended failed. */
  public record Outcome(int posted, int failed) {
    Outcome plus(Outcome o) {
      return new Outcome(posted + o.posted, failed + o.failed);
    }
  }

  /** Every alliance in turn, up to {@code batch} adjustments in each. */
  public Future<Outcome> runOnce(int batch) {
    return EachAlliance.inTurn(pool, alliance -> run(alliance, batch))
        .map(all -> all.stream().reduce(new Outcome(0, 0), Outcome::plus));
  }

  /** One alliance's turn. */
  public Future<Outcome> run(long alliance, int batch) {
    return adjustments.unposted(alliance, clock.instant().minus(SETTLE), batch)
        .compose(ids -> oneAfterAnother(alliance, ids, 0, new Outcome(0, 0)));
  }

  private Future<Outcome> oneAfterAnother(long alliance, List<Long> ids, int i, Outcome sum) {
    if (i == ids.size()) {
      return Future.succeededFuture(sum);
    }
    return finish(alliance, ids.get(i)).compose(o -> oneAfterAnother(alliance, ids, i + 1, sum.plus(o)));
  }

  private Future<Outcome> finish(long alliance, long id) {
    Outcome nothing = new Outcome(0, 0);
    return adjustments.get(alliance, id).compose(a -> adjustments.posting(alliance, a).transform(done -> {
      if (done.succeeded()) {
        return done.result() ? audited(alliance, id, "pointAdjustment.posted", a).map(new Outcome(1, 0))
            : Future.succeededFuture(nothing);
      }
      if (done.cause() instanceof Refusal refusal && !refusal.problem().retryable()) {
        return adjustments.fail(alliance, id, refusal.code()).compose(ended -> ended
            ? audited(alliance, id, "pointAdjustment.failed", a).map(new Outcome(0, 1))
            : Future.succeededFuture(nothing));
      }
      log.warn("Posting adjustment {} of alliance {} failed ({}); the next run tries again", id, alliance,
          done.cause().getMessage());
      return Future.succeededFuture(nothing);
    }));
  }

  /** The adjustment as it is now, recorded as changed from {@code before} by the job. */
  private Future<PointAdjustment> audited(long alliance, long id, String action, PointAdjustment before) {
    return adjustments.get(alliance, id).compose(now -> adjustments.recordBySystem(alliance, action, now,
        before.status()));
  }
}
