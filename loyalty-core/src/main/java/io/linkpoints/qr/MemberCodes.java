package io.linkpoints.qr;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.UnsupportedJwtException;
import io.linkpoints.auth.Ed25519Jca;
import io.linkpoints.auth.KeyRing;
import io.linkpoints.auth.Secrets;
import io.linkpoints.web.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.Key;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.regex.Pattern;

/**
 * Member codes: {@code LP1:} and a compact JWS (EdDSA, Ed25519) with only {@code sub} (the
 * member's opaque handle), {@code jti}, {@code iat} and {@code exp} (60 s), and {@code kid} in the
 * header so codes still verify after the key is rotated. Nothing else goes in: every byte makes
 * the QR code denser, and it must stay at version 12-M or below to scan from a phone screen.
 *
 * <p>The keys are a {@link KeyRing} of their own (not the access-token keys): a till may hold the
 * public keys and check a code offline, but points only ever move online, through {@link #verify}
 * and the one-use {@code jti} store.
 */
public final class MemberCodes {
  public static final String PREFIX = "LP1:";
  public static final Duration LIFETIME = Duration.ofSeconds(60);
  /** Clocks of phones, tills and servers disagree a little. */
  public static final Duration SKEW = Duration.ofSeconds(5);
  /**
   * How long after its expiry a code may still back an accrual that a till queued while it was
   * offline. Earning only: spending always needs a live code. The jti is kept this long too, so
   * no code is ever accepted twice.
   */
  public static final Duration OFFLINE_GRACE = Duration.ofHours(72);
  private static final int MAX_CODE_CHARS = 512;
  private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  private static final Pattern JTI = Pattern.compile("[A-Za-z0-9_-]{8,32}");
  private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  /** The DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519; the raw key is the 32 bytes after it. */
  private static final int SPKI_PREFIX = 12;

  private final KeyRing keys;
  private final Clock clock;
  private final JwtParser live;
  private final JwtParser offline;

  public MemberCodes(KeyRing keys, Clock clock) {
    this.keys = keys;
    this.clock = clock;
    this.live = parser(SKEW);
    this.offline = parser(OFFLINE_GRACE.plus(SKEW));
  }

  /** A verified code: whose it is, its one-use id, and until when its jti must be remembered. */
  public record Verified(String handle, String jti, Instant expiresAt) {
    public Instant rememberUntil() {
      return expiresAt.plus(OFFLINE_GRACE).plus(SKEW);
    }
  }

  public record Issued(String code, Instant expiresAt) {
  }

  public Issued issue(String handle) {
    Instant now = clock.instant();
    Instant expires = now.plus(LIFETIME);
    String jws = Jwts.builder()
        .header().keyId(keys.signingKid()).and()
        .subject(handle)
        .id(Secrets.randomToken(9))
        .issuedAt(Date.from(now))
        .expiration(Date.from(expires))
        .signWith(keys.signingKey(), Jwts.SIG.EdDSA)
        .provider(Ed25519Jca.PROVIDER)
        .compact();
    return new Issued(PREFIX + jws, Instant.ofEpochSecond(expires.getEpochSecond()));
  }

  /**
   * Checks the spelling (canonical base64url only), signature, key and expiry; throws
   * {@code code_invalid} or {@code code_expired} (422).
   * {@code forOfflineAccrual} admits a code up to {@link #OFFLINE_GRACE} past its expiry.
   */
  public Verified verify(String code, boolean forOfflineAccrual) {
    return check(code, forOfflineAccrual, false);
  }

  /**
   * Checks signature, key and form but not expiry: for a request that already used this code and
   * is run again (after a crash) once the code has expired. The caller must check that use.
   */
  public Verified verifyAnyAge(String code) {
    return check(code, false, true);
  }

  private Verified check(String code, boolean forOfflineAccrual, boolean anyAge) {
    if (code == null || !code.startsWith(PREFIX) || code.length() > MAX_CODE_CHARS) {
      throw invalid();
    }
    String jws = code.substring(PREFIX.length());
    if (!canonical(jws)) {
      throw invalid();
    }
    Claims claims;
    try {
      claims = (forOfflineAccrual ? offline : live).parseSignedClaims(jws).getPayload();
    } catch (ExpiredJwtException e) {
      if (!anyAge) {
        throw new ApiException(422, "code_expired", forOfflineAccrual
            ? "this member code is too old even for an accrual made offline" : "this member code has expired: ask for a fresh one");
      }
      // jjwt checks expiry only after the signature: these claims are verified.
      claims = e.getClaims();
    } catch (JwtException | IllegalArgumentException e) {
      throw invalid();
    }
    String handle = claims.getSubject();
    String jti = claims.getId();
    if (handle == null || !HANDLE.matcher(handle).matches() || jti == null || !JTI.matcher(jti).matches()
        || claims.getExpiration() == null || claims.getIssuedAt() == null) {
      throw invalid();
    }
    return new Verified(handle, jti, claims.getExpiration().toInstant());
  }

  /**
   * Three segments, each exactly as base64url without padding would encode its bytes. The decoder
   * ignores the unused low bits of a segment's last character, so without this check one signed
   * code would have several spellings, each accepted (a code is its string: one code, one spelling).
   */
  static boolean canonical(String jws) {
    String[] segments = jws.split("\\.", -1);
    if (segments.length != 3) {
      return false;
    }
    for (String segment : segments) {
      if (segment.isEmpty() || !BASE64URL.matcher(segment).matches()) {
        return false;
      }
      try {
        if (!ENCODER.encodeToString(DECODER.decode(segment)).equals(segment)) {
          return false;
        }
      } catch (IllegalArgumentException notBase64) {
        return false;
      }
    }
    return true;
  }

  /** The public keys, as JWKs (OKP, Ed25519), for tills that check codes offline. */
  public JsonObject publicKeys() {
    JsonArray items = new JsonArray();
    for (String kid : keys.kids()) {
      PublicKey key = keys.verificationKey(kid);
      byte[] spki = key.getEncoded();
      byte[] raw = Arrays.copyOfRange(spki, SPKI_PREFIX, spki.length);
      items.add(new JsonObject().put("kid", kid).put("kty", "OKP").put("crv", "Ed25519").put("alg", "EdDSA")
          .put("use", "sig").put("x", Base64.getUrlEncoder().withoutPadding().encodeToString(raw))
          .put("current", kid.equals(keys.signingKid())));
    }
    return new JsonObject().put("prefix", PREFIX).put("lifetimeSeconds", LIFETIME.toSeconds()).put("keys", items);
  }

  private JwtParser parser(Duration skew) {
    return Jwts.parser()
        .keyLocator(new LocatorAdapter<Key>() {
          @Override
          protected Key locate(JwsHeader header) {
            // The algorithm is ours to choose, never the code's.
            if (!Jwts.SIG.EdDSA.getId().equals(header.getAlgorithm())) {
              throw new UnsupportedJwtException("only EdDSA member codes are accepted");
            }
            Key key = keys.verificationKey(header.getKeyId());
            if (key == null) {
              throw new UnsupportedJwtException("unknown key id");
            }
            return key;
          }
        })
        .clock(() -> Date.from(clock.instant()))
        .clockSkewSeconds(skew.toSeconds())
        .provider(Ed25519Jca.PROVIDER)
        .build();
  }

  static ApiException invalid() {
    return new ApiException(422, "code_invalid", "this is not a valid Linkpoints member code");
  }
}
