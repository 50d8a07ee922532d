package io.linkpoints.adjustments;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.linkpoints.ledger.Transfer;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Points adjustments through the API on a real database, two instances: the threshold, four eyes
 * (a second admin), approvals at once posting once, who pays, corrections of a sale, and the
 * ledger's invariants after each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PointAdjustmentsTest {
  private static final int AT_ONCE = 8;

  private Vertx vertx;
  private ApiFixture api;
  private ApiFixture second;
  private PosWorld w;
  private Till cafe;
  private Till bakery;
  private String admin2;
  private String cashier;
  private ExecutorService clients;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    second = api.anotherInstance();
    w = new PosWorld(api, "adj");
    cafe = w.shop("Cafe");
    bakery = w.shop("Bakery");
    // The second pair of eyes: an admin the first one adds.
    expect(201, api.post("/v1/alliances/" + w.allianceId + "/admins", w.adminToken, new JsonObject()
        .put("username", "adj-admin-two").put("password", "admin-password-1")));
    admin2 = api.staffToken(w.allianceId, "adj-admin-two", "admin-password-1");
    expect(201, api.post(shopPath(cafe) + "/staff", cafe.ownerToken(), new JsonObject()
        .put("username", "adj-cafe-cashier").put("password", "cashier-password-1").put("role", "cashier")));
    cashier = api.staffToken(w.allianceId, "adj-cafe-cashier", "cashier-password-1");
    clients = Executors.newFixedThreadPool(AT_ONCE);
  }

  @AfterEach
  void ledgerStillAddsUp() {
    w.assertLedgerOk();
  }

  @AfterAll
  void stop() {
    clients.shutdown();
    second.close();
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private String shopPath(Till t) {
    return "/v1/alliances/" + w.allianceId + "/shops/" + t.shopId();
  }

  private String alliancePath() {
    return "/v1/alliances/" + w.allianceId + "/point-adjustments";
  }

  private HttpResponse<Buffer> propose(ApiFixture at, Till shop, String token, String key, JsonObject body) {
    return at.send(HttpMethod.POST, shopPath(shop) + "/point-adjustments", token, body, Map.of("Idempotency-Key", key));
  }

  private HttpResponse<Buffer> propose(Till shop, String token, Person m, long points, String reason) {
    return propose(api, shop, token, key(), new JsonObject().put("memberHandle", m.handle()).put("points", points)
        .put("reason", reason).put("note", "test"));
  }

  private HttpResponse<Buffer> decide(ApiFixture at, String token, long id, String verb) {
    return at.post(alliancePath() + "/" + id + "/" + verb, token, null);
  }

  private long issuance(Till t) {
    return api.count("/* test */ select id from ledger_account where alliance_id = " + w.allianceId
        + " and kind = 'merchant_issuance' and owner_id = " + t.shopId());
  }

  private Transfer transfer(String id) {
    return io.linkpoints.testing.Await.await(api.app.ledger().transferById(w.allianceId, UUID.fromString(id)))
        .orElseThrow();
  }

  @Test
  void anOwnersWithinTheThresholdPostsAtOnceAndTheShopPays() {
    Person m = w.member();
    JsonObject credit = expect(201, propose(cafe, cafe.ownerToken(), m, 50, "goodwill"));
    assertEquals("posted", credit.getString("status"));
    Transfer t = transfer(credit.getString("transferId"));
    assertEquals(issuance(cafe), t.debitAccountId());
    assertEquals(w.walletId(m), t.creditAccountId());
    assertEquals(PointAdjustments.transferId(w.allianceId, credit.getLong("id")), t.id());
    // The lot is the café's: settlement counts it as the café's issue.
    assertEquals(cafe.shopId(), api.count("/* test */ select issuer_shop_id from ledger_lot where alliance_id = "
        + w.allianceId + " and transfer_id = '" + t.id() + "'"));
    assertEquals(50, w.available(m));

    JsonObject debit = expect(201, propose(cafe, cafe.ownerToken(), m, -30, "other"));
    Transfer back = transfer(debit.getString("transferId"));
    assertEquals(w.walletId(m), back.debitAccountId());
    assertEquals(issuance(cafe), back.creditAccountId());
    assertEquals(20, w.available(m)); // 50 - 30

    // More than the member holds: refused, and nothing is recorded.
    long before = api.count("/* test */ select count(*) from point_adjustment where alliance_id = " + w.allianceId);
    assertEquals("insufficient_points", problemCode(propose(cafe, cafe.ownerToken(), m, -21, "other")));
    assertEquals(before, api.count("/* test */ select count(*) from point_adjustment where alliance_id = "
        + w.allianceId));
    assertEquals(20, w.available(m));

    // The same key again: the same adjustment, posted once.
    String k = key();
    JsonObject body = new JsonObject().put("memberHandle", m.handle()).put("points", 5).put("reason", "missing_earn");
    JsonObject once = expect(201, propose(api, cafe, cafe.ownerToken(), k, body));
    JsonObject twice = expect(201, propose(second, cafe, cafe.ownerToken(), k, body));
    assertEquals(once.getLong("id"), twice.getLong("id"));
    assertEquals(25, w.available(m)); // 20 + 5, once

    assertEquals("invalid_adjustment", problemCode(propose(cafe, cafe.ownerToken(), m, 0, "goodwill")));
    assertEquals("member_not_found", problemCode(propose(api, cafe, cafe.ownerToken(), key(), new JsonObject()
        .put("memberHandle", "nobody-has-this-handle").put("points", 5).put("reason", "goodwill"))));
    // Another shop's path.
    assertEquals(403, propose(bakery, cafe.ownerToken(), m, 5, "goodwill").statusCode());
  }

  @Test
  void aboveTheThresholdWaitsForADifferentAdmin() {
    Person m = w.member();
    JsonObject big = expect(201, propose(cafe, cafe.ownerToken(), m, 600, "goodwill"));
    assertEquals("pending", big.getString("status"));
    assertNull(big.getString("transferId"));
    assertEquals(0, w.available(m));
    // The owner cannot approve; the admin (not the proposer) can.
    assertEquals(403, decide(api, cafe.ownerToken(), big.getLong("id"), "approve").statusCode());
    assertEquals(0, w.available(m));

    // The admin's own proposal above the threshold: refused to the admin, approved by the second admin.
    JsonObject own = expect(201, propose(cafe, w.adminToken, m, 700, "missing_earn"));
    assertEquals("pending", own.getString("status"));
    assertEquals("self_approval", problemCode(decide(api, w.adminToken, own.getLong("id"), "approve")));
    assertEquals("self_approval", problemCode(decide(api, w.adminToken, own.getLong("id"), "reject")));
    assertEquals(0, w.available(m));
    JsonObject approved = expect(200, decide(api, admin2, own.getLong("id"), "approve"));
    assertEquals("posted", approved.getString("status"));
    assertEquals("adj-admin-two", approved.getJsonObject("decidedBy").getString("username"));
    assertEquals("adj-admin", approved.getJsonObject("proposedBy").getString("username"));
    assertEquals(700, w.available(m));

    expect(200, decide(api, w.adminToken, big.getLong("id"), "approve"));
    assertEquals(1_300, w.available(m)); // 700 + 600
    assertEquals("adjustment_not_pending", problemCode(decide(api, admin2, big.getLong("id"), "approve")));
    assertEquals(1_300, w.available(m));

    // The approvals are in the audit log, with the decider and before/after.
    assertEquals(2, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.allianceId
        + " and action = 'pointAdjustment.approved' and detail::jsonb ->> 'adjustmentId' in ('" + big.getLong("id")
        + "', '" + own.getLong("id") + "') and detail::jsonb ->> 'before' = 'pending'"
        + " and detail::jsonb ->> 'after' = 'posted'"));
  }

  @Test
  void aCashiersProposalAlwaysWaitsAndARejectionHappensOnce() {
    Person m = w.member();
    JsonObject small = expect(201, propose(cafe, cashier, m, 10, "goodwill"));
    assertEquals("pending", small.getString("status"));
    assertEquals("cashier", small.getJsonObject("proposedBy").getString("role"));
    JsonObject listed = expect(200, api.get(alliancePath() + "?status=pending", admin2));
    assertEquals(1, listed.getJsonArray("items").stream()
        .filter(o -> ((JsonObject) o).getLong("id").equals(small.getLong("id"))).count());
    expect(200, api.get(shopPath(cafe) + "/point-adjustments", cashier));
    assertEquals(403, api.get(shopPath(bakery) + "/point-adjustments", cashier).statusCode());

    JsonObject rejected = expect(200, decide(api, w.adminToken, small.getLong("id"), "reject"));
    assertEquals("rejected", rejected.getString("status"));
    assertEquals("adjustment_not_pending", problemCode(decide(api, w.adminToken, small.getLong("id"), "reject")));
    assertEquals("adjustment_not_pending", problemCode(decide(api, admin2, small.getLong("id"), "approve")));
    assertEquals(0, w.available(m));
    assertEquals(1, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.allianceId
        + " and action = 'pointAdjustment.proposed' and actor_role = 'cashier' and detail::jsonb ->> 'adjustmentId' = '"
        + small.getLong("id") + "'"));
    assertEquals("adjustment_not_found", problemCode(decide(api, w.adminToken, 999_999, "approve")));
  }

  @Test
  void eightApprovalsAtOncePostOnce() throws Exception {
    Person m = w.member();
    long id = expect(201, propose(cafe, cafe.ownerToken(), m, 900, "goodwill")).getLong("id");
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < AT_ONCE; i++) {
      ApiFixture at = i % 2 == 0 ? api : second;
      String token = i % 2 == 0 ? w.adminToken : admin2;
      calls.add(clients.submit((Callable<HttpResponse<Buffer>>) () -> decide(at, token, id, "approve")));
    }
    Map<String, Integer> outcomes = new TreeMap<>();
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> r = call.get();
      outcomes.merge(r.statusCode() < 300 ? "ok" : problemCode(r), 1, Integer::sum);
    }
    assertEquals(Map.of("ok", 1, "adjustment_not_pending", AT_ONCE - 1), outcomes);
    assertEquals(900, w.available(m));
    assertEquals(1, api.count("/* test */ select count(*) from ledger_transfer where alliance_id = " + w.allianceId
        + " and code = 'point_adjustment' and credit_account_id = " + w.walletId(m)));
  }

  @Test
  void aCorrectionOfASaleIsAReversalOfItNeverMoreThanIt() {
    expect(200, api.send(HttpMethod.PUT, shopPath(cafe) + "/earn-rule", cafe.ownerToken(),
        new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor")));
    Person m = w.member();
    JsonObject sale = expect(200, w.pos(cafe, "accrue", key(), new JsonObject().put("memberCode", w.code(m))
        .put("spendFen", 8_000)));
    String accrualId = sale.getString("accrualId");
    long earned = w.available(m); // 80 yuan at 1 point a yuan: 80 points
    assertEquals(80, earned);
    JsonObject body = new JsonObject().put("memberHandle", m.handle()).put("reason", "correction_of_sale")
        .put("accrualId", accrualId);
    assertEquals("invalid_adjustment", problemCode(propose(api, cafe, cafe.ownerToken(), key(),
        body.copy().put("points", 10))));
    assertEquals("invalid_adjustment", problemCode(propose(api, cafe, cafe.ownerToken(), key(), new JsonObject()
        .put("memberHandle", m.handle()).put("reason", "correction_of_sale").put("points", -10))));
    assertEquals("accrual_not_found", problemCode(propose(api, bakery, bakery.ownerToken(), key(),
        body.copy().put("points", -10))));
    assertEquals("reversal_exceeds_original", problemCode(propose(api, cafe, cafe.ownerToken(), key(),
        body.copy().put("points", -81))));
    JsonObject fixed = expect(201, propose(api, cafe, cafe.ownerToken(), key(), body.copy().put("points", -30)));
    assertEquals("posted", fixed.getString("status"));
    Transfer reversal = transfer(fixed.getString("transferId"));
    assertEquals(UUID.fromString(accrualId), reversal.reversesId());
    assertEquals(50, w.available(m)); // 80 - 30
    // Together never more than the sale: 30 + 51 > 80.
    assertEquals("reversal_exceeds_original", problemCode(propose(api, cafe, cafe.ownerToken(), key(),
        body.copy().put("points", -51))));
    expect(201, propose(api, cafe, cafe.ownerToken(), key(), body.copy().put("points", -50)));
    assertEquals(0, w.available(m));
  }

  @Test
  void theAdminSetsTheThreshold() {
    String policy = alliancePath() + "/policy";
    assertEquals(500, expect(200, api.get(policy, cafe.ownerToken())).getLong("approvalAbovePoints"));
    assertEquals(403, api.send(HttpMethod.PUT, policy, cafe.ownerToken(),
        new JsonObject().put("approvalAbovePoints", 10)).statusCode());
    expect(200, api.send(HttpMethod.PUT, policy, w.adminToken, new JsonObject().put("approvalAbovePoints", 10)));
    Person m = w.member();
    assertEquals("pending", expect(201, propose(cafe, cafe.ownerToken(), m, 11, "goodwill")).getString("status"));
    assertEquals("posted", expect(201, propose(cafe, cafe.ownerToken(), m, 10, "goodwill")).getString("status"));
    expect(200, api.send(HttpMethod.PUT, policy, w.adminToken, new JsonObject().put("approvalAbovePoints", 500)));
  }
}
