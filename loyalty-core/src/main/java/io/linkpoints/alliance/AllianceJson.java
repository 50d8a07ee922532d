package io.linkpoints.alliance;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The JSON of this package's answers, as openapi.yaml has them; the only place they are rendered. */
final class AllianceJson {
  private AllianceJson() {
  }

  /** A createAlliance body (checked against AllianceCreate), with the defaults for what it leaves out. */
  static Alliances.NewAlliance newAlliance(JsonObject body) {
    JsonObject admin = body.getJsonObject("admin");
    return new Alliances.NewAlliance(body.getString("name"), body.getString("timeZone", "Asia/Shanghai"),
        body.getLong("pricePerPointFen", 1L), body.getInteger("expiryMonths", 12),
        body.getBoolean("expiryEndOfMonth", true), body.getString("breakageRule", "alliance_fund"),
        body.getLong("memberDailyCapPoints"), admin.getString("username"), admin.getString("password"));
  }

  /** An updateAlliance body (checked against AlliancePatch): absent fields stay; a null cap removes the cap. */
  static Alliances.Changes changes(JsonObject body) {
    return new Alliances.Changes(body.getString("name"), body.getString("timeZone"), body.getLong("pricePerPointFen"),
        body.getInteger("expiryMonths"), body.getBoolean("expiryEndOfMonth"), body.getString("breakageRule"),
        body.containsKey("memberDailyCapPoints"), body.getLong("memberDailyCapPoints"));
  }

  static JsonObject alliance(Alliance a) {
    return new JsonObject().put("id", a.id()).put("name", a.name()).put("timeZone", a.timeZone())
        .put("pricePerPointFen", a.pricePerPointFen()).put("expiryMonths", a.expiryMonths())
        .put("expiryEndOfMonth", a.expiryEndOfMonth()).put("breakageRule", a.breakageRule())
        .put("memberDailyCapPoints", a.memberDailyCapPoints()).put("createdAt", a.createdAt().toString());
  }

  static JsonObject created(Alliances.Created c) {
    return alliance(c.alliance())
        .put("admin", new JsonObject().put("id", c.admin().id()).put("username", c.admin().username()));
  }

  static JsonObject stats(Alliances.Stats s) {
    return new JsonObject().put("allianceId", s.allianceId()).put("shops", s.shops()).put("members", s.members())
        .put("pointsOutstanding", s.pointsOutstanding());
  }

  static JsonObject signedIn(StaffSignIn.SignedIn s) {
    return token(s.token()).put("role", s.role().claim()).put("allianceId", s.allianceId()).put("shopId", s.shopId())
        .put("staffId", s.staffId());
  }

  static JsonObject shop(Shop s) {
    return new JsonObject().put("id", s.id()).put("allianceId", s.allianceId()).put("name", s.name())
        .put("status", s.status()).put("suspendedAt", text(s.suspendedAt())).put("createdAt", s.createdAt().toString());
  }

  static JsonObject created(Shops.Created c) {
    return shop(c.shop()).put("owner", staff(c.owner()));
  }

  static JsonObject staff(StaffMember s) {
    return new JsonObject().put("id", s.id()).put("username", s.username()).put("role", s.role())
        .put("shopId", s.shopId()).put("createdAt", s.createdAt().toString());
  }

  static JsonObject customers(Shops.CustomerPage page) {
    JsonArray items = new JsonArray();
    for (Shops.Customer c : page.items()) {
      items.add(new JsonObject().put("memberHandle", c.memberHandle()).put("phone", c.maskedPhone())
          .put("lastVisitAt", c.lastVisitAt().toString()).put("transfers", c.transfers()));
    }
    return new JsonObject().put("items", items)
        .put("nextCursor", page.nextCursor() == null ? null : String.valueOf(page.nextCursor()));
  }

  static JsonObject terminal(Terminal t) {
    return new JsonObject().put("id", t.id()).put("shopId", t.shopId()).put("name", t.name())
        .put("status", t.status().name().toLowerCase(Locale.ROOT))
        .put("enrolledAt", text(t.enrolledAt())).put("revokedAt", text(t.revokedAt()))
        .put("createdAt", t.createdAt().toString());
  }

  static JsonObject created(Terminals.Created c) {
    return terminal(c.terminal()).put("enrolmentSecret", c.enrolmentSecret())
        .put("enrolmentExpiresAt", c.enrolmentExpiresAt().toString());
  }

  static JsonObject enrolled(Terminals.Enrolled e) {
    return token(e.token()).put("terminalId", e.terminalId()).put("shopId", e.shopId())
        .put("deviceSecret", e.deviceSecret());
  }

  static JsonObject token(AccessToken t) {
    return new JsonObject().put("accessToken", t.token()).put("tokenType", "Bearer")
        .put("expiresIn", t.expiresInSeconds());
  }

  /** {@code {"items": [...]}}, each item rendered by {@code render}. */
  static <T> JsonObject items(List<T> items, Function<T, JsonObject> render) {
    JsonArray array = new JsonArray();
    items.forEach(item -> array.add(render.apply(item)));
    return new JsonObject().put("items", array);
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
