package io.linkpoints.privacy;

import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A member's consents: one row per change (what, granted or withdrawn, the version of the text
 * shown, when); the latest row per purpose is the current choice. No row: not consented (PIPL
 * opt-in). A choice equal to the current one records nothing: the member's row is locked first, so
 * concurrent identical choices make one row.
 */
public final class Consents {
  /** Purposes a member can consent to. */
  public static final Set<String> PURPOSES = Set.of("visit_sharing");
  /** The current version of each purpose's text (the wallet shows it). */
  public static final String TEXT_VERSION = "v1";

  private static final String LOCK_MEMBER =
      "select closed_at from member where alliance_id = $1 and id = $2 for update";
  private static final String LATEST = "select granted from member_consent"
      + " where alliance_id = $1 and member_id = $2 and purpose = $3 order by id desc limit 1";
  private static final String RECORD = "insert into member_consent"
      + " (alliance_id, member_id, purpose, granted, text_version, recorded_at) values ($1, $2, $3, $4, $5, $6)";
  private static final String HISTORY = "select id, purpose, granted, text_version, recorded_at from member_consent"
      + " where alliance_id = $1 and member_id = $2 order by id";

  private final Pool pool;
  private final Clock clock;

  public Consents(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** One recorded change. */
  public record Change(long id, String purpose, boolean granted, String textVersion, Instant recordedAt) {
  }

  /** Every change, oldest first; the current choice per purpose is the last of its purpose. */
  public record History(List<Change> changes) {
    /** The purpose's current choice, or null if the member never chose (not consented). */
    public Change current(String purpose) {
      Change last = null;
      for (Change c : changes) {
        if (c.purpose().equals(purpose)) {
          last = c;
        }
      }
      return last;
    }
  }

  public Future<History> history(long allianceId, long memberId) {
    return pool.withConnection(conn -> history(conn, allianceId, memberId));
  }

  static Future<History> history(SqlConnection conn, long allianceId, long memberId) {
    return conn.preparedQuery(HISTORY).execute(Tuple.of(allianceId, memberId)).map(rows -> {
      List<Change> changes = new ArrayList<>();
      for (Row r : rows) {
        changes.add(new Change(r.getLong("id"), r.getString("purpose"), r.getBoolean("granted"),
            r.getString("text_version"), r.getOffsetDateTime("recorded_at").toInstant()));
      }
      return new History(changes);
    });
  }

  /** Grants or withdraws; records a row only if it changes the current choice. */
  public Future<History> choose(long allianceId, long memberId, String purpose, boolean granted, String textVersion) {
    if (!PURPOSES.contains(purpose)) {
      throw ProblemCode.VALIDATION_FAILED.refuse("unknown purpose: " + purpose);
    }
    if (!TEXT_VERSION.equals(textVersion)) {
      throw ProblemCode.VALIDATION_FAILED.refuse("textVersion must be the current text's, " + TEXT_VERSION);
    }
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_MEMBER).execute(Tuple.of(allianceId, memberId))
        .compose(member -> {
          if (member.size() == 0 || member.iterator().next().getValue("closed_at") != null) {
            throw ApiException.notFound("member");
          }
          return conn.preparedQuery(LATEST).execute(Tuple.of(allianceId, memberId, purpose));
        }).compose(latest -> {
          boolean current = latest.size() == 1 && latest.iterator().next().getBoolean("granted");
          if (current == granted) {
            return Future.succeededFuture();
          }
          return conn.preparedQuery(RECORD).execute(Tuple.of(allianceId, memberId, purpose, granted, textVersion,
              clock.instant().atOffset(ZoneOffset.UTC))).mapEmpty();
        }).compose(v -> history(conn, allianceId, memberId)));
  }
}
