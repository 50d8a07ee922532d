package io.linkpoints.rewards;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the wallet shows of rewards: the member's birthday (locked once set) and the rewards granted. */
public final class MemberRewards {
  private static final String BIRTHDAY = "select birth_month, birth_day, birth_year from member"
      + " where alliance_id = $1 and id = $2";
  private static final String GRANTS = "select kind, year, points, funded_by, granted_at, transferred_at"
      + " from reward_grant where alliance_id = $1 and member_id = $2 order by granted_at desc, kind limit 50";

  private final Pool pool;

  public MemberRewards(Pool pool) {
    this.pool = pool;
  }

  /** One reward received; {@code transferred}: its points are in the wallet. */
  public record Granted(RewardKind kind, int year, long points, RewardRules.FundedBy fundedBy, Instant grantedAt,
      boolean transferred) {
  }

  /** The member's view; {@code birthday} null until set. */
  public record View(Birthdays.Birthday birthday, List<Granted> grants) {
  }

  public Future<View> of(long allianceId, long memberId) {
    return pool.preparedQuery(BIRTHDAY).execute(Tuple.of(allianceId, memberId)).compose(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.MEMBER_NOT_FOUND.refuse("member " + memberId);
      }
      Birthdays.Birthday birthday = Birthdays.Birthday.of(rows.iterator().next());
      return pool.preparedQuery(GRANTS).execute(Tuple.of(allianceId, memberId)).map(grants -> {
        List<Granted> list = new ArrayList<>();
        for (Row g : grants) {
          list.add(new Granted(RewardKind.fromDb(g.getString("kind")), g.getInteger("year"), g.getLong("points"),
              RewardRules.FundedBy.fromDb(g.getString("funded_by")), g.getOffsetDateTime("granted_at").toInstant(),
              g.getValue("transferred_at") != null));
        }
        return new View(birthday, list);
      });
    });
  }
}
