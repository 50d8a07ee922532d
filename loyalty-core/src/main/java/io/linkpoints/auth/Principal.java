package io.linkpoints.auth;

import io.vertx.ext.web.RoutingContext;

/**
 * The verified caller of a request: a role, the alliance it lives in, its shop for shop roles,
 * and the id of the staff member, terminal or member it is.
 */
public record Principal(Role role, long allianceId, Long shopId, long subjectId) {
  static final String CONTEXT_KEY = "linkpoints.principal";

  public Principal {
    if (role.shopScoped() != (shopId != null)) {
      throw new IllegalArgumentException(role.claim() + " tokens " + (role.shopScoped() ? "need" : "have no") + " shop");
    }
  }

  public static Principal admin(long allianceId, long staffId) {
    return new Principal(Role.ADMIN, allianceId, null, staffId);
  }

  public static Principal member(long allianceId, long memberId) {
    return new Principal(Role.MEMBER, allianceId, null, memberId);
  }

  public static Principal ofShop(Role role, long allianceId, long shopId, long subjectId) {
    return new Principal(role, allianceId, shopId, subjectId);
  }

  /** The caller, or null on public and operator routes. */
  public static Principal orNull(RoutingContext ctx) {
    return ctx.get(CONTEXT_KEY);
  }

  /** The caller the access gate let in. Only called by handlers behind the gate. */
  public static Principal of(RoutingContext ctx) {
    Principal p = ctx.get(CONTEXT_KEY);
    if (p == null) {
      throw new IllegalStateException("no principal: the route is not behind the access gate");
    }
    return p;
  }
}
