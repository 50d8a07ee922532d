package io.linkpoints.exits;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.LotExpiry;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A shop leaving the alliance, scripted through the API over May and June 2026 in Shanghai, every
 * statement figure worked out by hand below. Three shops: A (leaving), B, C; every shop earns 1
 * point a yuan (floor); a point is worth 2 fen at issue; breakage rule issuing_shop.
 */
class ShopExitScriptedTest {
  private Vertx vertx;
  private ApiFixture api;
  private PosWorld w;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
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

  /** At the till (its token fetched afresh: the test's clock jumps by days). */
  private JsonObject accrue(Till till, Person member, long spendFen) {
    return expect(200, w.pos(fresh(till), "accrue", key(), new JsonObject().put("memberCode", w.code(member))
        .put("spendFen", spendFen)));
  }

  private void redeemAtTill(Till at, Person member, long points) {
    Till till = fresh(at);
    String hold = expect(200, w.pos(till, "reserve", key(), new JsonObject().put("memberCode", w.code(member))
        .put("points", points))).getString("holdId");
    expect(200, w.pos(till, "commit", key(), new JsonObject().put("holdId", hold)));
  }

  private Transfer redeemInLedger(Person member, Till at, long points) {
    long acceptance = await(api.app.ledger().accountOf(w.allianceId, AccountKind.MERCHANT_ACCEPTANCE, at.shopId()))
        .orElseThrow().id();
    return await(api.app.ledger().transfer(w.allianceId, UUID.randomUUID(), w.walletId(member), acceptance, points,
        "redeem"));
  }

  private void setUp(String prefix, int pricePerPointFen, String breakageRule) {
    api.clock.set(Instant.parse("2026-05-01T02:00:00Z"));
    w = new PosWorld(api, prefix);
    api.count("/* test */ with x as (update alliance set price_per_point_fen = " + pricePerPointFen
        + ", breakage_rule = '" + breakageRule + "' where id = " + w.allianceId + " returning 1) select count(*) from x");
  }

