package io.linkpoints.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.MutableClock;
import io.linkpoints.web.ApiException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys kept in the data folder, rotation that keeps old tokens verifying, and what verification refuses. */
class TokenServiceTest {
  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-15T04:00:00Z"));

  @Test
  void aKeyIsGeneratedOnceAndKeptPrivately() throws Exception {
    KeyRing first = KeyRing.loadOrCreate(dir);
    KeyRing again = KeyRing.loadOrCreate(dir);
    assertEquals(first.signingKid(), again.signingKid());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(first.signingKid() + ".pem"))));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
  }

  @Test
  void tokensCarryTheKidAndTheClaimsAndExpireInFifteenMinutes() throws Exception {
    KeyRing keys = KeyRing.loadOrCreate(dir);
    TokenService tokens = new TokenService(keys, clock);
    String jwt = tokens.issue(Principal.ofShop(Role.CASHIER, 7, 70, 700)).token();
    JsonObject header = part(jwt, 0);
    assertEquals("EdDSA", header.getString("alg"));
    assertEquals(keys.signingKid(), header.getString("kid"));
    JsonObject claims = part(jwt, 1);
    assertEquals("cashier", claims.getString("role"));
    assertEquals(7, claims.getLong("aid"));
    assertEquals(70, claims.getLong("sid"));
    assertEquals("700", claims.getString("sub"));
    assertEquals(900, claims.getLong("exp") - claims.getLong("iat"));
    assertTrue(claims.getString("jti").length() > 20);
    assertEquals(Principal.ofShop(Role.CASHIER, 7, 70, 700), tokens.verify(jwt));

    clock.advance(Duration.ofMinutes(15).plusSeconds(31)); // past expiry and the 30 s skew
    assertEquals("token_expired", assertThrows(ApiException.class, () -> tokens.verify(jwt)).code());
  }

  @Test
  void aRememberedTokenStillGuardsItsBytesAndItsExpiry() throws Exception {
    TokenService tokens = new TokenService(KeyRing.loadOrCreate(dir), clock);
    String jwt = tokens.issue(Principal.ofShop(Role.TERMINAL, 7, 70, 71)).token();
    assertEquals(Principal.ofShop(Role.TERMINAL, 7, 70, 71), tokens.verify(jwt)); // checked and remembered
    // A copy with one payload character changed is another string: checked again, and refused.
    String[] parts = jwt.split("\\.");
    char c = parts[1].charAt(5);
    String tampered = parts[0] + "." + parts[1].substring(0, 5) + (c == 'A' ? 'B' : 'A') + parts[1].substring(6) + "." + parts[2];
    assertEquals("token_invalid", assertThrows(ApiException.class, () -> tokens.verify(tampered)).code());
    assertEquals(Principal.ofShop(Role.TERMINAL, 7, 70, 71), tokens.verify(jwt));
    clock.advance(Duration.ofMinutes(15).plusSeconds(29)); // inside the skew: still good
    assertEquals(Principal.ofShop(Role.TERMINAL, 7, 70, 71), tokens.verify(jwt));
    clock.advance(Duration.ofSeconds(2));
    assertEquals("token_expired", assertThrows(ApiException.class, () -> tokens.verify(jwt)).code());
    assertEquals("token_expired", assertThrows(ApiException.class, () -> tokens.verify(jwt)).code());
  }

  @Test
  void afterARotationNewTokensUseTheNewKeyAndOldOnesStillVerify() throws Exception {
    KeyRing before = KeyRing.loadOrCreate(dir);
    String old = new TokenService(before, clock).issue(Principal.admin(1, 10)).token();
    KeyRing after = KeyRing.rotate(dir);
    assertNotEquals(before.signingKid(), after.signingKid());
    TokenService tokens = new TokenService(KeyRing.load(dir), clock);
    assertEquals(Principal.admin(1, 10), tokens.verify(old));
    assertEquals(after.signingKid(), part(tokens.issue(Principal.member(1, 5)).token(), 0).getString("kid"));

    // Once an operator deletes the old key's file, its tokens stop verifying.
    Files.delete(dir.resolve(before.signingKid() + ".pem"));
    TokenService pruned = new TokenService(KeyRing.load(dir), clock);
    assertEquals("token_invalid", assertThrows(ApiException.class, () -> pruned.verify(old)).code());
  }

  @Test
  void anotherRingsTokensAreRefused(@TempDir Path elsewhere) throws Exception {
    TokenService ours = new TokenService(KeyRing.loadOrCreate(dir), clock);
    String theirs = new TokenService(KeyRing.loadOrCreate(elsewhere), clock).issue(Principal.admin(1, 1)).token();
    assertEquals("token_invalid", assertThrows(ApiException.class, () -> ours.verify(theirs)).code());
    assertFalse(ours.verify(ours.issue(Principal.admin(1, 1)).token()) == null);
  }

  @Test
  void theConfigurationIsReadFromTheEnvironment() {
    var config = io.linkpoints.platform.LinkpointsConfig.fromEnv(java.util.Map.of("LINKPOINTS_DATA", dir.toString(),
        "LINKPOINTS_ADMIN_TOKEN", "legacy-token-legacy-token-1"));
    assertEquals(dir.resolve("jwt-keys"), config.jwtKeysDir());
    assertEquals("legacy-token-legacy-token-1", config.operatorToken().orElseThrow());
    assertEquals(PasswordHasher.OWASP_ITERATIONS, config.passwordIterations());
    var newer = io.linkpoints.platform.LinkpointsConfig.fromEnv(java.util.Map.of("LINKPOINTS_OPERATOR_TOKEN",
        "operator-token-operator-1", "LINKPOINTS_ADMIN_TOKEN", "legacy", "LINKPOINTS_JWT_KEYS_DIR", "/srv/keys"));
    assertEquals("operator-token-operator-1", newer.operatorToken().orElseThrow());
    assertEquals(Path.of("/srv/keys"), newer.jwtKeysDir());
  }

  private static JsonObject part(String jwt, int i) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[i]), StandardCharsets.UTF_8));
  }
}
