package io.linkpoints.exits;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shop exits under concurrency and at the access walls: eight starts at once give one exit; two
 * completion runs at once complete it once; a hold placed before the completion and captured
 * after it is the fund's, a redemption committed before it the shop's; who may see what.
 */
class ShopExitConcurrencyTest {
  private Vertx vertx;
  private ApiFixture api;
  private PosWorld w;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    api.clock.set(Instant.parse("2026-05-01T02:00:00Z"));
    w = new PosWorld(api, "exitc");
  }

  @AfterEach
  void stop() {
    try {
      api.assertLedgerOk();
    } finally {
      api.close();
      await(vertx.close());
    }
  }

  private String path(String rest) {
    return "/v1/alliances/" + w.allianceId + rest;
  }

  private Till fresh(Till t) {
    String token = expect(200, api.post("/v1/terminals/token", null,
        new JsonObject().put("deviceSecret", t.deviceSecret()))).getString("accessToken");
    return new Till(t.shopId(), t.ownerToken(), t.terminalId(), token, t.deviceSecret());
  }

  @Test
  void eightStartsAtOnceGiveOneExitAndTwoCompletionRunsCompleteItOnce() {
    Till a = w.shop("Leaving A");
    Till c = w.shop("Bakery C");
    expect(200, api.send(HttpMethod.PUT, path("/shops/" + a.shopId() + "/earn-rule"), a.ownerToken(),
        new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor")));
    Person ann = w.member();
    w.phone(ann);
    // May 5: Ann earns 100 at A (1 fen a point).
    api.clock.set(Instant.parse("2026-05-05T02:00:00Z"));
    a = fresh(a);
    expect(200, w.pos(a, "accrue", key(), new JsonObject().put("memberCode", w.code(ann)).put("spendFen", 10_000)));

    api.clock.set(Instant.parse("2026-05-20T02:00:00Z"));
    String admin = api.staffToken(w.allianceId, "exitc-admin", "admin-password-1");
    Buffer body = new JsonObject().put("endDate", "2026-06-10").put("mode", "charge_to_fund").toBuffer();
    List<Future<HttpResponse<Buffer>>> starts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      starts.add(api.postRawAsync(path("/shops/" + a.shopId() + "/exit"), admin, "application/json", body));
    }
    await(Future.join(starts));
    int created = 0;
    int conflicts = 0;
    for (Future<HttpResponse<Buffer>> f : starts) {
      HttpResponse<Buffer> r = f.result();
      if (r.statusCode() == 201) {
        created++;
      } else if (r.statusCode() == 409 && "exit_already_started".equals(problemCode(r))) {
        conflicts++;
      }
    }
    assertEquals(1, created, "one start wins");
    assertEquals(7, conflicts, "the others are told it was started");
    assertEquals(1, api.count("/* test */ select count(*) from outbox_event where alliance_id = " + w.allianceId
        + " and type = 'shop.exit_started'"));
    assertEquals(1, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.allianceId
        + " and action = 'startShopExit'"), "only the start that succeeded is audited");

    // June 9: Ann spends 30 at C (A pays C), and C holds 20 more of A's points for a sale in progress.
    api.clock.set(Instant.parse("2026-06-09T15:59:30Z"));
    c = fresh(c);
    String first = expect(200, w.pos(c, "reserve", key(), new JsonObject().put("memberCode", w.code(ann))
        .put("points", 30))).getString("holdId");
    expect(200, w.pos(c, "commit", key(), new JsonObject().put("holdId", first)));
    String held = expect(200, w.pos(c, "reserve", key(), new JsonObject().put("memberCode", w.code(ann))
        .put("points", 20))).getString("holdId");

    // June 10, 00:00:10: two completion runs at once (two instances) complete it once. The charge:
    // 100 − 30 − 20 left in the lot, plus the 20 the open hold reserves = 70 points, 70 fen.
    api.clock.set(Instant.parse("2026-06-09T16:00:10Z"));
    Future<Integer> one = new ExitCompletion(api.app.pool(), api.clock).runOnce();
    Future<Integer> two = new ExitCompletion(api.app.pool(), api.clock).runOnce();
    await(Future.all(one, two));
    assertEquals(1, one.result() + two.result(), "completed by one run");
    assertEquals(1, api.count("/* test */ select count(*) from outbox_event where alliance_id = " + w.allianceId
        + " and type = 'shop.exited'"));
    assertEquals(1, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.allianceId
        + " and action = 'completeShopExit'"));
    admin = api.staffToken(w.allianceId, "exitc-admin", "admin-password-1");
    JsonObject done = expect(200, api.get(path("/shops/" + a.shopId() + "/exit"), admin));
    assertEquals(70, done.getLong("chargedPoints"));
    assertEquals(70, done.getLong("chargedFen"));
    assertEquals(0, await(new ExitCompletion(api.app.pool(), api.clock).runOnce()), "nothing left to do");

    // The hold is captured after the completion: the fund pays C for it.
    c = fresh(c);
    expect(200, w.pos(c, "commit", key(), new JsonObject().put("holdId", held)));

    api.clock.set(Instant.parse("2026-06-30T16:30:00Z"));
    admin = api.staffToken(w.allianceId, "exitc-admin", "admin-password-1");
    String periods = path("/settlement/periods");
    long period = expect(201, api.post(periods, admin, new JsonObject().put("month", "2026-06"))).getLong("id");
    expect(200, api.post(periods + "/" + period + "/run", admin, null));
    // Items: the redemption committed before the completion is A's (A pays C 30), the hold posted
    // after it the fund's (the fund pays C 20), and A's exit charge (A pays the fund 70).
    assertEquals(30, api.count("/* test */ select coalesce(sum(amount_fen), 0) from settlement_item where alliance_id = "
        + w.allianceId + " and period_id = " + period + " and category = 'redemption' and payer_id = " + a.shopId()
        + " and payee_id = " + c.shopId()));
    assertEquals(20, api.count("/* test */ select coalesce(sum(amount_fen), 0) from settlement_item where alliance_id = "
        + w.allianceId + " and period_id = " + period + " and category = 'redemption' and payer_id = 0"
        + " and payee_id = " + c.shopId()));
    assertEquals(70, api.count("/* test */ select coalesce(sum(amount_fen), 0) from settlement_item where alliance_id = "
        + w.allianceId + " and period_id = " + period + " and category = 'exit_charge' and payer_id = " + a.shopId()
        + " and payee_id = 0"));
    JsonObject all = expect(200, api.get(periods + "/" + period + "/statements", admin));
    assertEquals(0L, all.getLong("sumOfNetFen"));
    // By hand: A −30 − 70 = −100; C +30 + 20 = +50; the fund +70 − 20 = +50 (Ann's 50 points left).
    for (Object o : all.getJsonArray("statements")) {
      JsonObject st = (JsonObject) o;
      long party = st.getLong("partyId");
      long expected = party == a.shopId() ? -100 : party == c.shopId() ? 50 : party == 0 ? 50 : 0;
      assertEquals(expected, st.getLong("netFen"), "net of party " + party);
    }
  }

  @Test
  void itsPartInCampaignsAndPassportsIsPausedAtTheStartAndTheOthersCannotResume() {
    Till a = w.shop("Leaving A");
    Till b = w.shop("Books B");
    api.clock.set(Instant.parse("2026-05-20T02:00:00Z"));
    String admin = api.staffToken(w.allianceId, "exitc-admin", "admin-password-1");
    String ownerA = api.staffToken(w.allianceId, "exitc-owner1", "owner-password-1");
    String ownerB = api.staffToken(w.allianceId, "exitc-owner2", "owner-password-1");
    // A cross-promotion: A issues, B honours, both fund it; B accepts: live.
    long campaign = expect(201, api.post(path("/shops/" + a.shopId() + "/campaigns"), ownerA, new JsonObject()
        .put("name", "A to B").put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 1000))
        .put("minSpendFen", 3000).put("validFrom", "2026-05-01T00:00:00+08:00")
        .put("validUntil", "2026-12-31T00:00:00+08:00").put("inventory", 100).put("perMemberLimit", 1)
        .put("issuingShopIds", new io.vertx.core.json.JsonArray().add(a.shopId()))
        .put("honouringShopIds", new io.vertx.core.json.JsonArray().add(b.shopId()))
        .put("funding", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("shopId", a.shopId()).put("basisPoints", 7000))
            .add(new JsonObject().put("shopId", b.shopId()).put("basisPoints", 3000))))).getLong("id");
    String campaignOfB = path("/shops/" + b.shopId() + "/campaigns/" + campaign);
    assertEquals("live", expect(200, api.post(campaignOfB + "/accept", ownerB, null)).getString("status"));
    long passport = expect(201, api.post(path("/passports"), admin, new JsonObject()
        .put("nameZh", "集章").put("nameEn", "Stamps")
        .put("shops", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("shopId", a.shopId()).put("basisPoints", 5000))
            .add(new JsonObject().put("shopId", b.shopId()).put("basisPoints", 5000)))
        .put("fundBasisPoints", 0).put("stampsRequired", 2).put("minSpendFen", 1000)
        .put("startsOn", "2026-05-01").put("endsOn", "2026-12-31").put("rewardPoints", 50))).getLong("id");

    expect(201, api.post(path("/shops/" + a.shopId() + "/exit"), admin,
        new JsonObject().put("endDate", "2026-06-10").put("mode", "charge_to_fund")));
    assertEquals("paused", expect(200, api.get(campaignOfB, ownerB)).getString("status"));
    assertEquals(1, api.count("/* test */ select count(*) from outbox_event where alliance_id = " + w.allianceId
        + " and type = 'promotion.paused' and shop_id = " + b.shopId()), "B is told");
    // B lifts only its own pause (it has none): A's stands, so nobody is made to fund more.
    assertEquals("paused", expect(200, api.post(campaignOfB + "/resume", ownerB, null)).getString("status"));
    assertEquals(1, api.count("/* test */ select count(*) from passport_shop where alliance_id = " + w.allianceId
        + " and passport_id = " + passport + " and shop_id = " + a.shopId() + " and paused_at is not null"));
  }

  @Test
  void onlyTheAdminStartsAnExitAndAnOwnerSeesOnlyItsOwn() {
    Till a = w.shop("Leaving A");
    Till b = w.shop("Books B");
    api.clock.set(Instant.parse("2026-05-20T02:00:00Z"));
    String admin = api.staffToken(w.allianceId, "exitc-admin", "admin-password-1");
    String ownerA = api.staffToken(w.allianceId, "exitc-owner1", "owner-password-1");
    String ownerB = api.staffToken(w.allianceId, "exitc-owner2", "owner-password-1");
    JsonObject body = new JsonObject().put("endDate", "2026-06-10").put("mode", "charge_to_fund");
    String exitA = path("/shops/" + a.shopId() + "/exit");

    assertEquals("exit_not_found", problemCode(api.get(exitA, admin)));
    assertEquals("role_not_allowed", problemCode(api.post(exitA, ownerA, body)));
    // The end date: from tomorrow (21 May in Shanghai) up to a year ahead.
    assertEquals("end_date_out_of_range", problemCode(api.post(exitA, admin, body.copy().put("endDate", "2026-05-20"))));
    assertEquals("end_date_out_of_range", problemCode(api.post(exitA, admin, body.copy().put("endDate", "2027-05-21"))));
    assertEquals("validation_failed", problemCode(api.post(exitA, admin, body.copy().put("mode", "vanish"))));
    assertEquals(404, api.post(path("/shops/999999/exit"), admin, body).statusCode());
    expect(201, api.post(exitA, admin, body));

    assertEquals(200, api.get(exitA, ownerA).statusCode(), "A's owner sees A's exit");
    assertEquals(403, api.get(exitA, ownerB).statusCode(), "B's owner does not");
    assertEquals("exit_not_found", problemCode(api.get(path("/shops/" + b.shopId() + "/exit"), admin)));
    assertEquals(1, expect(200, api.get(path("/exits"), admin)).getJsonArray("items").size());
    assertEquals(403, api.get(path("/exits"), ownerA).statusCode());

    ApiFixture.World other = api.world("exitc-other");
    assertEquals(403, api.get(exitA, other.adminToken()).statusCode(), "another alliance's admin");
    assertEquals(403, api.post(exitA, other.adminToken(), body).statusCode());
    assertEquals(404, api.get("/v1/alliances/" + other.allianceId() + "/shops/" + a.shopId() + "/exit",
        other.adminToken()).statusCode(), "A is no shop of the other alliance");
  }

  @Test
  void theShopsOtherWaysOfIssuingAreClosedFromTheStart() {
    Till a = w.shop("Leaving A");
    Till b = w.shop("Books B");
    // A welcome reward of 40 points paid by the shops opted in: A and B.
    expect(200, api.send(HttpMethod.PUT, path("/rewards"), w.adminToken,
        new JsonObject().put("welcome", new JsonObject().put("points", 40).put("fundedBy", "shops"))));
    for (Till t : new Till[] {a, b}) {
      expect(200, api.send(HttpMethod.PUT, path("/shops/" + t.shopId() + "/rewards-opt-in"), w.adminToken,
          new JsonObject().put("welcome", true).put("birthday", false)));
    }
    Person ann = w.member();
    api.clock.set(Instant.parse("2026-05-20T02:00:00Z"));
    a = fresh(a);
    String admin = api.staffToken(w.allianceId, "exitc-admin", "admin-password-1");
    String ownerA = api.staffToken(w.allianceId, "exitc-owner1", "owner-password-1");
    ann = new Person(ann.memberId(), ann.handle(), expect(200, api.post("/v1/alliances/" + w.allianceId
        + "/members/sign-in", null, signInBody(ann))).getString("accessToken"));
    // A receipt's shop code printed before the exit started, and a debit adjustment's points to take back.
    String code = expect(200, w.pos(a, "claim-codes", key(), new JsonObject().put("points", 40))).getString("claimCode");
    w.grant(ann, a, 30);
    expect(201, api.post(path("/shops/" + a.shopId() + "/exit"), admin,
        new JsonObject().put("endDate", "2026-06-10").put("mode", "charge_to_fund")));

    var claimed = api.post("/v1/members/me/claims", ann.token(), new JsonObject().put("code", code));
    assertEquals("shop_exiting", problemCode(claimed), "a code from before the start gives nothing now");
    assertEquals("shop_exiting", problemCode(w.pos(a, "claim-codes", key(), new JsonObject().put("points", 40))));
    var credit = api.send(HttpMethod.POST, path("/shops/" + a.shopId() + "/point-adjustments"), ownerA,
        new JsonObject().put("memberHandle", ann.handle()).put("points", 5).put("reason", "goodwill"),
        java.util.Map.of("Idempotency-Key", "exit-credit"));
    assertEquals(409, credit.statusCode());
    assertEquals("shop_exiting", problemCode(credit));
    // Taking points back still works: it cuts the shop's liability.
    expect(201, api.send(HttpMethod.POST, path("/shops/" + a.shopId() + "/point-adjustments"), ownerA,
        new JsonObject().put("memberHandle", ann.handle()).put("points", -5).put("reason", "goodwill"),
        java.util.Map.of("Idempotency-Key", "exit-debit")));
    assertEquals(40 + 30 - 5, w.available(ann), "her welcome (A 20, B 20), A's 30, less the 5 taken back");
    // A member joining after the start is welcomed by B alone: A issues nothing.
    Person bob = w.member();
    assertEquals(40, w.available(bob));
    assertEquals(40, api.count("/* test */ select coalesce(sum(l.points), 0) from ledger_lot l join ledger_account w"
        + " on w.alliance_id = l.alliance_id and w.id = l.account_id where l.alliance_id = " + w.allianceId
        + " and w.kind = 'member_wallet' and w.owner_id = " + bob.memberId() + " and l.issuer_shop_id = " + b.shopId()));
  }

  @Test
  void aChargedExitCancelledBeforeItsEndLetsTheShopIssueAgain() {
    Till a = w.shop("Staying A");
    Till b = w.shop("Leaving B");
    Person ann = w.member();
    w.phone(ann);
    api.clock.set(Instant.parse("2026-05-20T02:00:00Z"));
    Till till = fresh(a);
    String admin = api.staffToken(w.allianceId, "exitc-admin", "admin-password-1");
    String exitA = path("/shops/" + a.shopId() + "/exit");
    expect(201, api.post(exitA, admin, new JsonObject().put("endDate", "2026-06-10").put("mode", "charge_to_fund")));
    JsonObject sale = new JsonObject().put("spendFen", 5_000);
    assertEquals("shop_exiting", problemCode(w.pos(till, "accrue", key(), sale.copy().put("memberCode", w.code(ann)))));

    JsonObject cancelled = expect(200, api.send(HttpMethod.DELETE, exitA, admin, null));
    assertEquals("cancelled", cancelled.getString("status"));
    expect(200, w.pos(till, "accrue", key(), sale.copy().put("memberCode", w.code(ann))));
    expect(200, api.send(HttpMethod.DELETE, exitA, admin, null));
    assertEquals("exit_already_started", problemCode(api.post(exitA, admin,
        new JsonObject().put("endDate", "2026-06-11").put("mode", "charge_to_fund"))), "one exit per shop, ever");
    // An exit that shortened its points' expiry cannot be cancelled.
    String exitB = path("/shops/" + b.shopId() + "/exit");
    expect(201, api.post(exitB, admin, new JsonObject().put("endDate", "2026-06-10").put("mode", "expire_early")));
    assertEquals("exit_not_cancellable", problemCode(api.send(HttpMethod.DELETE, exitB, admin, null)));

    // The end date passes: B's exit completes, A's cancelled one does not.
    api.clock.set(Instant.parse("2026-06-09T16:01:00Z"));
    assertEquals(1, await(new ExitCompletion(api.app.pool(), api.clock).runOnce()));
    assertEquals("active", api.text("/* test */ select status from shop where alliance_id = " + w.allianceId
        + " and id = " + a.shopId()));
    assertEquals("exited", api.text("/* test */ select status from shop where alliance_id = " + w.allianceId
        + " and id = " + b.shopId()));
    admin = api.staffToken(w.allianceId, "exitc-admin", "admin-password-1");
    assertEquals("exit_not_cancellable", problemCode(api.send(HttpMethod.DELETE, exitB, admin, null)));
    assertEquals(1, api.count("/* test */ select count(*) from outbox_event where alliance_id = " + w.allianceId
        + " and type = 'shop.exit_cancelled'"));
    assertEquals(2, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.allianceId
        + " and action = 'cancelShopExit'"), "both cancels that answered 200");
  }

  private JsonObject signInBody(Person p) {
    String phone = w.phoneNumber(p);
    expect(202, api.post("/v1/alliances/" + w.allianceId + "/members/sign-in/code", null,
        new JsonObject().put("phone", phone)));
    return new JsonObject().put("phone", phone).put("code", api.codes.last(w.allianceId, phone));
  }
}
