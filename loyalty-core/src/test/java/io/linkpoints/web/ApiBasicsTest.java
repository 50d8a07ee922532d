package io.linkpoints.web;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The contract-first HTTP surface: contract and docs served offline, validation and errors as problem+json. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiBasicsTest {
  private Vertx vertx;
  private ApiFixture api;
  private ApiFixture.World world;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    world = api.world("basics");
  }

  @AfterAll
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void theContractAndItsDocsPageAreServedWithoutANetwork() {
    HttpResponse<Buffer> contract = api.get("/openapi.yaml", null);
    assertEquals(200, contract.statusCode());
    assertTrue(contract.bodyAsString().startsWith("openapi: 3.1.0"));
    // One server, relative: the docs page's "Try it out" calls the server the page came from (the
    // router is given the contract without it: vertx-openapi cannot parse a relative URL).
    java.util.Map<?, ?> served = new Yaml(new SafeConstructor(new LoaderOptions())).load(contract.bodyAsString());
    java.util.List<?> servers = (java.util.List<?>) served.get("servers");
    assertEquals(1, servers.size());
    assertEquals("/", ((java.util.Map<?, ?>) servers.get(0)).get("url"));
    HttpResponse<Buffer> docs = api.get("/docs", null);
    assertEquals(200, docs.statusCode());
    assertTrue(docs.getHeader("Content-Type").startsWith("text/html"));
    // Every script and style the page names is served by us, none from a CDN.
    for (String asset : new String[] {"swagger-ui.css", "swagger-ui-bundle.js", "docs-init.js", "favicon-32x32.png"}) {
      assertTrue(docs.bodyAsString().contains("/docs/" + asset), asset);
      HttpResponse<Buffer> r = api.get("/docs/" + asset, null);
      assertEquals(200, r.statusCode(), asset);
      assertTrue(r.body().length() > 100, asset);
    }
    assertTrue(!docs.bodyAsString().contains("http://") && !docs.bodyAsString().contains("https://"));
    assertEquals("validation_failed", problemCode(api.get("/docs/evil.js", null)));
  }

  @Test
  void healthIsPublic() {
    assertEquals("up", expect(200, api.get("/health", null)).getString("status"));
  }

  @Test
  void aBodyThatBreaksTheSchemaIsValidationFailedAndChangesNothing() {
    long shops = api.count("/* test */ select count(*) from shop");
    String path = "/v1/alliances/" + world.allianceId() + "/shops";
    JsonObject owner = new JsonObject().put("username", "ok-owner").put("password", "owner-password-1");
    for (JsonObject bad : new JsonObject[] {
        new JsonObject().put("name", "").put("owner", owner),
        new JsonObject().put("name", "x".repeat(201)).put("owner", owner),
        new JsonObject().put("name", "Shop").put("owner", owner).put("extra", 1),
        new JsonObject().put("name", "Shop"),
        new JsonObject().put("name", "Shop").put("owner", owner.copy().put("password", "short")),
        new JsonObject().put("name", "Shop").put("owner", owner.copy().put("username", "Bad Name!")),
        new JsonObject().put("name", 42).put("owner", owner)}) {
      HttpResponse<Buffer> r = api.post(path, world.adminToken(), bad);
      assertEquals(400, r.statusCode(), bad.encode());
      assertEquals("validation_failed", problemCode(r), bad.encode());
    }
    assertEquals(shops, api.count("/* test */ select count(*) from shop"));
  }

  @Test
  void pathAndQueryParametersAreValidatedToo() {
    assertEquals("validation_failed", problemCode(api.get("/v1/alliances/" + world.allianceId() + "/shops/"
        + world.shopId() + "/customers?limit=999", world.ownerToken())));
    assertEquals("validation_failed", problemCode(api.get("/v1/admin/alliances/" + world.allianceId()
        + "/ledger/transfers/not-a-uuid", world.adminToken())));
  }

  @Test
  void malformedJsonHasItsOwnCode() {
    String path = "/v1/alliances/" + world.allianceId() + "/shops";
    HttpResponse<Buffer> r = ApiFixture.checked(HttpMethod.POST, path, Await(api.http.post(path)
        .putHeader("Authorization", "Bearer " + world.adminToken()).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"name\": "))));
    assertEquals(400, r.statusCode());
    assertEquals("malformed_json", problemCode(r));
  }

  @Test
  void aBodyOverTheLimitIsRefused() {
    String path = "/v1/alliances/" + world.allianceId() + "/shops";
    HttpResponse<Buffer> r = ApiFixture.checked(HttpMethod.POST, path, Await(api.http.post(path)
        .putHeader("Authorization", "Bearer " + world.adminToken()).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"name\":\"" + "x".repeat((int) ApiVerticle.MAX_BODY_BYTES) + "\"}"))));
    assertEquals(413, r.statusCode());
    assertEquals("body_too_large", problemCode(r));
  }

  @Test
  void unknownRoutesAreProblemJson404() {
    assertEquals("not_found", problemCode(api.get("/v1/nothing-here", world.adminToken())));
  }

  @Test
  void creatingAnAllianceAndAShopOpensTheirLedgerAccounts() {
    ApiFixture.World w = api.world("accounts");
    assertEquals(1, api.count("/* test */ select count(*) from ledger_account where alliance_id = " + w.allianceId()
        + " and kind = 'alliance_breakage' and owner_id = 0"));
    assertEquals(2, api.count("/* test */ select count(*) from ledger_account where alliance_id = " + w.allianceId()
        + " and kind in ('merchant_issuance', 'merchant_acceptance') and owner_id = " + w.shopId()));
    // The admin's password is stored as a PBKDF2 hash with its parameters, never as itself.
    assertEquals(1, api.count("/* test */ select count(*) from staff where alliance_id = " + w.allianceId()
        + " and role = 'admin' and password_hash like 'pbkdf2_sha256$" + ApiFixture.TEST_PASSWORD_ITERATIONS + "$%'"
        + " and password_hash not like '%admin-password-1%'"));
  }

  @Test
  void anAdminSetsTheEconomicsAndAnOwnerTheEarnRuleAndQuotesAreIntegers() {
    ApiFixture.World w = api.world("economics");
    String alliance = "/v1/alliances/" + w.allianceId();
    String shop = alliance + "/shops/" + w.shopId();
    JsonObject updated = expect(200, api.send(HttpMethod.PATCH, alliance, w.adminToken(),
        new JsonObject().put("memberDailyCapPoints", 300).put("breakageRule", "issuing_shop")));
    assertEquals(300L, updated.getLong("memberDailyCapPoints"));
    assertEquals("issuing_shop", updated.getString("breakageRule"));
    assertEquals("Asia/Shanghai", updated.getString("timeZone"));
    assertEquals("invalid_time_zone", problemCode(api.send(HttpMethod.PATCH, alliance, w.adminToken(),
        new JsonObject().put("timeZone", "Mars/Olympus"))));

    expect(200, api.send(HttpMethod.PUT, shop + "/earn-rule", w.ownerToken(),
        new JsonObject().put("pointsPerYuan", 3).put("rounding", "half_up").put("dailyCapPoints", 200)));
    JsonObject quote = expect(200, api.post(shop + "/earn-quote", w.ownerToken(), new JsonObject().put("spendFen", 1050)));
    assertEquals(32, quote.getLong("rawPoints")); // 1050 * 3 / 100 = 31.5, half up
    assertEquals(32, quote.getLong("points"));
    JsonObject big = expect(200, api.post(shop + "/earn-quote", w.ownerToken(), new JsonObject().put("spendFen", 100_000)));
    assertEquals(3000, big.getLong("rawPoints"));
    assertEquals(200, big.getLong("points"));
    assertEquals("shop_daily_cap", big.getString("limitedBy"));
    assertEquals("member_not_found", problemCode(api.post(shop + "/earn-quote", w.ownerToken(),
        new JsonObject().put("spendFen", 100).put("memberHandle", "AAAAAAAAAAAAAAAAAAAAAA"))));
  }

  @Test
  void aShopSeesItsOwnCustomersAndOnlyAggregatesOfTheRest() {
    ApiFixture.World w = api.world("customers");
    JsonObject other = api.createShop(w.allianceId(), w.adminToken(), "Bakery", "bakery-owner");
    String bakery = api.staffToken(w.allianceId(), "bakery-owner", "owner-password-1");
    JsonObject member = api.memberSignIn(w.allianceId(), "+8613700000009").getJsonObject("member");
    var ledger = api.app.ledger();
    long issuance = io.linkpoints.testing.Await.await(ledger.accountOf(w.allianceId(),
        io.linkpoints.ledger.AccountKind.MERCHANT_ISSUANCE, w.shopId())).orElseThrow().id();
    long wallet = io.linkpoints.testing.Await.await(ledger.accountOf(w.allianceId(),
        io.linkpoints.ledger.AccountKind.MEMBER_WALLET, member.getLong("id"))).orElseThrow().id();
    io.linkpoints.testing.Await.await(ledger.transfer(w.allianceId(), java.util.UUID.randomUUID(), issuance, wallet, 25, "earn"));

    String base = "/v1/alliances/" + w.allianceId() + "/shops/";
    var mine = expect(200, api.get(base + w.shopId() + "/customers", w.ownerToken())).getJsonArray("items");
    assertEquals(1, mine.size());
    assertEquals(member.getString("handle"), mine.getJsonObject(0).getString("memberHandle"));
    assertEquals("+861******0009", mine.getJsonObject(0).getString("phone"));
    assertEquals(0, expect(200, api.get(base + other.getLong("id") + "/customers", bakery)).getJsonArray("items").size());
    assertEquals("not_your_shop", problemCode(api.get(base + w.shopId() + "/customers", bakery)));
    JsonObject stats = expect(200, api.get("/v1/alliances/" + w.allianceId() + "/stats", bakery));
    assertEquals(1L, stats.getLong("members"));
    assertEquals(25L, stats.getLong("pointsOutstanding"));
    assertEquals(2L, stats.getLong("shops"));
  }

  private static <T> T Await(io.vertx.core.Future<T> f) {
    return io.linkpoints.testing.Await.await(f);
  }
}
