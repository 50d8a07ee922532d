package io.linkpoints.member;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/** The JSON of members' and their devices' answers, as openapi.yaml has them. */
final class MemberJson {
  private MemberJson() {
  }

  static JsonObject signInCodeSent(Members.SignInCodeSent sent) {
    return new JsonObject().put("expiresIn", sent.expiresInSeconds());
  }

  static JsonObject signedIn(Members.SignedIn s) {
    return new JsonObject().put("accessToken", s.accessToken()).put("tokenType", "Bearer")
        .put("expiresIn", s.expiresInSeconds()).put("joined", s.joined())
        .put("member", new JsonObject().put("id", s.memberId()).put("handle", s.handle())
            .put("allianceId", s.allianceId()));
  }

  static JsonObject profile(Members.Profile p) {
    return new JsonObject().put("id", p.id()).put("allianceId", p.allianceId()).put("handle", p.handle())
        .put("phone", p.phone()).put("availablePoints", p.availablePoints()).put("owedPoints", p.owedPoints())
        .put("joinedAt", p.joinedAt().toString());
  }

  static JsonObject device(MemberDevice d) {
    return new JsonObject().put("id", d.id()).put("label", d.label()).put("createdAt", text(d.createdAt()))
        .put("lastUsedAt", text(d.lastUsedAt())).put("revokedAt", text(d.revokedAt()))
        .put("revokedBy", d.revokedBy());
  }

  static JsonObject bound(MemberDevices.Bound b) {
    return new JsonObject().put("device", device(b.device())).put("secret", b.secret());
  }

  static JsonObject devices(List<MemberDevice> devices) {
    JsonArray items = new JsonArray();
    devices.forEach(d -> items.add(device(d)));
    return new JsonObject().put("items", items);
  }

  static JsonObject found(MemberDevices.Found f) {
    return devices(f.devices()).put("memberId", f.memberId()).put("phone", f.maskedPhone());
  }

  static JsonObject uses(List<MemberDevices.CodeUse> uses) {
    JsonArray items = new JsonArray();
    for (MemberDevices.CodeUse u : uses) {
      items.add(new JsonObject().put("step", u.step()).put("counter", u.counter())
          .put("usedAt", u.usedAt().toString()));
    }
    return new JsonObject().put("items", items);
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
