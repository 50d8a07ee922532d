package io.linkpoints.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Staff passwords: PBKDF2-HMAC-SHA256 with OWASP's current 600,000 iterations and a random
 * 16-byte salt, stored as {@code pbkdf2_sha256$iterations$salt$hash} so the cost can be raised
 * later without losing old hashes. Hashing is slow on purpose, so the async methods run it on a
 * worker thread, never on an event loop.
 */
public final class PasswordHasher {
  /** OWASP Password Storage Cheat Sheet, PBKDF2-HMAC-SHA256. */
  public static final int OWASP_ITERATIONS = 600_000;
  private static final String SCHEME = "pbkdf2_sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;

  private final Vertx vertx;
  private final int iterations;
  /** Verified against when the username is unknown, so that case takes as long as a wrong password. */
  private volatile String decoy;

  /** {@code iterations} below OWASP's are for tests only; production uses {@link #OWASP_ITERATIONS}. */
  public PasswordHasher(Vertx vertx, int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be positive");
    }
    this.vertx = vertx;
    this.iterations = iterations;
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> hashBlocking(password), false);
  }

  /** Checks {@code password} against a stored hash; a null hash (no such user) still costs a full check. */
  public Future<Boolean> verify(String password, String stored) {
    return vertx.executeBlocking(() -> {
      boolean ok = verifyBlocking(password, stored == null ? decoy() : stored);
      return ok && stored != null;
    }, false);
  }

  private String decoy() {
    if (decoy == null) {
      decoy = hashBlocking("decoy password never used " + Secrets.randomToken(8));
    }
    return decoy;
  }

  public String hashBlocking(String password) {
    byte[] salt = Secrets.randomBytes(SALT_BYTES);
    byte[] hash = derive(password, salt, iterations);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  public static boolean verifyBlocking(String password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !SCHEME.equals(parts[0])) {
      return false;
    }
    int storedIterations = Integer.parseInt(parts[1]);
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    return MessageDigest.isEqual(expected, derive(password, salt, storedIterations));
  }

  /** True when a stored hash was made with fewer iterations than we use now (re-hash on next sign-in). */
  public boolean needsRehash(String stored) {
    String[] parts = stored.split("\\$");
    return parts.length != 4 || !SCHEME.equals(parts[0]) || Integer.parseInt(parts[1]) < iterations;
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } finally {
      spec.clearPassword();
    }
  }
}
