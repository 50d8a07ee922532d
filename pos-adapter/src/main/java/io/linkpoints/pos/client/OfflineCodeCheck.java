package io.linkpoints.pos.client;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a member code at the till without the network: the EdDSA signature against the
 * alliance's public keys (fetched earlier from {@code member-code-keys}) and the expiry. It says
 * whether a code is genuine, so a till can queue an accrual offline with confidence; it moves no
 * points and cannot tell whether the code was used already (only the server knows).
 */
public final class OfflineCodeCheck {
  private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private final Map<String, PublicKey> keys = new HashMap<>();
  private final Clock clock;

  public OfflineCodeCheck(JsonObject memberCodeKeys, Clock clock) {
    this.clock = clock;
    try {
      KeyFactory factory = KeyFactory.getInstance("Ed25519");
      for (Object item : memberCodeKeys.getJsonArray("keys")) {
        JsonObject jwk = (JsonObject) item;
        byte[] raw = Base64.getUrlDecoder().decode(jwk.getString("x"));
        byte[] spki = new byte[SPKI_PREFIX.length + raw.length];
        System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
        System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, raw.length);
        keys.put(jwk.getString("kid"), factory.generatePublic(new X509EncodedKeySpec(spki)));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a set of Ed25519 keys: " + e.getMessage(), e);
    }
  }

  /** What a genuine code says: the member's handle and when it expires (epoch seconds). */
  public record Claims(String handle, long expiresAt, boolean expired) {
  }

  /** The code's claims if its signature is genuine; empty for anything forged, altered or unknown. */
  public Optional<Claims> check(String code) {
    if (code == null || !code.startsWith("LP1:")) {
      return Optional.empty();
    }
    String[] parts = code.substring(4).split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      Base64.Decoder b64 = Base64.getUrlDecoder();
      JsonObject header = new JsonObject(new String(b64.decode(parts[0]), StandardCharsets.UTF_8));
      PublicKey key = keys.get(header.getString("kid"));
      if (key == null || !"EdDSA".equals(header.getString("alg"))) {
        return Optional.empty();
      }
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(b64.decode(parts[2]))) {
        return Optional.empty();
      }
      JsonObject claims = new JsonObject(new String(b64.decode(parts[1]), StandardCharsets.UTF_8));
      long exp = claims.getLong("exp");
      return Optional.of(new Claims(claims.getString("sub"), exp, clock.instant().getEpochSecond() > exp));
    } catch (GeneralSecurityException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
