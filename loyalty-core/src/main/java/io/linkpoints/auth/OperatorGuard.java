package io.linkpoints.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The platform operator's credential: a static bearer token from configuration
 * (LINKPOINTS_OPERATOR_TOKEN, or the older LINKPOINTS_ADMIN_TOKEN) or generated on first start
 * into the data folder. It can only create alliances with their first admin; everything inside
 * an alliance needs that alliance's own JWTs.
 */
public final class OperatorGuard {
  private final byte[] token;

  public OperatorGuard(String token) {
    if (token == null || token.length() < 24) {
      throw new IllegalArgumentException("the operator token must be at least 24 characters");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** True when the presented bearer value is the operator token (constant-time). */
  public boolean accepts(String presented) {
    return presented != null && MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token);
  }
}
