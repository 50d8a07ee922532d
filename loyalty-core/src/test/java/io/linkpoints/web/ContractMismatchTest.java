package io.linkpoints.web;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.ContractCheck;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The places where contract and server disagreed (issue 11, item 5), one by one. Every response
 * here also passes through {@link ContractCheck} (ApiFixture), so a status the contract does not
 * list fails too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractMismatchTest {
  private Vertx vertx;
  private ApiFixture api;
  private PosWorld world;
  private PosWorld.Till cafe;
  private PosWorld.Person member;
  private final ContractCheck contract = ContractCheck.shared();

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    world = new PosWorld(api, "cm");
    cafe = world.shop("Mismatch Café");
    member = world.member();
  }

  @AfterAll
  void stop() {
    world.assertLedgerOk();
    api.close();
    vertx.close();
  }

  private String shopPath(String rest) {
    return "/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId() + rest;
  }

  @Test
  void anIdempotencyKeyTheContractAllowsIsAcceptedAndTheStatusRouteTakesItToo() {
    // 1-100 of A-Za-z0-9_.:- in the contract; the server used to want 8-64 without '.' and ':'.
    for (String key : new String[] {"k", "till-7:sale.42", "x".repeat(100)}) {
      expect(200, world.pos(cafe, "accrue", key, new JsonObject().put("memberCode", world.code(member))
          .put("spendFen", 500).put("orderRef", "cm-" + key.length())));
      assertEquals("completed", world.status(cafe, key).getString("state"));
    }
    assertEquals("idempotency_key_required", problemCode(world.pos(cafe, "accrue", "x".repeat(101),
        new JsonObject().put("memberCode", world.code(member)).put("spendFen", 500))));
    assertEquals("idempotency_key_required", problemCode(world.pos(cafe, "accrue", "no spaces",
        new JsonObject().put("memberCode", world.code(member)).put("spendFen", 500))));
  }

  @Test
  void theContractStatesTheServersKeyRule() {
    JsonObject schema = (JsonObject) contract.at("#/components/schemas/IdempotencyKey");
    assertEquals(IdempotencyKeys.MIN_LENGTH, schema.getInteger("minLength"));
    assertEquals(IdempotencyKeys.MAX_LENGTH, schema.getInteger("maxLength"));
    assertEquals(IdempotencyKeys.PATTERN, schema.getString("pattern"));
    for (ContractCheck.Route route : contract.routes()) {
      for (ContractCheck.Param p : contract.parameters(route)) {
        if (p.name().equalsIgnoreCase(IdempotencyKeys.HEADER) || p.name().equals("idempotencyKey")) {
          assertEquals(schema, p.schema(), route.operationId() + " states another key rule");
        }
      }
    }
  }

  @Test
  void aContractThatStatesAnotherKeyRuleDoesNotStart() throws Exception {
    JsonObject drifted = ApiDocs.load().routerContract();
    drifted.getJsonObject("components").getJsonObject("schemas").getJsonObject("IdempotencyKey").put("maxLength", 64);
    OpenAPIContract contract = await(OpenAPIContract.from(vertx, drifted));
    assertThrows(IllegalStateException.class, () -> new IdempotencyKeys(contract));
  }

  @Test
  void aMissingIdempotencyKeyHasItsOwnCodeEverywhere() {
    assertEquals("idempotency_key_required", problemCode(world.pos(cafe, "accrue", null,
        new JsonObject().put("memberCode", world.code(member)).put("spendFen", 500))));
    assertEquals("idempotency_key_required", problemCode(api.send(HttpMethod.POST,
        "/v1/members/me/coupon-market/exchange", member.token(), new JsonObject().put("campaignId", 1), Map.of())));
    assertEquals("idempotency_key_required", problemCode(api.send(HttpMethod.POST, "/v1/pos/coupons/release",
        cafe.token(), new JsonObject().put("holdId", "00000000-0000-0000-0000-000000000000"), Map.of())));
  }

  @Test
  void aNullDailyCapClearsTheCap() {
    String rule = shopPath("/earn-rule");
    JsonObject capped = expect(200, api.send(HttpMethod.PUT, rule, cafe.ownerToken(), new JsonObject()
        .put("pointsPerYuan", 1).put("rounding", "floor").put("dailyCapPoints", 300)));
    assertEquals(300L, capped.getLong("dailyCapPoints"));
    JsonObject cleared = expect(200, api.send(HttpMethod.PUT, rule, cafe.ownerToken(), new JsonObject()
        .put("pointsPerYuan", 1).put("rounding", "floor").putNull("dailyCapPoints")));
    assertTrue(cleared.containsKey("dailyCapPoints"));
    assertNull(cleared.getValue("dailyCapPoints"));
    assertNull(expect(200, api.get(rule, cafe.ownerToken())).getValue("dailyCapPoints"));
  }

  @Test
  void aGiftWithoutItsNameIsRefusedByTheContractAsByTheServer() {
    JsonObject gift = new JsonObject().put("name", "a gift").put("benefit", new JsonObject().put("kind", "gift")
            .put("valueFen", 500))
        .put("validFrom", api.clock.instant().toString())
        .put("validUntil", api.clock.instant().plusSeconds(86_400).toString()).put("inventory", 10);
    assertFalse(contract.valid("#/components/schemas/CampaignCreate", gift), "the contract must refuse it too");
    assertEquals("validation_failed", problemCode(api.post(shopPath("/campaigns"), cafe.ownerToken(), gift)));
    gift.getJsonObject("benefit").put("giftName", "a cookie");
    assertTrue(contract.valid("#/components/schemas/CampaignCreate", gift));
  }

  @Test
  void exactlyOneOfTwoFieldsIsInTheContract() {
    String accrue = "#/paths/~1v1~1alliances~1{allianceId}~1shops~1{shopId}~1pos~1accrue/post/requestBody/content/application~1json/schema";
    assertFalse(contract.valid(accrue, new JsonObject().put("spendFen", 1)), "neither memberCode nor visitId");
    assertEquals("validation_failed", problemCode(world.pos(cafe, "accrue", PosWorld.key(),
        new JsonObject().put("spendFen", 100))));
    assertEquals("validation_failed", problemCode(world.pos(cafe, "release", PosWorld.key(), new JsonObject())));
    assertEquals("validation_failed", problemCode(world.pos(cafe, "claim-codes", PosWorld.key(),
        new JsonObject().put("points", 5).put("spendFen", 100))));
  }

  @Test
  void idsThatAreNoIdsAre400ValidationFailedWhereverTheyAppear() {
    String admin = world.adminToken;
    assertEquals("validation_failed", problemCode(api.get("/v1/alliances/" + world.allianceId + "/shops/"
        + "9223372036854775808", admin)));
    assertEquals("validation_failed", problemCode(api.get("/v1/admin/alliances/" + world.allianceId
        + "/ledger/transfers/not-a-uuid", admin)));
    assertEquals("validation_failed", problemCode(api.get("/v1/admin/alliances/" + world.allianceId
        + "/ledger/accounts/9223372036854775808", admin)));
    assertEquals("shop_not_found", problemCode(api.get("/v1/alliances/" + world.allianceId + "/shops/987654321", admin)));
  }
}
