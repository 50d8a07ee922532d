package io.linkpoints.auth;

/** Who a token speaks for. Shop roles carry the shop they belong to; admins and members do not. */
public enum Role {
  ADMIN("admin", false),
  OWNER("owner", true),
  CASHIER("cashier", true),
  TERMINAL("terminal", true),
  MEMBER("member", false);

  private final String claim;
  private final boolean shopScoped;

  Role(String claim, boolean shopScoped) {
    this.claim = claim;
    this.shopScoped = shopScoped;
  }

  /** The value in the token's {@code role} claim and in the contract's {@code x-roles}. */
  public String claim() {
    return claim;
  }

  public boolean shopScoped() {
    return shopScoped;
  }

  /** The role named by a claim, or null for anything else (never trust an unknown role). */
  public static Role fromClaim(Object value) {
    for (Role role : values()) {
      if (role.claim.equals(value)) {
        return role;
      }
    }
    return null;
  }
}
