package io.linkpoints.qr;

import io.vertx.core.json.JsonObject;

/**
 * The code results as the API writes them (openapi.yaml). Public: the till's shop-code answer
 * (pos) is written here too.
 */
public final class CodeJson {
  private CodeJson() {
  }

  /** A shop code a till made. */
  public static JsonObject shopCode(ShopClaimCodes.ShopCode c) {
    return new JsonObject().put("claimCode", c.code()).put("points", c.points())
        .put("expiresAt", c.expiresAt().toString());
  }

  static JsonObject collected(ShopClaimCodes.Collected c) {
    return new JsonObject().put("shopId", c.shopId()).put("points", c.points())
        .put("transferId", c.transferId().toString()).put("alreadyClaimed", c.alreadyClaimed());
  }

  static JsonObject memberCode(MemberCodes.Current c) {
    return new JsonObject().put("code", c.code()).put("deviceId", c.deviceId()).put("step", c.step())
        .put("counter", c.counter()).put("expiresAt", c.expiresAt().toString());
  }

  /** The text of the QR code read in a photo. */
  static JsonObject scanned(String text) {
    return new JsonObject().put("text", text);
  }
}
