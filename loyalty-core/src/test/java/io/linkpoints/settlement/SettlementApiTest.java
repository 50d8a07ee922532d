package io.linkpoints.settlement;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Settlement over HTTP: an admin runs and closes a period, each owner sees only its own shop's
 * statement, liability and export; exports stream CSV and NDJSON; every admin and owner action
 * lands in the hash-chained audit log, and changing one row of it in the database is caught by
 * verify, which names that row.
 */
class SettlementApiTest {
  private Vertx vertx;
  private ApiFixture api;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
  }

  @AfterEach
  void tearDown() {
    try {
      api.assertLedgerOk();
    } finally {
      api.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  @Test
  void onlyMonthsFrom2000To2999OpenAPeriod() {
    ApiFixture.World w = api.world("months");
    String base = "/v1/alliances/" + w.allianceId() + "/settlement/periods";
    for (String month : List.of("0000-01", "0001-02", "1999-12", "3000-01", "9999-12")) {
      assertEquals("validation_failed", problemCode(api.post(base, w.adminToken(), new JsonObject().put("month", month))),
          month);
      // The same refusal when the scheduled run opens a period itself, without the contract in front.
      Throwable refused = await(new Periods(api.app.pool(), api.clock).openOrGet(w.allianceId(), month)
          .map(p -> (Throwable) null).recover(io.vertx.core.Future::succeededFuture));
      assertEquals("validation_failed", ((io.linkpoints.web.ApiException) refused).code(), month);
    }
    assertEquals(0, api.count("/* test */ select count(*) from settlement_period"));
    JsonObject first = expect(201, api.post(base, w.adminToken(), new JsonObject().put("month", "2000-01")));
    assertEquals("1999-12-31T16:00:00Z", first.getString("startsAt"));
    JsonObject last = expect(201, api.post(base, w.adminToken(), new JsonObject().put("month", "2999-12")));
    assertEquals("2999-12-31T16:00:00Z", last.getString("endsAt"));
  }

  @Test
  void adminSettlesOwnersSeeTheirOwnAndTheAuditLogCatchesTampering() {
    // Everything happens in the last minutes of this month, so the period can be closed a few minutes later.
    ZoneId zone = ZoneId.of("Asia/Shanghai");
    YearMonth thisMonth = YearMonth.from(api.clock.instant().atZone(zone));
    Instant end = thisMonth.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    api.clock.set(end.minus(Duration.ofMinutes(5)));
    ApiFixture.World w = api.world("settle");
    long alliance = w.allianceId();
    long shopA = w.shopId();
    long shopB = api.createShop(alliance, w.adminToken(), "second shop", "settle2-owner").getLong("id");
    String ownerB = api.staffToken(alliance, "settle2-owner", "owner-password-1");
    long member = api.memberSignIn(alliance, "+8613800555001").getJsonObject("member").getLong("id");
    long wallet = await(api.app.ledger().accountOf(alliance, AccountKind.MEMBER_WALLET, member)).orElseThrow().id();
    long issuanceA = await(api.app.ledger().accountOf(alliance, AccountKind.MERCHANT_ISSUANCE, shopA)).orElseThrow().id();
    long acceptanceB = await(api.app.ledger().accountOf(alliance, AccountKind.MERCHANT_ACCEPTANCE, shopB)).orElseThrow().id();
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), issuanceA, wallet, 300, "earn"));
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), wallet, acceptanceB, 120, "redeem"));

    String base = "/v1/alliances/" + alliance + "/settlement/periods";
    String month = thisMonth.toString();
    long period = expect(201, api.post(base, w.adminToken(), new JsonObject().put("month", month))).getLong("id");
    assertEquals("period_exists", problemCode(api.post(base, w.adminToken(), new JsonObject().put("month", month))));
    assertEquals("validation_failed", problemCode(api.post(base, w.adminToken(), new JsonObject().put("month", "2026-13"))));
    assertEquals("period_not_run", problemCode(api.post(base + "/" + period + "/close", w.adminToken(), null)));
    assertEquals(1, expect(200, api.post(base + "/" + period + "/run", w.adminToken(), null)).getInteger("runs"));
    assertEquals(2, expect(200, api.post(base + "/" + period + "/run", w.adminToken(), null)).getInteger("runs"));

    JsonObject all = expect(200, api.get(base + "/" + period + "/statements", w.adminToken()));
    assertEquals(0L, all.getLong("sumOfNetFen"));
    JsonObject netting = expect(200, api.get(base + "/" + period + "/netting", w.adminToken()));
    assertEquals(new JsonArray().add(new JsonObject().put("payerId", shopA).put("payeeId", shopB).put("amountFen", 120)),
        netting.getJsonArray("transfers"), "1 fen a point: A owes B 120 fen");
    assertTrue(expect(200, api.get(base + "/" + period + "/reconciliation", w.adminToken())).getBoolean("ok"));

    // An owner sees its own shop's statement, liability and export, never another's.
    String shopPath = "/v1/alliances/" + alliance + "/shops/" + shopB;
    JsonObject mine = expect(200, api.get(shopPath + "/settlement/periods/" + period + "/statement", ownerB));
    assertEquals(120L, mine.getJsonObject("statement").getLong("netFen"));
    assertEquals(1, mine.getJsonObject("items").getJsonArray("items").size());
    String otherShop = "/v1/alliances/" + alliance + "/shops/" + shopA;
    assertEquals("not_your_shop", problemCode(api.get(otherShop + "/settlement/periods/" + period + "/statement", ownerB)));
    assertEquals("not_your_shop", problemCode(api.get(otherShop + "/liability", ownerB)));
    assertEquals("not_your_shop", problemCode(api.get(otherShop + "/settlement/periods/" + period + "/transfers", ownerB)));
    assertEquals("role_not_allowed", problemCode(api.get(base + "/" + period + "/statements", ownerB)));
    assertEquals(180L, expect(200, api.get(otherShop + "/liability", w.ownerToken())).getJsonArray("shops")
        .getJsonObject(0).getLong("outstandingPoints"));

    // Exports: the shop's transfers as NDJSON, the matrix as CSV.
    HttpResponse<Buffer> ndjson = api.get(shopPath + "/settlement/periods/" + period + "/transfers?format=ndjson", ownerB);
    assertEquals(200, ndjson.statusCode());
    assertEquals("application/x-ndjson", ndjson.getHeader("Content-Type"));
    List<String> lines = ndjson.bodyAsString().lines().toList();
    assertEquals(1, lines.size(), ndjson.bodyAsString());
    assertEquals(120L, new JsonObject(lines.get(0)).getLong("amount"));
    assertEquals("period_id,payer_id,payee_id,amount_fen\r\n" + period + "," + shopA + "," + shopB + ",120\r\n",
        api.get(base + "/" + period + "/matrix/export?format=csv", w.adminToken()).bodyAsString());

    // Not before the month has ended in the alliance's time zone: one second before, refused; at its end, closed.
    api.clock.set(end.minusSeconds(1));
    assertEquals("period_not_ended", problemCode(api.post(base + "/" + period + "/close", w.adminToken(), null)));
    assertEquals("draft", expect(200, api.get(base + "/" + period, w.adminToken())).getString("status"));
    api.clock.set(end);
    assertEquals(end.toString(), expect(200, api.post(base + "/" + period + "/close", w.adminToken(), null))
        .getString("closedAt"));
    assertEquals("period_closed", problemCode(api.post(base + "/" + period + "/run", w.adminToken(), null)));

    // The audit log: shop creation, period open, two runs, close (refusals and reads are not actions).
    JsonArray log = expect(200, api.get("/v1/alliances/" + alliance + "/audit", w.adminToken())).getJsonArray("items");
    List<String> actions = log.stream().map(r -> ((JsonObject) r).getString("action")).toList();
    assertEquals(List.of("createShop", "createShop", "createSettlementPeriod", "runSettlementPeriod",
        "runSettlementPeriod", "closeSettlementPeriod"), actions);
    assertEquals(log.getJsonObject(0).getString("hash"), log.getJsonObject(1).getString("prevHash"));
    JsonObject verified = expect(200, api.get("/v1/alliances/" + alliance + "/audit/verify", w.adminToken()));
    assertEquals(true, verified.getBoolean("ok"), verified.encode());
    assertEquals(6, verified.getInteger("records"));

    // Someone with database access changes record 4 (a run) behind the service's back.
    await(api.app.pool().withTransaction(conn -> conn.query("alter table audit_log disable trigger audit_log_append_only")
        .execute()
        .compose(v -> conn.preparedQuery("/* test */ update audit_log set detail = replace(detail, '\"runs\":2', '\"runs\":1')"
            + " where alliance_id = $1 and seq = 5").execute(Tuple.of(alliance)))
        .compose(v -> conn.query("alter table audit_log enable trigger audit_log_append_only").execute())));
    JsonObject broken = expect(200, api.get("/v1/alliances/" + alliance + "/audit/verify", w.adminToken()));
    assertEquals(false, broken.getBoolean("ok"));
    assertEquals(5, broken.getJsonObject("firstBroken").getInteger("seq"), broken.encode());
    // The service itself cannot change the log.
    Throwable refused = io.linkpoints.testing.Await.failure(api.app.pool().preparedQuery(
        "/* test */ delete from audit_log where alliance_id = $1").execute(Tuple.of(alliance)));
    assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
  }
}
