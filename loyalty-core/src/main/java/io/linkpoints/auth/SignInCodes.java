package io.linkpoints.auth;

import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Members' six-digit one-time sign-in codes (not the LP2 codes a phone shows at the till), one live
 * code per phone. Kept only as a salted SHA-256: a six-digit code could be brute-forced from its
 * hash, so what protects it is its short life and the attempt limit; the hash keeps a live code out
 * of plain sight in the database.
 */
public final class SignInCodes {
  public static final int DIGITS = 6;
  public static final Duration LIFETIME = Duration.ofMinutes(5);
  public static final int MAX_ATTEMPTS = 5;

  private static final String STORE = "insert into member_sign_in_code"
      + " (alliance_id, phone, code_hash, expires_at, attempts, created_at) values ($1, $2, $3, $4, 0, $5)"
      + " on conflict (alliance_id, phone) do update set code_hash = excluded.code_hash,"
      + " expires_at = excluded.expires_at, attempts = 0, created_at = excluded.created_at";

  // The attempt is counted before the code is compared, atomically, so parallel guesses all count.
  private static final String COUNT_ATTEMPT = "update member_sign_in_code set attempts = attempts + 1"
      + " where alliance_id = $1 and phone = $2 returning code_hash, expires_at, attempts";

  // Used once: only the request that deletes the row may go on.
  private static final String CONSUME = "delete from member_sign_in_code"
      + " where alliance_id = $1 and phone = $2 and code_hash = $3";

  private static final String DISCARD = "delete from member_sign_in_code where alliance_id = $1 and phone = $2";

  private final Pool pool;
  private final Clock clock;

  public SignInCodes(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** A fresh code for this phone, replacing any earlier one. Returns the code to send. */
  public Future<String> issue(long allianceId, String phone) {
    String code = Secrets.randomDigits(DIGITS);
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    String salt = Secrets.randomToken(12);
    return pool.preparedQuery(STORE)
        .execute(Tuple.of(allianceId, phone, salt + "$" + Secrets.sha256(salt + ":" + code), now.plus(LIFETIME), now))
        .map(code);
  }

  /**
   * Succeeds once for the right, live code; otherwise fails with sign_in_code_invalid, sign_in_code_expired or
   * too_many_attempts.
   */
  public Future<Void> redeem(long allianceId, String phone, String code) {
    return pool.preparedQuery(COUNT_ATTEMPT).execute(Tuple.of(allianceId, phone)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(invalid());
      }
      Row row = rows.iterator().next();
      if (row.getInteger("attempts") > MAX_ATTEMPTS) {
        // Not deleted: the row stays, dead (its count only grows), until a new code replaces it.
        // Deleting it here raced with an attempt counted earlier, still on its way to CONSUME with
        // the right code: twelve presentations of the right code at once could all be refused.
        return Future.failedFuture(ProblemCode.TOO_MANY_ATTEMPTS.refuse("too many wrong codes: request a new code"));
      }
      if (!clock.instant().isBefore(row.getOffsetDateTime("expires_at").toInstant())) {
        return discard(allianceId, phone,
            ProblemCode.SIGN_IN_CODE_EXPIRED.refuse("the code has expired: request a new one"));
      }
      String stored = row.getString("code_hash");
      String salt = stored.substring(0, stored.indexOf('$'));
      if (!Secrets.constantTimeEquals(stored, salt + "$" + Secrets.sha256(salt + ":" + code))) {
        return Future.failedFuture(invalid());
      }
      return pool.preparedQuery(CONSUME).execute(Tuple.of(allianceId, phone, stored))
          .compose(deleted -> deleted.rowCount() == 1 ? Future.<Void>succeededFuture() : Future.failedFuture(invalid()));
    });
  }

  private Future<Void> discard(long allianceId, String phone, ApiException why) {
    return pool.preparedQuery(DISCARD).execute(Tuple.of(allianceId, phone)).compose(v -> Future.failedFuture(why));
  }

  private static ApiException invalid() {
    return ProblemCode.SIGN_IN_CODE_INVALID.refuse("the code is not right");
  }
}
