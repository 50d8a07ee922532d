package io.linkpoints.web;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.app.LinkpointsApp;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The running service over HTTP: health, and the admin read side of the ledger. */
@ExtendWith(VertxExtension.class)
class LedgerAdminApiTest {
  private static final String TOKEN = "test-admin-token-0123456789abcdef";

  private LinkpointsApp app;
  private WebClient http;
  private long alliance;
  private long wallet;
  private long shop;

  @BeforeEach
  void start(Vertx vertx, @TempDir Path data) {
    Map<String, String> env = new HashMap<>();
    env.put("LINKPOINTS_PORT", "0");
    env.put("LINKPOINTS_DB_URL", TestDatabase.fresh().url());
    env.put("LINKPOINTS_DATA", data.toString());
    env.put("LINKPOINTS_ADMIN_TOKEN", TOKEN);
    app = await(LinkpointsApp.start(vertx, LinkpointsConfig.fromEnv(env), Clock.systemUTC()));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.port()));
    alliance = await(app.pool().query("insert into alliance (name) values ('Harbour') returning id").execute())
        .iterator().next().getLong(0);
    shop = await(app.ledger().openAccount(alliance, AccountKind.MERCHANT_ISSUANCE, 7)).id();
    wallet = await(app.ledger().openAccount(alliance, AccountKind.MEMBER_WALLET, 70)).id();
  }

  @AfterEach
  void checkInvariantsAndStop() {
    var report = await(new io.linkpoints.ledger.InvariantCheck(app.pool()).run(null));
    assertTrue(report.ok(), report.summary());
    await(app.close());
  }

  private HttpResponse<Buffer> get(String path, String token) {
    var request = http.get(path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(request.send());
  }

  @Test
  void healthReportsTheDatabase() {
    HttpResponse<Buffer> res = get("/health", null);
    assertEquals(200, res.statusCode());
    assertEquals("up", res.bodyAsJsonObject().getJsonObject("database").getString("status"));
  }

  @Test
  void adminRoutesRefuseMissingAndWrongTokens() {
    for (String path : new String[] {"/v1/admin/ledger/check",
        "/v1/admin/alliances/" + alliance + "/ledger/accounts/" + wallet}) {
      HttpResponse<Buffer> none = get(path, null);
      assertEquals(401, none.statusCode());
      assertEquals("application/problem+json", none.getHeader("Content-Type"));
      assertEquals("unauthorized", none.bodyAsJsonObject().getString("code"));
      assertEquals(401, get(path, TOKEN + "x").statusCode());
      assertEquals(401, get(path, "").statusCode());
    }
  }

  @Test
  void balancesHistoryAndTransfersReadBack() {
    for (int i = 1; i <= 5; i++) {
      await(app.ledger().transfer(alliance, UUID.randomUUID(), shop, wallet, i * 10, "earn"));
    }
    Transfer last = await(app.ledger().transfer(alliance, UUID.randomUUID(), shop, wallet, 1, "earn"));

    JsonObject account = get("/v1/admin/alliances/" + alliance + "/ledger/accounts/" + wallet, TOKEN).bodyAsJsonObject();
    assertEquals(151, account.getLong("availableBalance"));
    assertEquals("member_wallet", account.getString("kind"));

    JsonObject page1 = get("/v1/admin/alliances/" + alliance + "/ledger/accounts/" + wallet + "/transfers?limit=4", TOKEN)
        .bodyAsJsonObject();
    assertEquals(4, page1.getJsonArray("items").size());
    assertEquals(last.id().toString(), page1.getJsonArray("items").getJsonObject(0).getString("id"), "newest first");
    JsonObject page2 = get("/v1/admin/alliances/" + alliance + "/ledger/accounts/" + wallet + "/transfers?limit=4&cursor="
        + page1.getString("nextCursor"), TOKEN).bodyAsJsonObject();
    assertEquals(2, page2.getJsonArray("items").size());
    assertNull(page2.getString("nextCursor"));

    JsonObject transfer = get("/v1/admin/alliances/" + alliance + "/ledger/transfers/" + last.id(), TOKEN).bodyAsJsonObject();
    assertEquals(1, transfer.getLong("amount"));
    assertEquals("single_phase", transfer.getString("type"));
  }

  @Test
  void badParametersAndUnknownRowsAreProblems() {
    assertProblem(get("/v1/admin/alliances/abc/ledger/accounts/1", TOKEN), 400, "invalid_parameter");
    assertProblem(get("/v1/admin/alliances/" + alliance + "/ledger/accounts/-4", TOKEN), 400, "invalid_parameter");
    assertProblem(get("/v1/admin/alliances/" + alliance + "/ledger/accounts/" + wallet + "/transfers?limit=100000", TOKEN),
        400, "invalid_parameter");
    assertProblem(get("/v1/admin/alliances/" + alliance + "/ledger/transfers/not-a-uuid", TOKEN), 400, "invalid_parameter");
    assertProblem(get("/v1/admin/alliances/" + alliance + "/ledger/accounts/999999", TOKEN), 404, "not_found");
    assertProblem(get("/v1/admin/alliances/" + (alliance + 1) + "/ledger/accounts/" + wallet, TOKEN), 404, "not_found");
    assertProblem(get("/v1/admin/alliances/" + alliance + "/ledger/transfers/" + UUID.randomUUID(), TOKEN), 404, "not_found");
    assertProblem(get("/no/such/route", null), 404, "not_found");
  }

  @Test
  void theInvariantCheckReportsEveryCheckAndNamesABreak() {
    await(app.ledger().transfer(alliance, UUID.randomUUID(), shop, wallet, 25, "earn"));
    JsonObject report = get("/v1/admin/ledger/check", TOKEN).bodyAsJsonObject();
    assertTrue(report.getBoolean("ok"), report.encodePrettily());
    assertEquals(10, report.getJsonArray("checks").size());

    await(app.pool().preparedQuery("update ledger_lot set points_left = points_left - 1 where account_id = $1")
        .execute(Tuple.of(wallet)));
    JsonObject broken = get("/v1/admin/ledger/check?allianceId=" + alliance, TOKEN).bodyAsJsonObject();
    assertFalse(broken.getBoolean("ok"));
    assertTrue(broken.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .anyMatch(c -> c.getString("name").equals("wallet_equals_lots") && !c.getBoolean("ok")));
    await(app.pool().preparedQuery("update ledger_lot set points_left = points_left + 1 where account_id = $1")
        .execute(Tuple.of(wallet)));
  }

  private static void assertProblem(HttpResponse<Buffer> res, int status, String code) {
    assertEquals(status, res.statusCode(), res.bodyAsString());
    assertEquals("application/problem+json", res.getHeader("Content-Type"));
    assertEquals(code, res.bodyAsJsonObject().getString("code"));
  }
}
