package io.linkpoints.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe's scheme: {@code Linkpoints-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">},
 * keyed with the endpoint's secret (the whole {@code whsec_…} string's bytes). During a rotation's
 * overlap there is one {@code v1} per secret, the new one first; a receiver accepts the delivery
 * if any matches and {@code t} is recent.
 */
public final class Signatures {
  public static final String HEADER = "Linkpoints-Signature";
  public static final String EVENT_ID_HEADER = "Linkpoints-Event-Id";
  static final String SECRET_PREFIX = "whsec_";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Signatures() {
  }

  /** A new secret: {@code whsec_} and 32 random bytes, base64url. */
  static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The header's value for {@code body} sent at {@code unixSeconds}, signed with each secret. */
  public static String header(long unixSeconds, String body, List<String> secrets) {
    StringBuilder h = new StringBuilder("t=").append(unixSeconds);
    for (String secret : secrets) {
      h.append(",v1=").append(hmacHex(secret, unixSeconds + "." + body));
    }
    return h.toString();
  }

  /** Hex HMAC-SHA256 of {@code payload} keyed with {@code secret}'s UTF-8 bytes. */
  public static String hmacHex(String secret, String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
    }
  }
}
