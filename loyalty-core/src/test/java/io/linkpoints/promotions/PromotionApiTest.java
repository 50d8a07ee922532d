package io.linkpoints.promotions;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A shop's promotions and bounty over HTTP: made, listed and ended by the owner (and the admin),
 * read by the cashier, never by a terminal or another shop's owner; another shop's promotion and
 * an unknown id are 404; fields that contradict each other are {@code invalid_promotion}.
 */
class PromotionApiTest {
  @Test
  void ownersMakeListAndEndTheirShopsPromotionsAndNobodyElsesShop() {
    Vertx vertx = Vertx.vertx();
    try (ApiFixture api = new ApiFixture(vertx)) {
      api.clock.set(Instant.parse("2026-12-07T02:00:00Z")); // Monday 10:00 in Shanghai
      PosWorld w = new PosWorld(api, "promo");
      PosWorld.Till cafe = w.shop("Café");
      PosWorld.Till books = w.shop("Books");
      String cafePath = "/v1/alliances/" + w.allianceId + "/shops/" + cafe.shopId();
      String booksPath = "/v1/alliances/" + w.allianceId + "/shops/" + books.shopId();
      JsonObject body = new JsonObject().put("name", "Tea time").put("kind", "multiplier")
          .put("multiplierPermille", 1500).put("weekdays", new JsonArray().add(5).add(1))
          .put("windowStart", "14:00").put("windowEnd", "17:30").put("minSpendFen", 2000)
          .put("startsOn", "2026-12-07").put("endsOn", "2026-12-31");
      JsonObject created = expect(201, api.post(cafePath + "/promotions", cafe.ownerToken(), body));
      long id = created.getLong("id");
      assertEquals(new JsonArray().add(1).add(5), created.getJsonArray("weekdays"));
      assertEquals("14:00", created.getString("windowStart"));
      assertEquals("17:30", created.getString("windowEnd"));
      assertEquals("live", created.getString("status"));
      assertFalse(created.containsKey("bonusPoints"));
      JsonObject later = expect(201, api.post(cafePath + "/promotions", w.adminToken, new JsonObject()
          .put("name", "New year").put("kind", "bonus").put("bonusPoints", 88)
          .put("startsOn", "2027-01-01").put("endsOn", "2027-01-03")));
      assertEquals("scheduled", later.getString("status"));
      assertEquals(new JsonArray().add(1).add(2).add(3).add(4).add(5).add(6).add(7), later.getJsonArray("weekdays"));

      String cashier = cashier(api, w, cafe);
      JsonObject list = expect(200, api.get(cafePath + "/promotions", cashier));
      assertEquals(2, list.getJsonArray("items").size());
      assertEquals(later.getLong("id"), list.getJsonArray("items").getJsonObject(0).getLong("id"), "newest first");
      assertEquals(created, expect(200, api.get(cafePath + "/promotions/" + id, cafe.ownerToken())));

      // Who may not: a cashier writes nothing, a terminal reads nothing, another owner sees nothing here.
      assertEquals("role_not_allowed", problemCode(api.post(cafePath + "/promotions", cashier, body)));
      assertEquals("role_not_allowed", problemCode(api.get(cafePath + "/promotions", cafe.token())));
      assertEquals("not_your_shop", problemCode(api.get(cafePath + "/promotions/" + id, books.ownerToken())));
      assertEquals("not_your_shop", problemCode(api.post(cafePath + "/promotions/" + id + "/end", books.ownerToken(),
          null)));
      // Under its own shop's path, another shop's promotion does not exist; nor does an unknown id.
      assertEquals("promotion_not_found", problemCode(api.get(booksPath + "/promotions/" + id, books.ownerToken())));
      assertEquals("promotion_not_found", problemCode(api.post(booksPath + "/promotions/" + id + "/end",
          books.ownerToken(), null)));
      assertEquals("promotion_not_found", problemCode(api.get(cafePath + "/promotions/999999", cafe.ownerToken())));

      // Contradictions the schema cannot state.
      assertEquals("invalid_promotion", problemCode(api.post(cafePath + "/promotions", cafe.ownerToken(),
          body.copy().put("bonusPoints", 5))));
      assertEquals("invalid_promotion", problemCode(api.post(cafePath + "/promotions", cafe.ownerToken(),
          body.copy().put("windowEnd", "14:00"))));
      assertEquals("invalid_promotion", problemCode(api.post(cafePath + "/promotions", cafe.ownerToken(),
          withoutWindowEnd(body))));
      assertEquals("invalid_promotion", problemCode(api.post(cafePath + "/promotions", cafe.ownerToken(),
          body.copy().put("endsOn", "2026-12-06"))));
      assertEquals("validation_failed", problemCode(api.post(cafePath + "/promotions", cafe.ownerToken(),
          body.copy().put("windowStart", "24:00"))));

      // Ended early, once: ending again keeps the first end.
      api.clock.advance(Duration.ofMinutes(1));
      JsonObject ended = expect(200, api.post(cafePath + "/promotions/" + id + "/end", cafe.ownerToken(), null));
      assertEquals("ended", ended.getString("status"));
      api.clock.advance(Duration.ofMinutes(1));
      assertEquals(ended, expect(200, api.post(cafePath + "/promotions/" + id + "/end", w.adminToken, null)));

      // The bounty: none until set, 0 turns it off, only for the shop's own owner or the admin.
      JsonObject none = expect(200, api.get(cafePath + "/bounty", cashier));
      assertEquals(0, none.getLong("points"));
      assertFalse(none.containsKey("updatedAt"));
      JsonObject set = expect(200, api.send(HttpMethod.PUT, cafePath + "/bounty", cafe.ownerToken(),
          new JsonObject().put("points", 200).put("minSpendFen", 3000)));
      assertEquals(200, set.getLong("points"));
      assertEquals(3000, set.getLong("minSpendFen"));
      assertEquals(set, expect(200, api.get(cafePath + "/bounty", w.adminToken)));
      assertEquals("not_your_shop", problemCode(api.send(HttpMethod.PUT, cafePath + "/bounty", books.ownerToken(),
          new JsonObject().put("points", 1))));
      assertEquals("role_not_allowed", problemCode(api.send(HttpMethod.PUT, cafePath + "/bounty", cashier,
          new JsonObject().put("points", 1))));
      api.assertLedgerOk();
    } finally {
      await(vertx.close());
    }
  }

  private static JsonObject withoutWindowEnd(JsonObject body) {
    JsonObject copy = body.copy();
    copy.remove("windowEnd");
    return copy;
  }

  private static String cashier(ApiFixture api, PosWorld w, PosWorld.Till till) {
    expect(201, api.post("/v1/alliances/" + w.allianceId + "/shops/" + till.shopId() + "/staff", till.ownerToken(),
        new JsonObject().put("username", "promo-cashier").put("password", "cashier-password-1").put("role", "cashier")));
    return api.staffToken(w.allianceId, "promo-cashier", "cashier-password-1");
  }
}
