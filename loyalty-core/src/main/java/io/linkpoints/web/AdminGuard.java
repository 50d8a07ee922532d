package io.linkpoints.web;

import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets through only requests that carry the alliance operator's admin token as a bearer token.
 * The token comes from configuration or is generated on first start and kept in the data folder.
 */
public final class AdminGuard {
  private final byte[] token;

  public AdminGuard(String token) {
    if (token == null || token.length() < 24) {
      throw new IllegalArgumentException("the admin token must be at least 24 characters");
    }
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(new ApiException(401, "unauthorized", "an admin bearer token is required"));
      return;
    }
    byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(presented, token)) {
      ctx.fail(new ApiException(401, "unauthorized", "the bearer token is not valid"));
      return;
    }
    ctx.next();
  }
}
