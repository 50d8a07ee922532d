package io.linkpoints.web;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The running service over HTTP: health, and the admin read side of the ledger. */
@ExtendWith(VertxExtension.class)
class LedgerAdminApiTest {
  private ApiFixture api;
  private ApiFixture.World world;
  private String admin;
  private long alliance;
  private long wallet;
  private long shop;

  @BeforeEach
  void start(Vertx vertx) {
    api = new ApiFixture(vertx);
    world = api.world("harbour");
    admin = world.adminToken();
    alliance = world.allianceId();
    shop = await(api.app.ledger().accountOf(alliance, AccountKind.MERCHANT_ISSUANCE, world.shopId())).orElseThrow().id();
    wallet = await(api.app.ledger().openAccount(alliance, AccountKind.MEMBER_WALLET, 70)).id();
  }

  @AfterEach
  void checkInvariantsAndStop() {
    api.assertLedgerOk();
    api.close();
  }

  private String ledger(String rest) {
    return "/v1/admin/alliances/" + alliance + "/ledger" + rest;
  }

  @Test
  void healthReportsTheDatabase() {
    JsonObject health = expect(200, api.get("/health", null));
    assertEquals("up", health.getJsonObject("checks").getString("database"));
  }

  @Test
  void balancesHistoryAndTransfersReadBack() {
    for (int i = 1; i <= 5; i++) {
      await(api.app.ledger().transfer(alliance, UUID.randomUUID(), shop, wallet, i * 10, "earn"));
    }
    Transfer last = await(api.app.ledger().transfer(alliance, UUID.randomUUID(), shop, wallet, 1, "earn"));

    JsonObject account = expect(200, api.get(ledger("/accounts/" + wallet), admin));
    assertEquals(151, account.getLong("availableBalance"));
    assertEquals("member_wallet", account.getString("kind"));

    JsonObject page1 = expect(200, api.get(ledger("/accounts/" + wallet + "/transfers?limit=4"), admin));
    assertEquals(4, page1.getJsonArray("items").size());
    assertEquals(last.id().toString(), page1.getJsonArray("items").getJsonObject(0).getString("id"), "newest first");
    JsonObject page2 = expect(200, api.get(ledger("/accounts/" + wallet + "/transfers?limit=4&cursor="
        + page1.getString("nextCursor")), admin));
    assertEquals(2, page2.getJsonArray("items").size());
    assertNull(page2.getString("nextCursor"));

    JsonObject transfer = expect(200, api.get(ledger("/transfers/" + last.id()), admin));
    assertEquals(1, transfer.getLong("amount"));
    assertEquals("single_phase", transfer.getString("type"));
  }

  @Test
  void badParametersAndUnknownRowsAreProblems() {
    assertProblem(api.get(ledger("/accounts/-4"), admin), 400);
    assertProblem(api.get(ledger("/accounts/" + wallet + "/transfers?limit=100000"), admin), 400);
    assertProblem(api.get(ledger("/transfers/not-a-uuid"), admin), 400);
    assertProblem(api.get(ledger("/accounts/999999"), admin), 404);
    assertProblem(api.get(ledger("/transfers/" + UUID.randomUUID()), admin), 404);
    assertProblem(api.get("/no/such/route", null), 404);
  }

  @Test
  void theInvariantCheckReportsEveryCheckAndNamesABreak() {
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), shop, wallet, 25, "earn"));
    JsonObject report = expect(200, api.get("/v1/admin/ledger/check", admin));
    assertTrue(report.getBoolean("ok"), report.encodePrettily());
    assertEquals(alliance, report.getLong("allianceId"), "an admin checks its own alliance");
    assertEquals(10, report.getJsonArray("checks").size());

    await(api.app.pool().preparedQuery("/* test */ update ledger_lot set points_left = points_left - 1 where account_id = $1")
        .execute(Tuple.of(wallet)));
    JsonObject broken = expect(200, api.get("/v1/admin/ledger/check", admin));
    assertFalse(broken.getBoolean("ok"));
    assertTrue(broken.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .anyMatch(c -> c.getString("name").equals("wallet_equals_lots") && !c.getBoolean("ok")));
    await(api.app.pool().preparedQuery("/* test */ update ledger_lot set points_left = points_left + 1 where account_id = $1")
        .execute(Tuple.of(wallet)));
  }

  private static void assertProblem(HttpResponse<Buffer> res, int status) {
    assertEquals(status, res.statusCode(), res.bodyAsString());
    assertFalse(problemCode(res).isBlank());
  }
}
