package io.linkpoints.till.client;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The member at the till: a scanned member code (used up by the call) with the moment the till
 * read it, or a visit from identify. An LP2 code is only valid in its 30-second time step, so an
 * accrual sent later (from the offline queue) says when its code was scanned.
 */
public record Member(String memberCode, Instant scannedAt, String visitId) {
  /** A code the till has just read. */
  public static Member code(String memberCode) {
    return scanned(memberCode, Instant.now());
  }

  public static Member scanned(String memberCode, Instant scannedAt) {
    return new Member(memberCode, scannedAt, null);
  }

  public static Member visit(String visitId) {
    return new Member(null, null, visitId);
  }

  JsonObject into(JsonObject body) {
    return memberCode != null ? body.put("memberCode", memberCode) : body.put("visitId", visitId);
  }

  /** An accrual also carries the scan time, which the server checks an offline code against. */
  JsonObject intoAccrual(JsonObject body) {
    into(body);
    if (memberCode != null) {
      body.put("scannedAt", scannedAt.toString());
    }
    return body;
  }
}
