package io.linkpoints.rewards;

import io.linkpoints.audit.AuditLog;
import io.linkpoints.auth.Principal;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;

/**
 * The member's birthday: month and day, the year only if the member gives it (the least PIPL lets
 * us keep). The member sets it once: the write is conditional on none being set, so a second set —
 * the same value, or two sets racing — changes nothing and is refused {@code birthday_locked}.
 * Afterwards only the alliance admin changes it, under the member's row lock and with an audit
 * record of before and after written in the same transaction. Feb 29 is a birthday like any other:
 * the reward is per month, so it comes in February whether or not the year has a 29th.
 */
public final class Birthdays {
  private static final String SET_ONCE = "update member set birth_month = $3, birth_day = $4, birth_year = $5"
      + " where alliance_id = $1 and id = $2 and birth_month is null returning id";
  private static final String EXISTS = "select 1 from member where alliance_id = $1 and id = $2";
  private static final String LOCK = "select birth_month, birth_day, birth_year from member"
      + " where alliance_id = $1 and id = $2 for update";
  private static final String CHANGE = "update member set birth_month = $3, birth_day = $4, birth_year = $5"
      + " where alliance_id = $1 and id = $2";
  /** The action the admin's change is audited as (besides the route's own record). */
  static final String AUDIT_ACTION = "memberBirthdayChanged";

  private final Pool pool;
  private final RewardGrants grants;
  private final AuditLog audit;

  public Birthdays(Pool pool, RewardGrants grants, Clock clock) {
    this.pool = pool;
    this.grants = grants;
    this.audit = new AuditLog(pool, clock);
  }

  /** A birthday; {@code year} may be null. */
  public record Birthday(int month, int day, Integer year) {
    public Birthday {
      int last = switch (month) {
        case 2 -> 29;
        case 4, 6, 9, 11 -> 30;
        default -> 31;
      };
      if (month < 1 || month > 12 || day < 1 || day > last) {
        throw ProblemCode.INVALID_BIRTHDAY.refuse(month + "/" + day + " is no day of the year");
      }
    }

    Short dbMonth() {
      return (short) month;
    }

    Short dbDay() {
      return (short) day;
    }

    Short dbYear() {
      return year == null ? null : (short) year.intValue();
    }

    static Birthday of(Row r) {
      Short month = r.getShort("birth_month");
      if (month == null) {
        return null;
      }
      Short year = r.getShort("birth_year");
      return new Birthday(month, r.getShort("birth_day"), year == null ? null : year.intValue());
    }
  }

  /**
   * The member's own set: once. When the birthday month is the current one (alliance zone), the
   * birthday reward is granted at once (the job would grant it within minutes anyway).
   */
  public Future<Birthday> setOwn(Principal member, Birthday b) {
    long alliance = member.allianceId();
    long id = member.subjectId();
    return pool.preparedQuery(SET_ONCE).execute(Tuple.of(alliance, id, b.dbMonth(), b.dbDay(), b.dbYear())).compose(rows -> {
      if (rows.size() == 1) {
        return grantNow(alliance, id).map(b);
      }
      return pool.preparedQuery(EXISTS).execute(Tuple.of(alliance, id)).map(found -> {
        if (found.size() == 0) {
          throw ProblemCode.MEMBER_NOT_FOUND.refuse("member " + id);
        }
        throw ProblemCode.BIRTHDAY_LOCKED.refuse("your birthday is set; ask the alliance to change it");
      });
    });
  }

  /** The admin's change, audited with before and after. */
  public Future<Birthday> change(Principal admin, long memberId, Birthday b) {
    long alliance = admin.allianceId();
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(alliance, memberId)).compose(rows -> {
      if (rows.size() == 0) {
        throw ProblemCode.MEMBER_NOT_FOUND.refuse("member " + memberId);
      }
      Birthday before = Birthday.of(rows.iterator().next());
      JsonObject detail = new JsonObject().put("memberId", memberId)
          .put("before", before == null ? null : RewardJson.birthdayFields(before)).put("after", RewardJson.birthdayFields(b));
      return conn.preparedQuery(CHANGE).execute(Tuple.of(alliance, memberId, b.dbMonth(), b.dbDay(), b.dbYear()))
          .compose(v -> audit.append(conn, alliance, admin.role().claim(), admin.subjectId(), AUDIT_ACTION,
              "/v1/alliances/" + alliance + "/members/" + memberId + "/birthday", detail));
    })).compose(v -> grantNow(alliance, memberId)).map(b);
  }

  /** The birthday reward if due now; a failure leaves it to the job (the birthday is set either way). */
  private Future<Void> grantNow(long alliance, long memberId) {
    return grants.grant(alliance, memberId, RewardKind.BIRTHDAY).<Void>mapEmpty()
        .recover(err -> Future.succeededFuture());
  }
}
