package io.linkpoints.tiers;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The alliance admin's tier definitions, replaced all at once: the rule row is written first (its
 * version goes up), which serialises two replaces of one alliance, then the levels.
 */
public final class TierDefinitions {
  static final int MAX_LEVELS = 10;
  static final int MAX_NAME = 40;
  /** A perk's earn multiplier, per-mille of the shop's rate: more than x1, at most x10. */
  static final int MIN_MULTIPLIER = 1001;
  static final int MAX_MULTIPLIER = 10000;

  private static final String RULE = "select basis, window_days, grace_days, version from tier_rule"
      + " where alliance_id = $1";
  private static final String LEVELS = "select level, name_zh, name_en, threshold, min_shops, alliance_multiplier_permille"
      + " from tier_level"
      + " where alliance_id = $1 order by level";
  private static final String UPSERT_RULE = "insert into tier_rule (alliance_id, basis, window_days, grace_days,"
      + " version, updated_at) values ($1, $2, $3, $4, 1, $5)"
      + " on conflict (alliance_id) do update set basis = excluded.basis, window_days = excluded.window_days,"
      + " grace_days = excluded.grace_days, version = tier_rule.version + 1, updated_at = excluded.updated_at"
      + " returning version";
  private static final String DROP_LEVELS = "delete from tier_level where alliance_id = $1";
  private static final String ADD_LEVEL = "insert into tier_level (alliance_id, level, name_zh, name_en, threshold,"
      + " min_shops, alliance_multiplier_permille) values ($1, $2, $3, $4, $5, $6, $7)";

  private final Pool pool;
  private final Clock clock;

  public TierDefinitions(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** The alliance's definitions; refused (404 tiers_not_defined) when it has none. */
  public Future<TierRule> get(long allianceId) {
    return find(pool, allianceId).map(found -> found.orElseThrow(() ->
        ProblemCode.TIERS_NOT_DEFINED.refuse("this alliance has no tiers defined")));
  }

  /** Replaces the rule and every level; answers what is now stored. */
  public Future<TierRule> replace(long allianceId, TierRule draft) {
    check(draft);
    return pool.withTransaction(conn -> conn.preparedQuery(UPSERT_RULE)
        .execute(Tuple.of(allianceId, draft.basis().dbName(), draft.windowDays(), draft.graceDays(),
            clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(v -> conn.preparedQuery(DROP_LEVELS).execute(Tuple.of(allianceId)))
        .compose(v -> {
          List<Tuple> rows = new ArrayList<>();
          for (TierRule.Level l : draft.levels()) {
            rows.add(Tuple.from(new Object[] {allianceId, l.level(), l.nameZh(), l.nameEn(), l.threshold(), l.minShops(),
                l.allianceMultiplierPermille()}));
          }
          return conn.preparedQuery(ADD_LEVEL).executeBatch(rows);
        })
        .compose(v -> find(conn, allianceId)))
        .map(Optional::orElseThrow);
  }

  /**
   * The rules the contract's schema cannot say: thresholds strictly increasing. The others are
   * checked here too, so a caller other than the HTTP route meets them as well.
   */
  static void check(TierRule draft) {
    List<TierRule.Level> levels = draft.levels();
    if (levels.isEmpty() || levels.size() > MAX_LEVELS) {
      throw ProblemCode.INVALID_TIERS.refuse("an alliance has 1 to " + MAX_LEVELS + " levels");
    }
    long previous = -1;
    for (TierRule.Level l : levels) {
      if (!named(l.nameZh()) || !named(l.nameEn())) {
        throw ProblemCode.INVALID_TIERS.refuse("level names are 1 to " + MAX_NAME + " characters, not blank");
      }
      if (l.threshold() <= previous) {
        throw ProblemCode.INVALID_TIERS.refuse("thresholds must strictly increase from one level to the next");
      }
      previous = l.threshold();
      Integer m = l.allianceMultiplierPermille();
      if (m != null && (m < MIN_MULTIPLIER || m > MAX_MULTIPLIER)) {
        throw ProblemCode.INVALID_TIERS.refuse("an alliance multiplier is " + MIN_MULTIPLIER + " to " + MAX_MULTIPLIER
            + " per-mille (1250 = x1.25)");
      }
    }
  }

  private static boolean named(String name) {
    return name != null && !name.isBlank() && name.codePointCount(0, name.length()) <= MAX_NAME;
  }

  static Future<Optional<TierRule>> find(SqlClient client, long allianceId) {
    return client.preparedQuery(RULE).execute(Tuple.of(allianceId)).compose(rules -> {
      if (rules.size() == 0) {
        return Future.succeededFuture(Optional.empty());
      }
      Row r = rules.iterator().next();
      return client.preparedQuery(LEVELS).execute(Tuple.of(allianceId)).map(rows -> {
        List<TierRule.Level> levels = new ArrayList<>();
        for (Row l : rows) {
          levels.add(new TierRule.Level(l.getInteger("level"), l.getString("name_zh"), l.getString("name_en"),
              l.getLong("threshold"), l.getInteger("min_shops"), l.getInteger("alliance_multiplier_permille")));
        }
        return Optional.of(new TierRule(TierRule.Basis.fromDb(r.getString("basis")), r.getInteger("window_days"),
            r.getInteger("grace_days"), List.copyOf(levels), r.getLong("version")));
      });
    });
  }
}
