package io.linkpoints.alliance;

import io.linkpoints.auth.Principal;
import io.linkpoints.auth.Role;
import io.linkpoints.auth.Secrets;
import io.linkpoints.auth.TokenService;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * POS terminals. An owner enrols one and is shown a one-time enrolment secret; the till trades it
 * (once, within a day) for a device secret, and trades that for short-lived access tokens. A
 * secret reads {@code <allianceId>.<terminalId>.<random>}: the ids find the row, only the random
 * part's SHA-256 is stored. Revoking clears both secrets, and the access gate refuses the
 * terminal's tokens from then on.
 */
public final class Terminals {
  public static final Duration ENROLMENT_WINDOW = Duration.ofHours(24);
  private static final Pattern SECRET = Pattern.compile("([1-9][0-9]{0,18})\\.([1-9][0-9]{0,18})\\.([A-Za-z0-9_-]{43})");
  private static final String COLUMNS = "id, shop_id, name, enrolled_at, revoked_at, created_at";

  private static final String INSERT = "insert into terminal (alliance_id, shop_id, name, enrolment_secret_hash,"
      + " enrolment_expires_at, created_at) values ($1, $2, $3, $4, $5, $6) returning " + COLUMNS;

  // Single use: the enrolment secret is cleared in the same statement that accepts it.
  private static final String ENROL = "update terminal set enrolment_secret_hash = null, enrolment_expires_at = null,"
      + " device_secret_hash = $4, enrolled_at = $5"
      + " where alliance_id = $1 and id = $2 and enrolment_secret_hash = $3 and enrolment_expires_at > $5"
      + " and revoked_at is null returning shop_id";

  private static final String DEVICE = "select shop_id, device_secret_hash from terminal"
      + " where alliance_id = $1 and id = $2 and revoked_at is null and device_secret_hash is not null";

  private static final String LIST = "select " + COLUMNS + " from terminal where alliance_id = $1 and shop_id = $2"
      + " order by id";

  private static final String REVOKE = "update terminal set revoked_at = coalesce(revoked_at, $4),"
      + " enrolment_secret_hash = null, enrolment_expires_at = null, device_secret_hash = null"
      + " where alliance_id = $1 and shop_id = $2 and id = $3 returning " + COLUMNS;

  private final Pool pool;
  private final TokenService tokens;
  private final Clock clock;

  public Terminals(Pool pool, TokenService tokens, Clock clock) {
    this.pool = pool;
    this.tokens = tokens;
    this.clock = clock;
  }

  /** A new terminal and the secret that enrols it, shown this once. */
  public record Created(Terminal terminal, String enrolmentSecret, Instant enrolmentExpiresAt) {
  }

  /** An enrolled terminal's first token and its device secret, shown this once. */
  public record Enrolled(AccessToken token, long terminalId, long shopId, String deviceSecret) {
  }

  public Future<Created> create(long allianceId, long shopId, String name) {
    String random = Secrets.randomToken(32);
    OffsetDateTime now = now();
    return pool.preparedQuery(INSERT).execute(Tuple.of(allianceId, shopId, name, Secrets.sha256(random),
            now.plus(ENROLMENT_WINDOW), now))
        .map(rows -> {
          Terminal terminal = Terminal.of(rows.iterator().next());
          return new Created(terminal, allianceId + "." + terminal.id() + "." + random,
              now.plus(ENROLMENT_WINDOW).toInstant());
        });
  }

  /** Trades an enrolment secret, once, for a device secret and a first access token. */
  public Future<Enrolled> enrol(String enrolmentSecret) {
    Matcher m = SECRET.matcher(enrolmentSecret);
    if (!m.matches()) {
      return Future.failedFuture(invalidEnrolment());
    }
    long allianceId = Long.parseLong(m.group(1));
    long terminalId = Long.parseLong(m.group(2));
    String device = Secrets.randomToken(32);
    return pool.preparedQuery(ENROL).execute(Tuple.of(allianceId, terminalId, Secrets.sha256(m.group(3)),
            Secrets.sha256(device), now()))
        .map(rows -> {
          if (rows.size() == 0) {
            throw invalidEnrolment();
          }
          long shopId = rows.iterator().next().getLong("shop_id");
          return new Enrolled(token(allianceId, shopId, terminalId), terminalId, shopId,
              allianceId + "." + terminalId + "." + device);
        });
  }

  /** A short-lived access token for a terminal that still holds a valid device secret. */
  public Future<AccessToken> accessToken(String deviceSecret) {
    Matcher m = SECRET.matcher(deviceSecret);
    if (!m.matches()) {
      return Future.failedFuture(invalidDevice());
    }
    long allianceId = Long.parseLong(m.group(1));
    long terminalId = Long.parseLong(m.group(2));
    return pool.preparedQuery(DEVICE).execute(Tuple.of(allianceId, terminalId)).map(rows -> {
      Row row = rows.size() == 1 ? rows.iterator().next() : null;
      if (row == null || !Secrets.constantTimeEquals(row.getString("device_secret_hash"), Secrets.sha256(m.group(3)))) {
        throw invalidDevice();
      }
      return token(allianceId, row.getLong("shop_id"), terminalId);
    });
  }

  public Future<List<Terminal>> list(long allianceId, long shopId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(allianceId, shopId)).map(rows -> {
      List<Terminal> terminals = new ArrayList<>();
      rows.forEach(row -> terminals.add(Terminal.of(row)));
      return terminals;
    });
  }

  /** Revokes a terminal of this shop; revoking it again changes nothing. */
  public Future<Terminal> revoke(long allianceId, long shopId, long terminalId) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(allianceId, shopId, terminalId, now())).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("terminal " + terminalId);
      }
      return Terminal.of(rows.iterator().next());
    });
  }

  private AccessToken token(long allianceId, long shopId, long terminalId) {
    TokenService.IssuedToken issued = tokens.issue(Principal.ofShop(Role.TERMINAL, allianceId, shopId, terminalId));
    return new AccessToken(issued.token(), issued.expiresInSeconds(clock.instant()));
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  private static ApiException invalidEnrolment() {
    return ProblemCode.ENROLMENT_SECRET_INVALID.refuse(
        "the enrolment secret is wrong, already used, expired, or its terminal was revoked");
  }

  private static ApiException invalidDevice() {
    return ProblemCode.DEVICE_SECRET_INVALID.refuse("the device secret is wrong or the terminal was revoked");
  }
}
