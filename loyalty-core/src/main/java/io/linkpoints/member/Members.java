package io.linkpoints.member;

import io.linkpoints.auth.AttemptLimiter;
import io.linkpoints.auth.Principal;
import io.linkpoints.auth.Secrets;
import io.linkpoints.auth.SignInCodeSender;
import io.linkpoints.auth.SignInCodes;
import io.linkpoints.auth.TokenService;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Members: one phone number joins an alliance once and is a member at every shop in it. Signing
 * in is by a one-time code sent to the phone; the first successful sign-in is the join, which
 * gives the member an opaque random handle and opens its wallet.
 */
public final class Members {
  /** Codes one phone may ask for per window, so the per-code attempt limit cannot be multiplied freely. */
  public static final int MAX_SIGN_IN_CODE_REQUESTS = 5;
  public static final Duration SIGN_IN_CODE_REQUEST_WINDOW = Duration.ofMinutes(15);

  private static final String ALLIANCE_EXISTS = "select 1 from alliance where id = $1";
  private static final String JOIN = "insert into member (alliance_id, phone, handle) values ($1, $2, $3)"
      + " on conflict (alliance_id, phone) do nothing returning id, handle";
  private static final String BY_PHONE = "select id, handle from member where alliance_id = $1 and phone = $2";
  private static final String ME = "select m.id, m.handle, m.phone, m.created_at,"
      + " coalesce(w.credits_posted - w.debits_posted - w.debits_pending, 0) as available,"
      // Points a refund took back that the wallet no longer had: paid back from the member's next earnings.
      + " (select coalesce(sum(a.shortfall_points - a.recovered_points), 0) from pos_accrual a"
      + "   where a.alliance_id = m.alliance_id and a.member_id = m.id and a.shortfall_points > a.recovered_points) as owed"
      + " from member m left join ledger_account w"
      + "   on w.alliance_id = m.alliance_id and w.kind = 'member_wallet' and w.owner_id = m.id"
      + " where m.alliance_id = $1 and m.id = $2 and m.closed_at is null"; // a closed account is no one's

  private final Pool pool;
  private final Ledger ledger;
  private final TokenService tokens;
  private final SignInCodes signInCodes;
  private final SignInCodeSender sender;
  private final AttemptLimiter signInCodeRequests;
  private final Clock clock;
  private final JoinListener onJoin;

  /**
   * Told of each join once the wallet is open, before the sign-in answers (the welcome reward); it
   * must not fail the join (a feature above this one, set up by the app).
   */
  @FunctionalInterface
  public interface JoinListener {
    JoinListener NONE = (allianceId, memberId) -> Future.succeededFuture();

    Future<Void> joined(long allianceId, long memberId);
  }

  public Members(Pool pool, Ledger ledger, TokenService tokens, SignInCodeSender sender, Clock clock) {
    this(pool, ledger, tokens, sender, clock, JoinListener.NONE);
  }

  public Members(Pool pool, Ledger ledger, TokenService tokens, SignInCodeSender sender, Clock clock,
      JoinListener onJoin) {
    this.pool = pool;
    this.onJoin = onJoin;
    this.ledger = ledger;
    this.tokens = tokens;
    this.sender = sender;
    this.clock = clock;
    this.signInCodes = new SignInCodes(pool, clock);
    this.signInCodeRequests =
        new AttemptLimiter(pool, clock, MAX_SIGN_IN_CODE_REQUESTS, SIGN_IN_CODE_REQUEST_WINDOW);
  }

  /** A sign-in code was sent; it works for {@code expiresInSeconds}. */
  public record SignInCodeSent(long expiresInSeconds) {
  }

  /** A signed-in member's token; {@code joined} on the first sign-in, which made the member. */
  public record SignedIn(String accessToken, long expiresInSeconds, boolean joined, long memberId, String handle,
      long allianceId) {
  }

  /** The member's own record and balance. */
  public record Profile(long id, long allianceId, String handle, String phone, long availablePoints, long owedPoints,
      Instant joinedAt) {
  }

  /** Sends a fresh sign-in code to the phone (replacing any earlier one). */
  public Future<SignInCodeSent> requestSignInCode(long allianceId, String phone) {
    return pool.preparedQuery(ALLIANCE_EXISTS).execute(Tuple.of(allianceId)).compose(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("alliance " + allianceId);
      }
      return signInCodeRequests.tryAcquire(allianceId, "code:" + phone);
    }).compose(allowed -> {
      if (!allowed) {
        throw ProblemCode.TOO_MANY_ATTEMPTS.refuse("too many codes asked for this phone: try again later");
      }
      return signInCodes.issue(allianceId, phone);
    }).compose(code -> sender.send(allianceId, phone, code))
        .map(v -> new SignInCodeSent(SignInCodes.LIFETIME.toSeconds()));
  }

  /** Checks the code; joins the member on first sign-in; returns an access token. */
  public Future<SignedIn> signIn(long allianceId, String phone, String code) {
    return signInCodes.redeem(allianceId, phone, code)
        .compose(v -> pool.preparedQuery(JOIN).execute(Tuple.of(allianceId, phone, Secrets.randomToken(16))))
        .compose(joined -> {
          if (joined.size() == 1) {
            return Future.succeededFuture(new Joined(joined.iterator().next(), true));
          }
          return pool.preparedQuery(BY_PHONE).execute(Tuple.of(allianceId, phone))
              .map(rows -> new Joined(rows.iterator().next(), false));
        })
        // Opening is idempotent, so a wallet missed by an earlier failed join is opened now.
        .compose(j -> ledger.openAccount(allianceId, AccountKind.MEMBER_WALLET, j.row.getLong("id")).map(j))
        // The listener's failure is not the join's: the member has joined (its own job completes what it missed).
        .compose(j -> j.joined ? onJoin.joined(allianceId, j.row.getLong("id")).otherwiseEmpty().map(j)
            : Future.succeededFuture(j))
        .map(j -> {
          long memberId = j.row.getLong("id");
          TokenService.IssuedToken issued = tokens.issue(Principal.member(allianceId, memberId));
          return new SignedIn(issued.token(), issued.expiresInSeconds(clock.instant()), j.joined, memberId,
              j.row.getString("handle"), allianceId);
        });
  }

  private record Joined(Row row, boolean joined) {
  }

  /** The signed-in member's own record and balance; nothing of anyone else. */
  public Future<Profile> me(Principal member) {
    return pool.preparedQuery(ME).execute(Tuple.of(member.allianceId(), member.subjectId())).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("member");
      }
      Row row = rows.iterator().next();
      return new Profile(row.getLong("id"), member.allianceId(), row.getString("handle"), row.getString("phone"),
          row.getLong("available"), row.getLong("owed"), row.getOffsetDateTime("created_at").toInstant());
    });
  }
}
