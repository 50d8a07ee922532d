package io.linkpoints.rewards;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alliance's rule for each reward (points, who pays) and the shops' consent to pay for the
 * shop-funded ones. A reward with 0 points, or never set, is off.
 */
public final class RewardRules {
  private static final String RULES = "select kind, points, funded_by, since from reward_rule where alliance_id = $1";
  private static final String RULE = "select kind, points, funded_by, since from reward_rule"
      + " where alliance_id = $1 and kind = $2";
  // since moves to now only when the reward is switched on (from off, or first set): the welcome
  // catch-up then looks only at members who joined while it was on. The database's now(), as the
  // member's created_at it is compared with.
  private static final String PUT_RULE = "insert into reward_rule (alliance_id, kind, points, funded_by, since, updated_at)"
      + " values ($1, $2, $3, $4, now(), $5)"
      + " on conflict (alliance_id, kind) do update set points = excluded.points, funded_by = excluded.funded_by,"
      + " since = case when reward_rule.points = 0 and excluded.points > 0 then excluded.since else reward_rule.since end,"
      + " updated_at = excluded.updated_at";
  private static final String OPT_INS = "select o.shop_id, o.welcome, o.birthday from reward_opt_in o"
      + " where o.alliance_id = $1 order by o.shop_id";
  private static final String PUT_OPT_IN = "insert into reward_opt_in (alliance_id, shop_id, welcome, birthday, updated_at)"
      + " values ($1, $2, $3, $4, $5) on conflict (alliance_id, shop_id) do update set welcome = excluded.welcome,"
      + " birthday = excluded.birthday, updated_at = excluded.updated_at";
  // Suspended shops take part in nothing (docs/portal.md): they pay no share while suspended.
  private static final String PAYERS = "select o.shop_id from reward_opt_in o join shop s"
      + " on s.alliance_id = o.alliance_id and s.id = o.shop_id"
      + " where o.alliance_id = $1 and s.status = 'active' and (case when $2 = 'welcome' then o.welcome else o.birthday end)"
      // A shop whose exit has started issues nothing (docs/shop-exit.md): the others share its part.
      + " and not exists (select 1 from shop_exit x where x.alliance_id = o.alliance_id and x.shop_id = o.shop_id"
      + "   and x.cancelled_at is null)"
      + " order by o.shop_id";

  /** Who pays a reward. */
  public enum FundedBy {
    ALLIANCE_FUND("alliance_fund"),
    SHOPS("shops");

    private final String dbName;

    FundedBy(String dbName) {
      this.dbName = dbName;
    }

    public String dbName() {
      return dbName;
    }

    public static FundedBy fromDb(String name) {
      for (FundedBy f : values()) {
        if (f.dbName.equals(name)) {
          return f;
        }
      }
      throw new IllegalArgumentException("funded by " + name);
    }
  }

  /** One reward's rule; {@code since}: when it was last switched on. */
  public record Rule(RewardKind kind, long points, FundedBy fundedBy, Instant since) {
    public boolean on() {
      return points > 0;
    }
  }

  /** A shop's consent. */
  public record OptIn(long shopId, boolean welcome, boolean birthday) {
  }

  /** The rules and the consents, as the admin's page shows them. */
  public record Settings(Map<RewardKind, Rule> rules, List<OptIn> optIns) {
  }

  private final Pool pool;
  private final Clock clock;

  public RewardRules(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  public Future<Settings> get(long allianceId) {
    return pool.preparedQuery(RULES).execute(Tuple.of(allianceId)).compose(rows -> {
      Map<RewardKind, Rule> rules = new EnumMap<>(RewardKind.class);
      for (Row r : rows) {
        Rule rule = rule(r);
        rules.put(rule.kind(), rule);
      }
      return pool.preparedQuery(OPT_INS).execute(Tuple.of(allianceId)).map(opts -> {
        List<OptIn> optIns = new ArrayList<>();
        for (Row o : opts) {
          optIns.add(new OptIn(o.getLong("shop_id"), o.getBoolean("welcome"), o.getBoolean("birthday")));
        }
        return new Settings(rules, optIns);
      });
    });
  }

  /** Replaces both rules: a reward not given is switched off (0 points). */
  public Future<Settings> put(long allianceId, Map<RewardKind, Rule> given) {
    Instant now = clock.instant();
    return pool.withTransaction(conn -> {
      Future<?> chain = Future.succeededFuture();
      for (RewardKind kind : RewardKind.values()) {
        Rule r = given.get(kind);
        long points = r == null ? 0 : r.points();
        FundedBy by = r == null ? FundedBy.ALLIANCE_FUND : r.fundedBy();
        chain = chain.compose(v -> conn.preparedQuery(PUT_RULE).execute(Tuple.of(allianceId, kind.dbName(), points,
            by.dbName(), now.atOffset(ZoneOffset.UTC))));
      }
      return chain;
    }).compose(v -> get(allianceId));
  }

  public Future<OptIn> optIn(long allianceId, long shopId, boolean welcome, boolean birthday) {
    return pool.preparedQuery(PUT_OPT_IN)
        .execute(Tuple.of(allianceId, shopId, welcome, birthday, clock.instant().atOffset(ZoneOffset.UTC)))
        .map(v -> new OptIn(shopId, welcome, birthday));
  }

  /** The rule of one reward, if it is on. */
  static Future<Optional<Rule>> on(SqlClient client, long allianceId, RewardKind kind) {
    return client.preparedQuery(RULE).execute(Tuple.of(allianceId, kind.dbName())).map(rows -> {
      if (rows.size() == 0) {
        return Optional.<Rule>empty();
      }
      Rule rule = rule(rows.iterator().next());
      return rule.on() ? Optional.of(rule) : Optional.<Rule>empty();
    });
  }

  /** The active shops that opted in to pay for this reward, by id. */
  static Future<List<Long>> payers(SqlClient client, long allianceId, RewardKind kind) {
    return client.preparedQuery(PAYERS).execute(Tuple.of(allianceId, kind.dbName())).map(rows -> {
      List<Long> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getLong("shop_id")));
      return ids;
    });
  }

  private static Rule rule(Row r) {
    return new Rule(RewardKind.fromDb(r.getString("kind")), r.getLong("points"), FundedBy.fromDb(r.getString("funded_by")),
        r.getOffsetDateTime("since").toInstant());
  }
}