  private void earnRule(Till t) {
    expect(200, api.send(HttpMethod.PUT, path("/shops/" + t.shopId() + "/earn-rule"), t.ownerToken(),
        new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor")));
  }

  /** Runs and closes the month's period (the clock just after it ended); its statements by party. */
  private Map<Long, JsonObject> settle(String month, String admin) {
    String periods = path("/settlement/periods");
    long period = expect(201, api.post(periods, admin, new JsonObject().put("month", month))).getLong("id");
    expect(200, api.post(periods + "/" + period + "/run", admin, null));
    assertTrue(expect(200, api.get(periods + "/" + period + "/reconciliation", admin)).getBoolean("ok"),
        month + " reconciles");
    expect(200, api.post(periods + "/" + period + "/close", admin, null));
    JsonObject all = expect(200, api.get(periods + "/" + period + "/statements", admin));
    assertEquals(0L, all.getLong("sumOfNetFen"), month + ": the statements sum to zero");
    Map<Long, JsonObject> s = new HashMap<>();
    long sum = 0;
    for (Object o : all.getJsonArray("statements")) {
      JsonObject st = (JsonObject) o;
      s.put(st.getLong("partyId"), st);
      sum += st.getLong("netFen");
    }
    assertEquals(0, sum);
    return s;
  }

  @Test
  void aShopExitChargedToTheFundOverTwoPeriodsEqualsTheHandFiguresAndSumsToZero() {
    setUp("exit1", 2, "issuing_shop");
    Till a = w.shop("Leaving A");
    Till b = w.shop("Books B");
    Till c = w.shop("Bakery C");
    for (Till t : new Till[] {a, b, c}) {
      earnRule(t);
    }
    Person ann = w.member();
    Person bob = w.member();
    w.phone(ann);
    w.phone(bob);

    // May 5 (lots an hour apart, so "oldest first" is well defined; all expire together):
    // Ann ¥100 at A → 100 A-points; Bob ¥80 at A → 80; Ann ¥50 at B → 50.
    api.clock.set(Instant.parse("2026-05-05T02:00:00Z"));
    a = fresh(a);
    b = fresh(b);
    assertEquals(100, accrue(a, ann, 10_000).getLong("points"));
    api.clock.set(Instant.parse("2026-05-05T03:00:00Z"));
    assertEquals(80, accrue(a, bob, 8_000).getLong("points"));
    api.clock.set(Instant.parse("2026-05-05T04:00:00Z"));
    assertEquals(50, accrue(b, ann, 5_000).getLong("points"));
    // May 8: Ann spends 60 at B: A's oldest lot pays (A owes B 60 × 2 = 120 fen).
    api.clock.set(Instant.parse("2026-05-08T02:00:00Z"));
    Transfer annAtB = redeemInLedger(ann, b, 60);

    // May 20: the admin starts A's exit, ending on 10 June, charged to the fund.
    api.clock.set(Instant.parse("2026-05-20T02:00:00Z"));
    String admin = api.staffToken(w.allianceId, "exit1-admin", "admin-password-1");
    JsonObject started = expect(201, api.post(path("/shops/" + a.shopId() + "/exit"), admin,
        new JsonObject().put("endDate", "2026-06-10").put("mode", "charge_to_fund")));
    assertEquals("scheduled", started.getString("status"));
    assertEquals("2026-06-09T16:00:00Z", started.getString("endsAt"), "local midnight at the start of 10 June");
    // Preview: Ann's A lot 100 − 60 + Bob's 80 = 120 points, 240 fen.
    assertEquals(120, started.getLong("outstandingPoints"));
    assertEquals(240, started.getLong("outstandingFen"));
    assertEquals(409, api.post(path("/shops/" + a.shopId() + "/exit"), admin,
        new JsonObject().put("endDate", "2026-06-11").put("mode", "expire_early")).statusCode());

    // May 21: an earn at A is refused (recorded as the answer) and changes nothing.
    api.clock.set(Instant.parse("2026-05-21T02:00:00Z"));
    a = fresh(a);
    long transfersBefore = api.count("/* test */ select count(*) from ledger_transfer where alliance_id = " + w.allianceId);
    var refused = w.pos(a, "accrue", key(), new JsonObject().put("memberCode", w.code(bob)).put("spendFen", 9_900));
    assertEquals(409, refused.statusCode());
    assertEquals("shop_exiting", problemCode(refused));
    assertEquals(80, w.available(bob));
    assertEquals(transfersBefore, api.count("/* test */ select count(*) from ledger_transfer where alliance_id = "
        + w.allianceId));
    // May 22: a redemption at A before the end still works: Bob spends 30 of A's own points (no money).
    api.clock.set(Instant.parse("2026-05-22T02:00:00Z"));
    a = fresh(a);
    redeemAtTill(a, bob, 30);
    assertEquals(50, w.available(bob));

    // June 1, 00:30 in Shanghai: May is over.
    api.clock.set(Instant.parse("2026-05-31T16:30:00Z"));
    admin = api.staffToken(w.allianceId, "exit1-admin", "admin-password-1");
    Map<Long, JsonObject> may = settle("2026-05", admin);
    // May, at 2 fen a point:
    //   A: issued 100 + 80 = 180 points (360 fen); accepted Bob's 30 of its own (60 fen, none from
    //      others); its 60 points spent at B: redeemed elsewhere 120 fen; net −120.
    //   B: issued 50 (100 fen); accepted 60 (120 fen, all from A); net +120.
    //   C and the fund: nothing.           Sum: −120 + 120 = 0.
    figures("May A", may.get(a.shopId()), 180, 360, 30, 60, 0, 120, 0, 0, 120, -120);
    figures("May B", may.get(b.shopId()), 50, 100, 60, 120, 120, 0, 0, 120, 0, 120);
    figures("May C", may.get(c.shopId()), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    figures("May fund", may.get(0L), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    // June 10, 00:00:30 in Shanghai: the end-date job completes the exit. A's till and owner
    // signed in just before, while they still could.
    api.clock.set(Instant.parse("2026-06-09T16:00:30Z"));
    a = fresh(a);
    admin = api.staffToken(w.allianceId, "exit1-admin", "admin-password-1");
    String aOwner = api.staffToken(w.allianceId, "exit1-owner1", "owner-password-1");
    assertEquals(200, api.get(path("/shops/" + a.shopId() + "/exit"), aOwner).statusCode(), "the owner sees its exit");
    await(new ExitCompletion(api.app.pool(), api.clock).runOnce());
    JsonObject done = expect(200, api.get(path("/shops/" + a.shopId() + "/exit"), admin));
    assertEquals("completed", done.getString("status"));
    // What A's lots hold at the end: Ann 100 − 60 = 40, Bob 80 − 30 = 50: 90 points, 180 fen.
    assertEquals(90, done.getLong("chargedPoints"));
    assertEquals(180, done.getLong("chargedFen"));
    assertNull(done.getValue("outstandingPoints"));
    var tillAfter = w.pos(a, "accrue", key(), new JsonObject().put("memberCode", w.code(bob)).put("spendFen", 100));
    assertEquals(401, tillAfter.statusCode());
    assertEquals("terminal_revoked", problemCode(tillAfter));
    var ownerAfter = api.get(path("/shops/" + a.shopId() + "/exit"), aOwner);
    assertEquals(403, ownerAfter.statusCode());
    assertEquals("shop_exited", problemCode(ownerAfter));
    var signIn = api.post(path("/staff/sign-in"), null, new JsonObject().put("username", "exit1-owner1")
        .put("password", "owner-password-1"));
    assertEquals(403, signIn.statusCode());
    assertEquals("shop_exited", problemCode(signIn));
    assertEquals("exited", api.text("/* test */ select status from shop where alliance_id = " + w.allianceId
        + " and id = " + a.shopId()));

    // June 12: A's remaining points are spent at C: Ann 40, Bob 50; the fund pays C 90 × 2 = 180 fen.
    api.clock.set(Instant.parse("2026-06-12T02:00:00Z"));
    c = fresh(c);
    redeemAtTill(c, ann, 40);
    redeemAtTill(c, bob, 50);
    // June 15: B refunds 20 of Ann's May 8 redemption (A's points): they come back as A's lot, which
    // the fund now carries, so B pays the fund back 20 × 2 = 40 fen.
    api.clock.set(Instant.parse("2026-06-15T02:00:00Z"));
    await(api.app.ledger().submit(TransferCommand.reversal(w.allianceId, UUID.randomUUID(), annAtB, 20, "refund")));
    assertEquals(50 + 20, w.available(ann));

    api.clock.set(Instant.parse("2026-06-30T16:30:00Z"));
    admin = api.staffToken(w.allianceId, "exit1-admin", "admin-password-1");
    Map<Long, JsonObject> june = settle("2026-06", admin);
    // June:
    //   A: nothing issued or accepted; its exit charge, 90 points × 2 = 180 fen, payable to the fund:
    //      exitChargeFen −180; net −180.
    //   B: accepted −20 points (−40 fen, all from others: the refund of A's points, now the fund's);
    //      payable 40; net −40.
    //   C: accepted 40 + 50 = 90 points (180 fen, all from the fund); net +180.
    //   fund: redeemed elsewhere 180 − 40 = 140 fen; exit charge +180; receivable 180 + 40 = 220,
    //      payable 180; net +40 (it holds Ann's 20 returned points, 40 fen, as its liability).
    //   Sum: −180 − 40 + 180 + 40 = 0.
    figures("June A", june.get(a.shopId()), 0, 0, 0, 0, 0, 0, -180, 0, 180, -180);
    figures("June B", june.get(b.shopId()), 0, 0, -20, -40, -40, 0, 0, 0, 40, -40);
    figures("June C", june.get(c.shopId()), 0, 0, 90, 180, 180, 0, 0, 180, 0, 180);
    figures("June fund", june.get(0L), 0, 0, 0, 0, 0, 140, 180, 220, 180, 40);

    // The fund's take-over: A owes nothing any more.
    JsonObject liability = expect(200, api.get(path("/shops/" + a.shopId() + "/liability"), admin));
    assertEquals(0, liability.getJsonArray("shops").getJsonObject(0).getLong("outstandingPoints"));
    // Audited: the admin's start and the job's completion; told: both events.
    assertEquals(1, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.allianceId
        + " and action = 'startShopExit'"));
    assertEquals(1, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.allianceId
        + " and action = 'completeShopExit'"));
    assertTrue(expect(200, api.get(path("/audit/verify"), admin)).getBoolean("ok"));
    assertEquals(1, api.count("/* test */ select count(*) from outbox_event where alliance_id = " + w.allianceId
        + " and type = 'shop.exit_started' and shop_id = " + a.shopId()));
    assertEquals(1, api.count("/* test */ select count(*) from outbox_event where alliance_id = " + w.allianceId
        + " and type = 'shop.exited' and shop_id = " + a.shopId()));
  }

  @Test
  void anExitExpiringEarlyTellsTheMembersAndItsPointsExpireAtTheEndDate() {
    setUp("exit2", 1, "alliance_fund");
    Till d = w.shop("Leaving D");
    Till e = w.shop("Tea E");
    earnRule(d);
    earnRule(e);
    Person ann = w.member();
    w.phone(ann);
    // June 1: Ann ¥70 at D (70 points), then ¥30 at E (30).
    api.clock.set(Instant.parse("2026-06-01T02:00:00Z"));
    d = fresh(d);
    e = fresh(e);
    accrue(d, ann, 7_000);
    api.clock.set(Instant.parse("2026-06-01T03:00:00Z"));
    accrue(e, ann, 3_000);
    // June 2: Ann spends 20 at E: D's oldest lot (D owes E 20 fen).
    api.clock.set(Instant.parse("2026-06-02T02:00:00Z"));
    Transfer atE = redeemInLedger(ann, e, 20);
    // June 3: D's exit, ending on 20 June, its points expiring early.
    api.clock.set(Instant.parse("2026-06-03T02:00:00Z"));
    String admin = api.staffToken(w.allianceId, "exit2-admin", "admin-password-1");
    expect(201, api.post(path("/shops/" + d.shopId() + "/exit"), admin,
        new JsonObject().put("endDate", "2026-06-20").put("mode", "expire_early")));
    // Ann is told once, of her 50 D-points.
    assertEquals(1, api.count("/* test */ select count(*) from member_notification where alliance_id = "
        + w.allianceId + " and member_id = " + ann.memberId() + " and kind = 'shop_exit'"));
    assertTrue(api.text("/* test */ select body_en from member_notification where alliance_id = " + w.allianceId
        + " and member_id = " + ann.memberId() + " and kind = 'shop_exit'").contains("50 points"));
    // June 5: E refunds 10 of the June 2 redemption: D's points come back, expiring on the end date too.
    api.clock.set(Instant.parse("2026-06-05T02:00:00Z"));
    Transfer refund = await(api.app.ledger().submit(TransferCommand.reversal(w.allianceId, UUID.randomUUID(), atE,
        10, "refund"))).transfer();
    assertEquals("2026-06-19T16:00Z", api.text("/* test */ select expires_at from ledger_lot where alliance_id = "
        + w.allianceId + " and transfer_id = '" + refund.id() + "'"));
    // June 20, 00:01: the exit completes (nothing charged), and the expiry job takes D's 50 + 10.
    api.clock.set(Instant.parse("2026-06-19T16:01:00Z"));
    admin = api.staffToken(w.allianceId, "exit2-admin", "admin-password-1");
    await(new ExitCompletion(api.app.pool(), api.clock).runOnce());
    JsonObject done = expect(200, api.get(path("/shops/" + d.shopId() + "/exit"), admin));
    assertEquals("completed", done.getString("status"));
    assertEquals(0, done.getLong("chargedFen"));
    assertEquals(60, await(new LotExpiry(api.app.ledger(), api.clock).runOnce(1_000)));
    assertEquals(30, w.available(ann), "E's 30 stay");

    api.clock.set(Instant.parse("2026-06-30T16:30:00Z"));
    admin = api.staffToken(w.allianceId, "exit2-admin", "admin-password-1");
    Map<Long, JsonObject> june = settle("2026-06", admin);
    // June, 1 fen a point, breakage to the fund:
    //   D: issued 70; redeemed elsewhere 20 − 10 = 10; expired 60 (paid to the fund: 60);
    //      receivable 10 (E's refund gives D's points back), payable 20 + 60 = 80; net −70.
    //   E: issued 30; accepted 20 − 10 = 10 (from D); receivable 20, payable 10; net +10.
    //   fund: breakage received 60; net +60.   Sum: −70 + 10 + 60 = 0.
    JsonObject sd = june.get(d.shopId());
    figures("June D", sd, 70, 70, 0, 0, 0, 10, 0, 10, 80, -70);
    assertEquals(60, sd.getLong("expiredPoints"));
    assertEquals(60, sd.getLong("breakagePaidFen"));
    figures("June E", june.get(e.shopId()), 30, 30, 10, 10, 10, 0, 0, 20, 10, 10);
    figures("June fund", june.get(0L), 0, 0, 0, 0, 0, 0, 0, 60, 0, 60);
    assertEquals(60, june.get(0L).getLong("breakageReceivedFen"));
  }

  private static void figures(String who, JsonObject st, long issuedPoints, long issuedFen, long acceptedPoints,
      long acceptedFen, long acceptedFromOthersFen, long redeemedElsewhereFen, long exitChargeFen, long receivableFen,
      long payableFen, long netFen) {
    assertEquals(issuedPoints, st.getLong("issuedPoints"), who + " issuedPoints");
    assertEquals(issuedFen, st.getLong("issuedFen"), who + " issuedFen");
    assertEquals(acceptedPoints, st.getLong("acceptedPoints"), who + " acceptedPoints");
    assertEquals(acceptedFen, st.getLong("acceptedFen"), who + " acceptedFen");
    assertEquals(acceptedFromOthersFen, st.getLong("acceptedFromOthersFen"), who + " acceptedFromOthersFen");
    assertEquals(redeemedElsewhereFen, st.getLong("redeemedElsewhereFen"), who + " redeemedElsewhereFen");
    assertEquals(exitChargeFen, st.getLong("exitChargeFen"), who + " exitChargeFen");
    assertEquals(receivableFen, st.getLong("receivableFen"), who + " receivableFen");
    assertEquals(payableFen, st.getLong("payableFen"), who + " payableFen");
    assertEquals(netFen, st.getLong("netFen"), who + " netFen");
    for (String zero : new String[] {"marketCouponFen", "couponFundingPaidFen", "couponFundingReceivedFen",
        "adjustmentFen", "otherFen"}) {
      assertEquals(0, st.getLong(zero), who + " " + zero);
    }
  }
}
