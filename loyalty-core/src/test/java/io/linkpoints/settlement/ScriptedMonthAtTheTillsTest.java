package io.linkpoints.settlement;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * December 2026 in Shanghai at three shops' tills, everything issue 16 adds at once, through the
 * API: a welcome reward paid by the alliance fund, tiers with the fund's Gold perk and the café's
 * own perk, the café's promotion, the bookshop's new-customer bounty, a stamp passport completed
 * and rewarded by a split between the fund and two shops, a refund taking a sale's bonuses back,
 * and redemptions at other shops. The month's statements are worked out by hand below, at 1 fen a
 * point, and must sum to zero and reconcile.
 *
 * <p>Shops: café A (promotion: 20 bonus points on every December sale; Silver and up ×1.1, paid by
 * A), bookshop B (bounty: 30 points on a member's first purchase there), bakery C. All earn 1 point
 * a yuan, rounded down. Tiers on points earned over 90 days: Silver from 50, Gold from 150 (the
 * fund's ×1.5). Passport over A, B, C: 3 stamps of at least ¥20, 120 points, the fund 50%, A 25%,
 * B 25%, C 0%. Welcome: 10 points from the fund.
 */
class ScriptedMonthAtTheTillsTest {
  private Vertx vertx;
  private ApiFixture api;
  private PosWorld w;
  private Till a;
  private Till b;
  private Till c;

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

  /** 10:00 in Shanghai on that December day; the tills' tokens (15 minutes) are fetched again. */
  private void day(int dayOfMonth) {
    api.clock.set(Instant.parse(String.format("2026-12-%02dT02:00:00Z", dayOfMonth)));
    a = fresh(a);
    b = fresh(b);
    c = fresh(c);
  }

  private Till fresh(Till t) {
    String token = expect(200, api.post("/v1/terminals/token", null,
        new JsonObject().put("deviceSecret", t.deviceSecret()))).getString("accessToken");
    return new Till(t.shopId(), t.ownerToken(), t.terminalId(), token, t.deviceSecret());
  }

  private String path(String rest) {
    return "/v1/alliances/" + w.allianceId + rest;
  }

  private JsonObject accrue(Till till, Person member, long spendFen) {
    return expect(200, w.pos(till, "accrue", key(), new JsonObject().put("memberCode", w.code(member))
        .put("spendFen", spendFen)));
  }

  private void redeem(Till till, Person member, long points) {
    String hold = expect(200, w.pos(till, "reserve", key(), new JsonObject().put("memberCode", w.code(member))
        .put("points", points))).getString("holdId");
    expect(200, w.pos(till, "commit", key(), new JsonObject().put("holdId", hold)));
  }

  /** The points of the answer's items from {@code source}. */
  private static long item(JsonObject accrued, String source) {
    long points = 0;
    for (Object o : accrued.getJsonArray("earned")) {
      JsonObject item = (JsonObject) o;
      if (item.getString("source").equals(source)) {
        points += item.getLong("points");
      }
    }
    return points;
  }

  @Test
  void aMonthWithTiersAPromotionABountyAPassportAndAWelcomeSettlesAsWorkedOutByHand() {
    api.clock.set(Instant.parse("2026-12-01T02:00:00Z"));
    w = new PosWorld(api, "month16");
    a = w.shop("Café A");
    b = w.shop("Books B");
    c = w.shop("Bakery C");
    for (Till t : new Till[] {a, b, c}) {
      expect(200, api.send(HttpMethod.PUT, path("/shops/" + t.shopId() + "/earn-rule"), t.ownerToken(),
          new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor")));
    }
    expect(200, api.send(HttpMethod.PUT, path("/tiers"), w.adminToken, new JsonObject().put("basis", "points_earned")
        .put("windowDays", 90).put("graceDays", 14).put("levels", new JsonArray()
            .add(new JsonObject().put("nameZh", "银卡").put("nameEn", "Silver").put("threshold", 50))
            .add(new JsonObject().put("nameZh", "金卡").put("nameEn", "Gold").put("threshold", 150)
                .put("allianceMultiplierPermille", 1500)))));
    expect(200, api.send(HttpMethod.PUT, path("/shops/" + a.shopId() + "/tier-perks"), a.ownerToken(),
        new JsonObject().put("levels", new JsonArray().add(new JsonObject().put("level", 1)
            .put("multiplierPermille", 1100)))));
    expect(201, api.post(path("/shops/" + a.shopId() + "/promotions"), a.ownerToken(), new JsonObject()
        .put("name", "December +20").put("kind", "bonus").put("bonusPoints", 20)
        .put("startsOn", "2026-12-01").put("endsOn", "2026-12-31")));
    expect(200, api.send(HttpMethod.PUT, path("/shops/" + b.shopId() + "/bounty"), b.ownerToken(),
        new JsonObject().put("points", 30).put("minSpendFen", 0)));
    long passport = expect(201, api.post(path("/passports"), w.adminToken, new JsonObject()
        .put("nameZh", "街区集章").put("nameEn", "Street stamps")
        .put("shops", new JsonArray().add(new JsonObject().put("shopId", a.shopId()).put("basisPoints", 2500))
            .add(new JsonObject().put("shopId", b.shopId()).put("basisPoints", 2500))
            .add(new JsonObject().put("shopId", c.shopId()).put("basisPoints", 0)))
        .put("fundBasisPoints", 5000).put("stampsRequired", 3).put("minSpendFen", 2000)
        .put("startsOn", "2026-12-01").put("endsOn", "2026-12-31").put("rewardPoints", 120))).getLong("id");
    for (Till t : new Till[] {a, b, c}) {
      expect(200, api.post(path("/shops/" + t.shopId() + "/passports/" + passport + "/consent"), t.ownerToken(), null));
    }
    expect(200, api.send(HttpMethod.PUT, path("/rewards"), w.adminToken,
        new JsonObject().put("welcome", new JsonObject().put("points", 10).put("fundedBy", "alliance_fund"))));

    // Dec 1: Ann and Bob join; each gets the 10-point welcome from the fund. Their phones are bound
    // now, while their tokens are fresh.
    Person ann = w.member();
    Person bob = w.member();
    w.phone(ann);
    w.phone(bob);
    assertEquals(10, w.available(ann));
    assertEquals(10, w.available(bob));

    // Dec 2: Ann, no tier yet, ¥60 at A: base 60 + promotion 20 (A pays both); stamp A (1 of 3).
    // Her 80 points in the window make her Silver.
    day(2);
    JsonObject s1 = accrue(a, ann, 6000);
    assertEquals(80, s1.getLong("points"));
    assertEquals(20, item(s1, "promotion"));
    assertEquals(1, s1.getJsonObject("tier").getInteger("id"), "80 points: Silver");
    // Dec 3: Ann (Silver) ¥45 at B: base 45 + bounty 30 (her first purchase at B; B pays). No
    // perk: B has none and Silver has no alliance perk. Stamp B (2 of 3). 155 points: Gold.
    day(3);
    JsonObject s2 = accrue(b, ann, 4500);
    assertEquals(75, s2.getLong("points"));
    assertEquals(30, item(s2, "bounty"));
    assertEquals(2, s2.getJsonObject("tier").getInteger("id"), "155 points: Gold");
    // Dec 4: Ann (Gold) ¥30 at C: base 30 + the fund's ×1.5, floor(3000 × 1 × 500 / 100 000) = 15.
    // Stamp C completes the card: 120 points, the fund 60, A 30, B 30 (C's share is 0).
    day(4);
    JsonObject s3 = accrue(c, ann, 3000);
    assertEquals(45, s3.getLong("points"));
    assertEquals(15, item(s3, "tier_alliance"));
    assertEquals(10 + 80 + 75 + 45 + 120, w.available(ann));
    assertEquals(1, api.count("/* test */ select count(*) from passport_card where alliance_id = " + w.allianceId
        + " and member_id = " + ann.memberId() + " and completed_at is not null"), "Ann's card is complete");
    // Dec 5: Bob, no tier, ¥100 at A: base 100 + promotion 20 = 120 (A). Silver after.
    day(5);
    assertEquals(120, accrue(a, bob, 10_000).getLong("points"));
    // Dec 6: Bob (Silver) ¥50 at A: base 50 + promotion 20 + A's Silver ×1.1,
    // floor(5000 × 1 × 100 / 100 000) = 5; all A's. 75 points.
    day(6);
    JsonObject s5 = accrue(a, bob, 5000);
    assertEquals(75, s5.getLong("points"));
    assertEquals(5, item(s5, "tier_shop"));
    // Dec 7: half of it back: base floor(50 × 2500 / 5000) = 25, promotion 10, perk floor(2.5) = 2:
    // 37 points back to A, from that sale's own lots. Bob: 10 + 120 + 75 − 37 = 168.
    day(7);
    JsonObject refund = expect(200, w.pos(a, "refund", key(), new JsonObject()
        .put("accrualId", s5.getString("accrualId")).put("refundFen", 2500)));
    assertEquals(37, refund.getLong("pointsDue"));
    assertEquals(12, refund.getLong("bonusPointsDue"));
    assertEquals(168, w.available(bob));

    // Dec 10: Ann spends 165 at B: her lots of Dec 1-3, oldest first (all expire together): the
    // fund's 10, A's 80, B's own 75. The fund owes B 10 fen, A owes B 80; B's own move no money.
    day(10);
    redeem(b, ann, 165);
    // Dec 11: Ann spends the rest, 165, at C: C's own 30, the fund's 15 + 60, A's 30, B's 30. The
    // fund owes C 75, A 30, B 30.
    day(11);
    redeem(c, ann, 165);
    assertEquals(0, w.available(ann));
    // Dec 12: Bob spends 130 at C: the fund's 10 (Dec 1) and A's 120 (Dec 5), whole days of lots.
    day(12);
    redeem(c, bob, 130);
    assertEquals(38, w.available(bob));

    // January 1, 00:30 in Shanghai: the month is over.
    api.clock.set(Instant.parse("2026-12-31T16:30:00Z"));
    String admin = api.staffToken(w.allianceId, "month16-admin", "admin-password-1");
    String periods = path("/settlement/periods");
    long period = expect(201, api.post(periods, admin, new JsonObject().put("month", "2026-12"))).getLong("id");
    expect(200, api.post(periods + "/" + period + "/run", admin, null));
    JsonObject all = expect(200, api.get(periods + "/" + period + "/statements", admin));
    Map<Long, JsonObject> s = new HashMap<>();
    for (Object o : all.getJsonArray("statements")) {
      s.put(((JsonObject) o).getLong("partyId"), (JsonObject) o);
    }
    // Issued (earns less earn reversals):
    //   fund: welcomes 10 + 10, Ann's Gold perk 15, the passport's 60 = 95;
    //   A: Ann 60 + 20, passport 30, Bob 100 + 20, Bob 50 + 20 + 5 − 37 = 268;
    //   B: Ann 45 + 30, passport 30 = 105;   C: Ann 30.
    // Accepted: B 165 (90 from others: the fund's 10, A's 80); C 165 + 130 = 295 (from others:
    //   Ann's fund 75, A 30, B 30; Bob's fund 10, A 120: 265).
    // Redeemed elsewhere: the fund 10 + 75 + 10 = 95; A 80 + 30 + 120 = 230; B 30; C 0.
    // Net: the fund −95, A −230, B 90 − 30 = +60, C +265; sum 0.
    assertFigures("fund", s.get(0L), 95, 0, 0, 95, -95);
    assertFigures("A", s.get(a.shopId()), 268, 0, 0, 230, -230);
    assertFigures("B", s.get(b.shopId()), 105, 165, 90, 30, 60);
    assertFigures("C", s.get(c.shopId()), 30, 295, 265, 0, 265);
    assertEquals(0L, all.getLong("sumOfNetFen"));
    assertTrue(expect(200, api.get(periods + "/" + period + "/reconciliation", admin)).getBoolean("ok"));
  }

  /** At 1 fen a point, points and fen are the same numbers. */
  private static void assertFigures(String who, JsonObject st, long issued, long accepted, long acceptedFromOthersFen,
      long redeemedElsewhereFen, long netFen) {
    assertEquals(issued, st.getLong("issuedPoints"), who + " issuedPoints");
    assertEquals(issued, st.getLong("issuedFen"), who + " issuedFen");
    assertEquals(accepted, st.getLong("acceptedPoints"), who + " acceptedPoints");
    assertEquals(accepted, st.getLong("acceptedFen"), who + " acceptedFen");
    assertEquals(acceptedFromOthersFen, st.getLong("acceptedFromOthersFen"), who + " acceptedFromOthersFen");
    assertEquals(redeemedElsewhereFen, st.getLong("redeemedElsewhereFen"), who + " redeemedElsewhereFen");
    assertEquals(netFen, st.getLong("netFen"), who + " netFen");
  }
}
