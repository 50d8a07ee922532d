package io.linkpoints.auth;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.UnsupportedJwtException;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issues and verifies short-lived access tokens: JWS, EdDSA (Ed25519), the key id in the header.
 * Verification accepts only EdDSA signatures by a key in the ring, with an expiry, our issuer and
 * a well-formed principal; everything else (alg none, unknown kid, other algorithms, tampering,
 * expiry) is refused with 401.
 *
 * <p>A token that verified once is remembered (the exact string, with its principal and expiry)
 * until it expires: a till sends the same token with every call, and checking its signature each
 * time cost more than the rest of a sale. Only tokens that passed every check get in, the expiry
 * is checked again on each use, and the memory is bounded. What a signature cannot tell (a
 * terminal revoked, a shop suspended) is never remembered: the access gate asks the database.
 */
public final class TokenService {
  public static final Duration ACCESS_TOKEN_TTL = Duration.ofMinutes(15);
  static final String ISSUER = "linkpoints";
  static final String ROLE = "role";
  static final String ALLIANCE = "aid";
  static final String SHOP = "sid";
  static final long CLOCK_SKEW_SECONDS = 30;
  /** Enough for every till and person of a large alliance; past it the memory simply starts again. */
  private static final int MAX_REMEMBERED = 50_000;

  private final KeyRing keys;
  private final Clock clock;
  private final JwtParser parser;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /** A token that passed every check, and until when (expiry plus skew) it may be used. */
  private record Verified(Principal principal, Instant usableUntil) {
  }

  public TokenService(KeyRing keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
    this.parser = Jwts.parser()
        .keyLocator(new LocatorAdapter<Key>() {
          @Override
          protected Key locate(JwsHeader header) {
            // The algorithm is ours to choose, not the token's: only EdDSA is ever accepted.
            if (!Jwts.SIG.EdDSA.getId().equals(header.getAlgorithm())) {
              throw new UnsupportedJwtException("only EdDSA tokens are accepted");
            }
            Key key = keys.verificationKey(header.getKeyId());
            if (key == null) {
              throw new UnsupportedJwtException("unknown key id");
            }
            return key;
          }
        })
        .requireIssuer(ISSUER)
        .clock(() -> Date.from(clock.instant()))
        .clockSkewSeconds(CLOCK_SKEW_SECONDS)
        .provider(Ed25519Jca.PROVIDER)
        .build();
  }

  public record IssuedToken(String token, Instant expiresAt) {
    public long expiresInSeconds(Instant now) {
      return Math.max(0, Duration.between(now, expiresAt).toSeconds());
    }
  }

  public IssuedToken issue(Principal principal) {
    Instant now = clock.instant();
    Instant expires = now.plus(ACCESS_TOKEN_TTL);
    var builder = Jwts.builder()
        .header().keyId(keys.signingKid()).type("JWT").and()
        .issuer(ISSUER)
        .subject(Long.toString(principal.subjectId()))
        .id(UUID.randomUUID().toString())
        .issuedAt(Date.from(now))
        .expiration(Date.from(expires))
        .claim(ROLE, principal.role().claim())
        .claim(ALLIANCE, principal.allianceId());
    if (principal.shopId() != null) {
      builder.claim(SHOP, principal.shopId());
    }
    return new IssuedToken(builder.signWith(keys.signingKey(), Jwts.SIG.EdDSA).provider(Ed25519Jca.PROVIDER).compact(),
        expires);
  }

  /** The principal a bearer token speaks for; a 401 {@link ApiException} for any bad token. */
  public Principal verify(String token) {
    Verified known = verified.get(token);
    if (known != null) {
      if (clock.instant().isBefore(known.usableUntil())) {
        return known.principal();
      }
      verified.remove(token);
      throw ProblemCode.TOKEN_EXPIRED.refuse("the access token has expired");
    }
    Verified fresh = verifySignedClaims(token);
    if (verified.size() >= MAX_REMEMBERED) {
      verified.clear();
    }
    verified.put(token, fresh);
    return fresh.principal();
  }

  private Verified verifySignedClaims(String token) {
    Claims claims;
    try {
      claims = parser.parseSignedClaims(token).getPayload();
    } catch (ExpiredJwtException e) {
      throw ProblemCode.TOKEN_EXPIRED.refuse("the access token has expired");
    } catch (JwtException | IllegalArgumentException e) {
      throw ProblemCode.TOKEN_INVALID.refuse("the access token is not valid");
    }
    if (claims.getExpiration() == null || claims.getIssuedAt() == null) {
      throw ProblemCode.TOKEN_INVALID.refuse("the access token has no expiry");
    }
    try {
      Role role = Role.fromClaim(claims.get(ROLE));
      long alliance = ((Number) claims.get(ALLIANCE)).longValue();
      Object shop = claims.get(SHOP);
      long subject = Long.parseLong(claims.getSubject());
      if (role == null) {
        throw new IllegalArgumentException("unknown role");
      }
      return new Verified(new Principal(role, alliance, shop == null ? null : ((Number) shop).longValue(), subject),
          claims.getExpiration().toInstant().plusSeconds(CLOCK_SKEW_SECONDS));
    } catch (RuntimeException e) {
      throw ProblemCode.TOKEN_INVALID.refuse("the access token's claims are not valid");
    }
  }
}
