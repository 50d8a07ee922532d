package io.linkpoints.rewards;

import io.linkpoints.platform.EachAlliance;
import io.linkpoints.ledger.Ledger;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rewards job (every ~10 minutes on every instance), alliance by alliance, each turn bounded
 * to {@code batch} members per step: first completes the grants whose transfers were not all sent
 * (a crash between the grant's commit and the ledger), then grants the welcome of members who
 * joined while it was on and have none (their join's grant failed), then the birthday reward of
 * the members whose birthday month it is in the alliance's zone and who have none this year. Every
 * grant goes through {@link RewardGrants}, whose unique key makes it once whoever gets there
 * first: two instances running this at once, or the member setting their birthday meanwhile.
 */
public final class RewardJob {
  private static final Logger log = LoggerFactory.getLogger(RewardJob.class);

  private static final String ZONE = "select time_zone from alliance where id = $1";
  private static final String UNSENT = "select member_id, kind, year from reward_grant"
      + " where alliance_id = $1 and transferred_at is null order by granted_at, member_id limit $2";
  private static final String WELCOME_DUE = "select m.id from member m join reward_rule r"
      + " on r.alliance_id = m.alliance_id and r.kind = 'welcome'"
      + " where m.alliance_id = $1 and r.points > 0 and m.created_at >= r.since"
      + " and not exists (select 1 from reward_grant g where g.alliance_id = m.alliance_id and g.member_id = m.id"
      + "   and g.kind = 'welcome')"
      + " order by m.id limit $2";
  private static final String BIRTHDAY_DUE = "select m.id from member m"
      + " where m.alliance_id = $1 and m.birth_month = $2"
      + " and not exists (select 1 from reward_grant g where g.alliance_id = m.alliance_id and g.member_id = m.id"
      + "   and g.kind = 'birthday' and g.year = $3)"
      + " order by m.id limit $4";

  private final Pool pool;
  private final RewardGrants grants;
  private final Clock clock;

  public RewardJob(Pool pool, Ledger ledger, Clock clock) {
    this.pool = pool;
    this.grants = new RewardGrants(pool, ledger, clock);
    this.clock = clock;
  }

  /** What a run did: grants completed (re-sent), and grants made, per reward. */
  public record Outcome(int resent, int welcomes, int birthdays) {
    Outcome plus(Outcome o) {
      return new Outcome(resent + o.resent, welcomes + o.welcomes, birthdays + o.birthdays);
    }
  }

  /** Every alliance in turn, up to {@code batch} members per step in each. */
  public Future<Outcome> runOnce(int batch) {
    return EachAlliance.inTurn(pool, allianceId -> run(allianceId, batch)).map(all -> {
      Outcome sum = new Outcome(0, 0, 0);
      for (Outcome o : all) {
        sum = sum.plus(o);
      }
      return sum;
    });
  }

  /** One alliance's turn. */
  public Future<Outcome> run(long allianceId, int batch) {
    return pool.preparedQuery(ZONE).execute(Tuple.of(allianceId)).compose(z -> {
      ZoneId zone = ZoneId.of(z.iterator().next().getString("time_zone"));
      LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
      return resend(allianceId, batch)
          .compose(resent -> due(allianceId, RewardKind.WELCOME, zone,
                  pool.preparedQuery(WELCOME_DUE).execute(Tuple.of(allianceId, batch)))
              .compose(welcomes -> due(allianceId, RewardKind.BIRTHDAY, zone,
                      pool.preparedQuery(BIRTHDAY_DUE).execute(Tuple.of(allianceId, today.getMonthValue(),
                          today.getYear(), batch)))
                  .map(birthdays -> new Outcome(resent, welcomes, birthdays))));
    });
  }

  private Future<Integer> resend(long allianceId, int batch) {
    return pool.preparedQuery(UNSENT).execute(Tuple.of(allianceId, batch)).compose(rows -> {
      List<RewardGrants.Key> keys = new ArrayList<>();
      for (Row r : rows) {
        keys.add(new RewardGrants.Key(allianceId, r.getLong("member_id"), RewardKind.fromDb(r.getString("kind")),
            r.getInteger("year")));
      }
      return oneAfterAnother(keys, key -> grants.send(key).map(true));
    });
  }

  /**
   * Grants {@code kind} to each member found due. When the reward is shop-funded and no shop has
   * opted in, the first grant finds no payer and the rest of the turn is skipped (logged once).
   */
  private Future<Integer> due(long allianceId, RewardKind kind, ZoneId zone, Future<RowSet<Row>> found) {
    return found.compose(rows -> {
      List<Long> members = new ArrayList<>();
      rows.forEach(r -> members.add(r.getLong(0)));
      if (members.isEmpty()) {
        return Future.succeededFuture(0);
      }
      return RewardRules.on(pool, allianceId, kind).compose(rule -> rule.isEmpty()
          || rule.get().fundedBy() == RewardRules.FundedBy.ALLIANCE_FUND
          ? Future.succeededFuture(true)
          : RewardRules.payers(pool, allianceId, kind).map(payers -> !payers.isEmpty()))
          .compose(payable -> {
            if (!payable) {
              log.info("{} member(s) of alliance {} are due a {} reward, but no shop has opted in to pay for it",
                  members.size(), allianceId, kind.dbName());
              return Future.succeededFuture(0);
            }
            return oneAfterAnother(members, m -> grants.grant(allianceId, m, kind, zone).map(Optional::isPresent));
          });
    });
  }

  /** One at a time (background work must not crowd the sales); counts the trues. */
  private static <T> Future<Integer> oneAfterAnother(List<T> items, Function<T, Future<Boolean>> step) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (T item : items) {
      chain = chain.compose(n -> step.apply(item).map(done -> n + (done ? 1 : 0)));
    }
    return chain;
  }
}
