package io.linkpoints.tiers;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The daily review: once per alliance-local day, alliance by alliance, every member holding a tier
 * (or a grace) or with accruals in the window is evaluated: a member below their tier gets a grace
 * (once), is downgraded when it has passed, loses it when back at their tier. Every instance runs it;
 * each member's evaluation is under their row lock and marks the day on the row, so it acts once
 * however many instances (or runs) get there; an alliance done today is skipped.
 */
public final class TierReview {
  private static final String ALLIANCES = "select id, time_zone from alliance order by id";
  private static final String DONE = "select reviewed_on from tier_review where alliance_id = $1";
  private static final String CANDIDATES = "select member_id from member_tier where alliance_id = $1"
      + " and (level is not null or grace_until is not null)"
      + " union select member_id from pos_accrual where alliance_id = $1 and created_at > $2"
      + " order by 1";
  private static final String MARK = "insert into tier_review (alliance_id, reviewed_on) values ($1, $2)"
      + " on conflict (alliance_id) do update set reviewed_on = excluded.reviewed_on"
      + " where tier_review.reviewed_on < excluded.reviewed_on";

  private final Pool pool;
  private final MemberTiers tiers;
  private final Clock clock;

  public TierReview(Pool pool, Clock clock) {
    this.pool = pool;
    this.tiers = new MemberTiers(pool, clock);
    this.clock = clock;
  }

  /** What a run did: members evaluated and tier changes made (upgrades and downgrades). */
  public record Outcome(int evaluated, int changed) {
  }

  /** Reviews every alliance whose local day has no review yet (the periodic job calls this). */
  public Future<Outcome> runOnce() {
    return pool.preparedQuery(ALLIANCES).execute().compose(rows -> {
      Future<Outcome> chain = Future.succeededFuture(new Outcome(0, 0));
      for (Row r : rows) {
        long allianceId = r.getLong("id");
        ZoneId zone = ZoneId.of(r.getString("time_zone"));
        chain = chain.compose(sum -> review(allianceId, zone)
            .map(o -> new Outcome(sum.evaluated() + o.evaluated(), sum.changed() + o.changed())));
      }
      return chain;
    });
  }

  /** One alliance's review for its local today, unless it was done already. */
  public Future<Outcome> review(long allianceId, ZoneId zone) {
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, zone);
    return TierDefinitions.find(pool, allianceId).compose(rule -> rule.isEmpty()
        ? Future.succeededFuture(new Outcome(0, 0))
        : pool.preparedQuery(DONE).execute(Tuple.of(allianceId)).compose(done -> {
          if (done.size() > 0 && !done.iterator().next().getLocalDate("reviewed_on").isBefore(today)) {
            return Future.succeededFuture(new Outcome(0, 0));
          }
          Instant from = now.minus(Duration.ofDays(rule.get().windowDays()));
          return pool.preparedQuery(CANDIDATES).execute(Tuple.of(allianceId, from.atOffset(ZoneOffset.UTC)))
              .compose(members -> {
                List<Long> ids = new ArrayList<>();
                members.forEach(m -> ids.add(m.getLong("member_id")));
                // One member at a time: a review is background work and must not crowd the sales.
                Future<Outcome> chain = Future.succeededFuture(new Outcome(0, 0));
                for (long memberId : ids) {
                  chain = chain.compose(sum -> tiers.evaluate(allianceId, memberId,
                          TierDecision.Occasion.DAILY_REVIEW, today)
                      .map(changed -> new Outcome(sum.evaluated() + 1, sum.changed() + (changed ? 1 : 0))));
                }
                return chain;
              })
              .compose(o -> pool.preparedQuery(MARK).execute(Tuple.of(allianceId, today)).map(o));
        }));
  }
}
