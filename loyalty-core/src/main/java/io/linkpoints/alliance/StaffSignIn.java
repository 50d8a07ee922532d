package io.linkpoints.alliance;

import io.linkpoints.auth.AttemptLimiter;
import io.linkpoints.auth.PasswordHasher;
import io.linkpoints.auth.Principal;
import io.linkpoints.auth.Role;
import io.linkpoints.auth.TokenService;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;

/**
 * Staff sign-in by username and password. Five failures per username in fifteen minutes lock
 * that username until the window ends (429 too_many_attempts), whatever password comes next;
 * unknown usernames are counted and timed like known ones, so neither reveals which exist.
 * The owner and cashiers of a suspended shop get no token (403 shop_suspended, after the
 * password is checked), as every call with one would be refused anyway.
 */
public final class StaffSignIn {
  public static final int MAX_FAILURES = 5;
  public static final Duration WINDOW = Duration.ofMinutes(15);

  private static final String FIND = "select st.id, st.role, st.shop_id, st.password_hash, sh.status as shop_status"
      + " from staff st left join shop sh on sh.alliance_id = st.alliance_id and sh.id = st.shop_id"
      + " where st.alliance_id = $1 and st.username = $2";
  private static final String REHASH = "update staff set password_hash = $3 where alliance_id = $1 and id = $2";

  private final Pool pool;
  private final PasswordHasher passwords;
  private final TokenService tokens;
  private final AttemptLimiter limiter;
  private final Clock clock;

  public StaffSignIn(Pool pool, PasswordHasher passwords, TokenService tokens, Clock clock) {
    this.pool = pool;
    this.passwords = passwords;
    this.tokens = tokens;
    this.clock = clock;
    this.limiter = new AttemptLimiter(pool, clock, MAX_FAILURES, WINDOW);
  }

  /** A signed-in staff member's token and who it speaks for (no shop for the admin). */
  public record SignedIn(AccessToken token, Role role, long allianceId, Long shopId, long staffId) {
  }

  public Future<SignedIn> signIn(long allianceId, String username, String password) {
    String subject = "staff:" + username;
    return limiter.tryAcquire(allianceId, subject).compose(allowed -> {
      if (!allowed) {
        throw ProblemCode.TOO_MANY_ATTEMPTS.refuse(
            "too many failed sign-ins for this username: try again in " + WINDOW.toMinutes() + " minutes");
      }
      return pool.preparedQuery(FIND).execute(Tuple.of(allianceId, username));
    }).compose(rows -> {
      Row staff = rows.size() == 1 ? rows.iterator().next() : null;
      String stored = staff == null ? null : staff.getString("password_hash");
      return passwords.verify(password, stored).compose(ok -> {
        if (!ok) {
          throw ProblemCode.INVALID_CREDENTIALS.refuse("wrong username or password");
        }
        // Said only to whoever knows the password, so it reveals nothing to anyone else.
        String shopStatus = staff.getString("shop_status");
        return limiter.clear(allianceId, subject).compose(v -> "exited".equals(shopStatus)
            ? Future.failedFuture(ProblemCode.SHOP_EXITED.refuse("this shop has left the alliance"))
            : "suspended".equals(shopStatus)
            ? Future.failedFuture(ProblemCode.SHOP_SUSPENDED.refuse("this shop is suspended by the alliance"))
            : rehashIfWeak(allianceId, staff.getLong("id"), password, stored).map(x -> issue(allianceId, staff)));
      });
    });
  }

  /** Raising the iteration count takes effect for each user at their next sign-in. */
  private Future<Void> rehashIfWeak(long allianceId, long staffId, String password, String stored) {
    if (!passwords.needsRehash(stored)) {
      return Future.succeededFuture();
    }
    return passwords.hash(password)
        .compose(hash -> pool.preparedQuery(REHASH).execute(Tuple.of(allianceId, staffId, hash))).mapEmpty();
  }

  private SignedIn issue(long allianceId, Row staff) {
    Role role = Role.fromClaim(staff.getString("role"));
    long staffId = staff.getLong("id");
    Principal principal = role == Role.ADMIN ? Principal.admin(allianceId, staffId)
        : Principal.ofShop(role, allianceId, staff.getLong("shop_id"), staffId);
    TokenService.IssuedToken issued = tokens.issue(principal);
    return new SignedIn(new AccessToken(issued.token(), issued.expiresInSeconds(clock.instant())), role, allianceId,
        principal.shopId(), staffId);
  }
}
