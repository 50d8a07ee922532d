package io.linkpoints.privacy;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Closing an account (注销): the points to breakage, the personal data gone from every table, the
 * ledger and every closed period's statements unchanged, once however many closes arrive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountClosureTest {
  private Vertx vertx;
  private ApiFixture api;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
  }

  @AfterAll
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private HttpResponse<Buffer> close(String token, Object confirm) {
    return api.send(HttpMethod.POST, "/v1/members/me/close", token, new JsonObject().put("confirm", confirm),
        Map.of("Idempotency-Key", UUID.randomUUID().toString()));
  }

  private long account(long alliance, AccountKind kind, long owner) {
    return await(api.app.ledger().accountOf(alliance, kind, owner)).orElseThrow().id();
  }

  @Test
  void closingForfeitsThePointsErasesThePersonalDataAndLeavesTheLedgerAndClosedStatementsAsTheyWere() {
    // Everything happens in the last minutes of this month, so its period can be closed just after.
    ZoneId zone = ZoneId.of("Asia/Shanghai");
    YearMonth thisMonth = YearMonth.from(api.clock.instant().atZone(zone));
    Instant end = thisMonth.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    api.clock.set(end.minus(Duration.ofMinutes(5)));
    ApiFixture.World w = api.world("close");
    long alliance = w.allianceId();
    long shopB = api.createShop(alliance, w.adminToken(), "second shop", "close2-owner").getLong("id");
    String phone = "+8613700424242";
    JsonObject signedIn = api.memberSignIn(alliance, phone);
    String token = signedIn.getString("accessToken");
    long member = signedIn.getJsonObject("member").getLong("id");
    String handle = signedIn.getJsonObject("member").getString("handle");
    // A birthday not in this month (no reward to muddle the figures): 1987-05-23.
    int birthMonth = thisMonth.getMonthValue() == 5 ? 6 : 5;
    expect(200, api.send(HttpMethod.PUT, "/v1/members/me/birthday", token,
        new JsonObject().put("month", birthMonth).put("day", 23).put("year", 1987)));
    String birthday = String.format("1987-%02d-23", birthMonth);
    // A name, as a shop's member import brings one (member.name).
    String name = "闵秀珍测试";
    assertEquals(1, count("/* test */ update member set name = '" + name + "' where alliance_id = $1 and id = $2"
        + " returning 1", alliance, member));
    expect(200, api.send(HttpMethod.PUT, "/v1/members/me/consents", token,
        new JsonObject().put("purpose", "visit_sharing").put("granted", true).put("textVersion", "v1")));
    long wallet = account(alliance, AccountKind.MEMBER_WALLET, member);
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), account(alliance, AccountKind.MERCHANT_ISSUANCE,
        w.shopId()), wallet, 300, "earn"));
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), wallet,
        account(alliance, AccountKind.MERCHANT_ACCEPTANCE, shopB), 120, "redeem"));

    // This month's period, run and closed: its statements as the admin and each owner read them.
    String base = "/v1/alliances/" + alliance + "/settlement/periods";
    long period = expect(201, api.post(base, w.adminToken(), new JsonObject().put("month", thisMonth.toString())))
        .getLong("id");
    expect(200, api.post(base + "/" + period + "/run", w.adminToken(), null));
    api.clock.set(end.plus(Duration.ofMinutes(1)));
    expect(200, api.post(base + "/" + period + "/close", w.adminToken(), null));
    List<String> statementPaths = List.of(base + "/" + period + "/statements",
        base + "/" + period + "/matrix/export?format=csv",
        "/v1/alliances/" + alliance + "/shops/" + shopB + "/settlement/periods/" + period + "/statement",
        "/v1/alliances/" + alliance + "/shops/" + w.shopId() + "/settlement/periods/" + period + "/statement");
    List<String> before = statementPaths.stream().map(p -> api.get(p, w.adminToken()).bodyAsString()).toList();

    // Refused: no confirmation; an open hold on the wallet (nothing changed by either).
    assertEquals("validation_failed", problemCode(close(token, false)));
    UUID hold = UUID.randomUUID();
    await(api.app.ledger().submit(TransferCommand.hold(alliance, hold, wallet,
        account(alliance, AccountKind.MERCHANT_ACCEPTANCE, shopB), 10, "redeem", 600)));
    assertEquals("open_holds", problemCode(close(token, true)));
    await(api.app.ledger().submit(TransferCommand.voidHold(alliance, UUID.randomUUID(), hold, "redeem")));
    assertEquals(180, expect(200, api.get("/v1/members/me", token)).getLong("availablePoints"));

    // Closed: 300 earned - 120 spent = 180 points forfeited to breakage. A retry answers the same.
    JsonObject closed = expect(200, close(token, true));
    assertEquals(180, closed.getLong("forfeitedPoints"));
    assertEquals(closed, expect(200, close(token, true)));
    long breakage = account(alliance, AccountKind.ALLIANCE_BREAKAGE, 0);
    assertEquals(180, await(api.app.ledger().account(alliance, breakage)).orElseThrow().creditsPosted());
    assertEquals(0, await(api.app.ledger().account(alliance, wallet)).orElseThrow().availableBalance());
    assertEquals(1, count("/* test */ select count(*) from ledger_transfer where alliance_id = $1"
        + " and debit_account_id = $2 and credit_account_id = $3", alliance, wallet, breakage));
    // The old token is refused everywhere (it would otherwise live until it expires), except by the
    // close itself, whose retry still answers what the first close did.
    for (String path : List.of("/v1/members/me", "/v1/members/me/consents", "/v1/members/me/data",
        "/v1/members/me/notifications")) {
      HttpResponse<Buffer> refused = api.get(path, token);
      assertEquals(401, refused.statusCode(), path);
      assertEquals("closed_account", problemCode(refused), path);
    }
    assertEquals(closed, expect(200, close(token, true)));

    // The past (closed) period's statements, byte for byte.
    assertEquals(before, statementPaths.stream().map(p -> api.get(p, w.adminToken()).bodyAsString()).toList());
    // The member row stays (its wallet's owner), without a name or a birthday.
    assertEquals(1, count("/* test */ select count(*) from member where alliance_id = $1 and id = $2"
        + " and closed_at is not null and name is null and birth_month is null and birth_day is null and birth_year is null",
        alliance, member));

    // The phone (in any of its forms), the old handle, the name and the birthday are in no text or JSON column of any table.
    for (String needle : List.of(phone, phone.substring(1), phone.substring(3), handle, name, birthday)) {
      assertEquals(List.of(), whereFound(needle), needle);
    }

    // The old phone signs in again as a new member, with nothing of the old one.
    JsonObject again = api.memberSignIn(alliance, phone);
    assertTrue(again.getBoolean("joined"));
    assertNotEquals(member, again.getJsonObject("member").getLong("id"));
    assertEquals(0, expect(200, api.get("/v1/members/me", again.getString("accessToken"))).getLong("availablePoints"));
    api.assertLedgerOk();
  }

  /**
   * The member row's lock runs them one after another: the first forfeits, the others find the
   * account closed and answer the same from the transfer's derived id.
   */
  @Test
  void tenConcurrentClosesForfeitOnce() throws Exception {
    ApiFixture.World w = api.world("close-race");
    long alliance = w.allianceId();
    JsonObject signedIn = api.memberSignIn(alliance, "+8613700434343");
    String token = signedIn.getString("accessToken");
    long member = signedIn.getJsonObject("member").getLong("id");
    long wallet = account(alliance, AccountKind.MEMBER_WALLET, member);
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), account(alliance, AccountKind.MERCHANT_ISSUANCE,
        w.shopId()), wallet, 100, "earn"));
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Callable<JsonObject>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(() -> expect(200, close(token, true)));
      }
      for (Future<JsonObject> f : pool.invokeAll(calls)) {
        assertEquals(100, f.get().getLong("forfeitedPoints"));
      }
    } finally {
      pool.shutdown();
    }
    long breakage = account(alliance, AccountKind.ALLIANCE_BREAKAGE, 0);
    assertEquals(1, count("/* test */ select count(*) from ledger_transfer where alliance_id = $1"
        + " and debit_account_id = $2 and credit_account_id = $3", alliance, wallet, breakage));
    assertEquals(100, await(api.app.ledger().account(alliance, breakage)).orElseThrow().creditsPosted());
    api.assertLedgerOk();
  }

  @Test
  void theMemberDownloadsEverythingHeldAboutThemAndNothingOfAnyoneElse() {
    ApiFixture.World w = api.world("data");
    long alliance = w.allianceId();
    String phone = "+8613700454545";
    JsonObject signedIn = api.memberSignIn(alliance, phone);
    String token = signedIn.getString("accessToken");
    long member = signedIn.getJsonObject("member").getLong("id");
    JsonObject other = api.memberSignIn(alliance, "+8613700464646");
    expect(200, api.send(HttpMethod.PUT, "/v1/members/me/consents", token,
        new JsonObject().put("purpose", "visit_sharing").put("granted", true).put("textVersion", "v1")));
    expect(201, api.post("/v1/members/me/devices", token, new JsonObject().put("label", "my phone")));
    long wallet = account(alliance, AccountKind.MEMBER_WALLET, member);
    long issuance = account(alliance, AccountKind.MERCHANT_ISSUANCE, w.shopId());
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), issuance, wallet, 300, "earn"));
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), wallet,
        account(alliance, AccountKind.MERCHANT_ACCEPTANCE, w.shopId()), 120, "redeem"));
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), issuance,
        account(alliance, AccountKind.MEMBER_WALLET, other.getJsonObject("member").getLong("id")), 77, "earn"));

    HttpResponse<Buffer> json = api.get("/v1/members/me/data", token);
    JsonObject data = expect(200, json);
    assertEquals(phone, data.getJsonObject("profile").getString("phone"));
    assertEquals(member, data.getJsonObject("profile").getLong("id"));
    // +300 earned, -120 spent: the member's two transfers, not the other member's 77.
    assertEquals(List.of(300L, -120L), data.getJsonArray("transfers").stream()
        .map(o -> ((JsonObject) o).getLong("points")).toList());
    assertEquals(1, data.getJsonArray("lots").size());
    assertEquals(180L, data.getJsonArray("lots").getJsonObject(0).getLong("points_left")); // 300 - 120
    assertEquals(1, data.getJsonArray("consents").size());
    assertEquals(1, data.getJsonArray("devices").size());
    assertEquals(false, data.getJsonArray("devices").getJsonObject(0).containsKey("secret_sealed"));
    assertEquals(null, data.getValue("tier"));
    assertEquals(-1, json.bodyAsString().indexOf("+8613700464646"));

    String zh = expect200Text(api.get("/v1/members/me/data.html", token));
    assertTrue(zh.contains("积分记录") && zh.contains(phone), zh);
    String en = expect200Text(api.get("/v1/members/me/data.html?lang=en", token));
    assertTrue(en.contains("Points transfers") && en.contains("my phone"), en);
    assertEquals(401, api.get("/v1/members/me/data", null).statusCode());
  }

  private static String expect200Text(HttpResponse<Buffer> r) {
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("Content-Type").startsWith("text/html"));
    return r.bodyAsString();
  }

  private long count(String sql, Object... params) {
    return await(api.app.pool().preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  /** Every table.column (text, varchar, json, jsonb) holding the string, in the whole database. */
  private List<String> whereFound(String needle) {
    List<String> found = new ArrayList<>();
    for (Row c : await(api.app.pool().query("/* test */ select table_schema, table_name, column_name"
        + " from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')"
        + " and data_type in ('text', 'character varying', 'character', 'json', 'jsonb')"
        + " and table_name in (select table_name from information_schema.tables where table_type = 'BASE TABLE')")
        .execute())) {
      String column = "\"" + c.getString(0) + "\".\"" + c.getString(1) + "\".\"" + c.getString(2) + "\"";
      String sql = "/* test */ select count(*) from \"" + c.getString(0) + "\".\"" + c.getString(1) + "\" where \""
          + c.getString(2) + "\"::text like '%' || $1 || '%'";
      if (await(api.app.pool().preparedQuery(sql).execute(Tuple.of(needle))).iterator().next().getLong(0) > 0) {
        found.add(column);
      }
    }
    return found;
  }
}
