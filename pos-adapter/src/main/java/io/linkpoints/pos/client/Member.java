package io.linkpoints.pos.client;

import io.vertx.core.json.JsonObject;

/** The member at the till: a scanned member code (used up by the call), or a visit from identify. */
public record Member(String memberCode, String visitId) {
  public static Member code(String memberCode) {
    return new Member(memberCode, null);
  }

  public static Member visit(String visitId) {
    return new Member(null, visitId);
  }

  JsonObject into(JsonObject body) {
    return memberCode != null ? body.put("memberCode", memberCode) : body.put("visitId", visitId);
  }
}
