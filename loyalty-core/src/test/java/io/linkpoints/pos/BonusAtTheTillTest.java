package io.linkpoints.pos;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.linkpoints.testing.TillTestBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Promotions and the new-customer bounty through the till, with figures worked out by hand: the
 * window's edges in the alliance's zone (Shanghai, and Berlin on its spring DST change), the bounty
 * on the first purchase only and once under two first purchases at once, the answer itemised with
 * who pays, each bonus a transfer from the shop's issuance account, refunds taking bonuses back in
 * proportion (also when they were spent: then owed and recovered), bonuses outside the daily caps,
 * and the settlement statement counting them as the shop's issue. Every shop earns 1 point per
 * yuan, rounded down. The ledger's invariants are checked after each test.
 */
class BonusAtTheTillTest extends TillTestBase {
  BonusAtTheTillTest() {
    super("bonus", 2);
  }

  private static JsonObject promotion(PosWorld w, Till till, JsonObject body) {
    return expect(201, w.api.post(w.shopPath(till) + "/promotions", till.ownerToken(), body));
  }

  private static JsonObject allDecember(String name, long bonusPoints) {
    return new JsonObject().put("name", name).put("kind", "bonus").put("bonusPoints", bonusPoints)
        .put("startsOn", "2026-12-01").put("endsOn", "2026-12-31");
  }

  private static void bounty(PosWorld w, Till till, long points, long minSpendFen) {
    expect(200, w.api.send(HttpMethod.PUT, w.shopPath(till) + "/bounty", till.ownerToken(),
        new JsonObject().put("points", points).put("minSpendFen", minSpendFen)));
  }

  /** The points of the answer's item from {@code source} (0: none), checking who pays it. */
  private static long item(JsonObject accrued, String source, Till payer) {
    long points = 0;
    for (Object o : accrued.getJsonArray("earned")) {
      JsonObject item = (JsonObject) o;
      if (item.getString("source").equals(source)) {
        assertEquals(payer.shopId(), item.getLong("paidByShopId"), "the shop pays its own " + source);
        points += item.getLong("points");
      }
    }
    return points;
  }

  private Till freshToken(Till till) {
    String token = expect(200, api.post("/v1/terminals/token", null,
        new JsonObject().put("deviceSecret", till.deviceSecret()))).getString("accessToken");
    return new Till(till.shopId(), till.ownerToken(), till.terminalId(), token, till.deviceSecret());
  }

  @Test
  void aShanghaiWindowPaysFromItsFirstMinuteToTheMinuteBeforeItsEnd() {
    // Monday 2026-12-07, 13:59 in Shanghai (05:59Z). Double points on Mondays 14:00-14:03.
    PosWorld w = world(Instant.parse("2026-12-07T05:59:00Z"));
    Till tea = w.shop("Tea house");
    Person member = w.member();
    long promotionId = promotion(w, tea, new JsonObject().put("name", "Double at two").put("kind", "multiplier")
        .put("multiplierPermille", 2000).put("weekdays", new JsonArray().add(1)).put("windowStart", "14:00")
        .put("windowEnd", "14:03").put("startsOn", "2026-12-07").put("endsOn", "2026-12-07")).getLong("id");
    // 38.50 yuan: 38 base points; double adds 38 more.
    long[] expected = {38, 76, 76, 38};
    Instant[] at = {Instant.parse("2026-12-07T05:59:00Z"), Instant.parse("2026-12-07T06:00:00Z"),
        Instant.parse("2026-12-07T06:02:00Z"), Instant.parse("2026-12-07T06:03:00Z")};
    JsonObject inWindow = null;
    for (int i = 0; i < at.length; i++) {
      api.clock.set(at[i]);
      JsonObject accrued = w.accrue(tea, member, 3850);
      assertEquals(expected[i], accrued.getLong("points"), "the sale at " + at[i]);
      assertEquals(38, accrued.getLong("basePoints"));
      assertEquals(38, item(accrued, "base", tea));
      assertEquals(expected[i] - 38, item(accrued, "promotion", tea), "the sale at " + at[i]);
      if (i == 1) {
        inWindow = accrued;
      }
    }
    assertEquals(38 + 76 + 76 + 38, w.available(member));
    // The promotion's points are a transfer of their own from the tea house's issuance account.
    JsonObject promo = inWindow.getJsonArray("earned").getJsonObject(1);
    assertEquals(promotionId, promo.getLong("promotionId"));
    assertEquals("Double at two", promo.getString("promotionName"));
    Transfer t = await(api.app.ledger().transferById(w.allianceId, UUID.fromString(promo.getString("transferId"))))
        .orElseThrow();
    long issuance = await(api.app.ledger().accountOf(w.allianceId, AccountKind.MERCHANT_ISSUANCE, tea.shopId()))
        .orElseThrow().id();
    assertEquals(issuance, t.debitAccountId());
    assertEquals(w.walletId(member), t.creditAccountId());
    assertEquals(38, t.amount());
    assertEquals(Bonuses.PROMOTION_CODE, t.code());
    assertEquals(promotionId, t.metadata().getLong("promotionId"));
  }

  @Test
  void aBerlinWindowFollowsTheWallClockOnTheSpringChangeDay() {
    // Sunday 2026-03-29: at 01:00Z Berlin goes from 02:00 CET to 03:00 CEST. A 03:00-04:00 window
    // is 01:00Z-02:00Z (a fixed +01:00 would pay 02:00Z-03:00Z instead).
    PosWorld w = world(Instant.parse("2026-03-29T00:59:00Z"));
    expect(200, api.send(HttpMethod.PATCH, "/v1/alliances/" + w.allianceId, w.adminToken,
        new JsonObject().put("timeZone", "Europe/Berlin")));
    Till bakery = w.shop("Bäckerei");
    Person member = w.member();
    promotion(w, bakery, new JsonObject().put("name", "Early bird").put("kind", "bonus").put("bonusPoints", 25)
        .put("windowStart", "03:00").put("windowEnd", "04:00").put("startsOn", "2026-03-29").put("endsOn", "2026-03-29"));
    String[] at = {"2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:59:00Z", "2026-03-29T02:00:00Z"};
    long[] bonus = {0, 25, 25, 0};
    for (int i = 0; i < at.length; i++) {
      api.clock.set(Instant.parse(at[i]));
      bakery = freshToken(bakery); // an hour passes: the till renews its 15-minute token
      JsonObject accrued = w.accrue(bakery, member, 1000);
      assertEquals(10 + bonus[i], accrued.getLong("points"), "the sale at " + at[i]);
      assertEquals(bonus[i], item(accrued, "promotion", bakery), "the sale at " + at[i]);
    }
  }

  @Test
  void theBountyIsPaidOnTheFirstPurchaseAtThatShopOnly() {
    PosWorld w = world(Instant.parse("2026-12-08T02:00:00Z"));
    Till cafe = w.shop("Café");
    Till books = w.shop("Books");
    bounty(w, cafe, 200, 1000);
    Person newcomer = w.member();
    // The till's quote names the bounty for a member who never bought here, and none without a member.
    JsonObject quoted = quote(w, cafe, 3000, newcomer.handle());
    assertEquals(230, quoted.getLong("points"));
    assertEquals(30, quoted.getLong("basePoints"));
    assertEquals(200, item(quoted, "bounty", cafe));
    assertEquals(30, quote(w, cafe, 3000, null).getLong("points"));
    JsonObject first = w.accrue(cafe, newcomer, 3000);
    assertEquals(30 + 200, first.getLong("points"));
    assertEquals(200, item(first, "bounty", cafe));
    assertEquals(30, quote(w, cafe, 3000, newcomer.handle()).getLong("points"));
    JsonObject second = w.accrue(cafe, newcomer, 3000);
    assertEquals(30, second.getLong("points"));
    assertEquals(0, item(second, "bounty", cafe));
    // A purchase at another shop is not one at the café; a first purchase under the minimum spend
    // earns no bounty, and the purchases after it are not first ones.
    Person browser = w.member();
    assertEquals(0, item(w.accrue(books, browser, 5000), "bounty", books));
    JsonObject small = w.accrue(cafe, browser, 999);
    assertEquals(9, small.getLong("points"));
    assertEquals(0, item(small, "bounty", cafe));
    assertEquals(0, item(w.accrue(cafe, browser, 5000), "bounty", cafe));
    assertEquals(230 + 30, w.available(newcomer));
    assertEquals(50 + 9 + 50, w.available(browser));
    assertEquals(1, bounties(w, cafe));
    // The owner turns it off: a new member's first purchase earns none.
    bounty(w, cafe, 0, 0);
    assertEquals(0, item(w.accrue(cafe, w.member(), 3000), "bounty", cafe));
  }

  private static JsonObject quote(PosWorld w, Till till, long spendFen, String handle) {
    JsonObject body = new JsonObject().put("spendFen", spendFen);
    if (handle != null) {
      body.put("memberHandle", handle);
    }
    return expect(200, w.pos(till, "quote", null, body));
  }

  private long bounties(PosWorld w, Till till) {
    return api.count("/* test */ select count(*) from pos_accrual where alliance_id = " + w.allianceId + " and shop_id = "
        + till.shopId() + " and bonus_kind = 'bounty'");
  }

  @Test
  void twoFirstPurchasesAtOnceEarnOneBounty() throws Exception {
    PosWorld w = world(Instant.parse("2026-12-09T02:00:00Z"));
    Till cafe = w.shop("Café");
    Till second = w.terminal(cafe.shopId(), cafe.ownerToken(), "second till");
    bounty(w, cafe, 200, 0);
    int members = 6;
    for (int m = 0; m < members; m++) {
      Person member = w.member();
      List<Future<JsonObject>> calls = new ArrayList<>();
      for (Till till : List.of(cafe, second)) {
        String code = w.code(member);
        Callable<JsonObject> sale = () -> expect(200, w.pos(till, "accrue", key(),
            new JsonObject().put("memberCode", code).put("spendFen", 1000)));
        calls.add(tills.submit(sale));
      }
      long bountyPoints = 0;
      for (Future<JsonObject> call : calls) {
        bountyPoints += item(call.get(), "bounty", cafe);
      }
      assertEquals(200, bountyPoints, "one bounty for member " + m);
      assertEquals(10 + 10 + 200, w.available(member));
    }
    assertEquals(members, bounties(w, cafe));
  }

  @Test
  void theSameSaleSentTwiceAtOnceEarnsItsBonusesOnce() throws Exception {
    PosWorld w = world(Instant.parse("2026-12-09T06:00:00Z"));
    Till cafe = w.shop("Café");
    bounty(w, cafe, 200, 0);
    promotion(w, cafe, allDecember("Fifty more", 50));
    for (int m = 0; m < 4; m++) {
      Person member = w.member();
      String key = key();
      JsonObject body = new JsonObject().put("memberCode", w.code(member)).put("spendFen", 1000);
      List<Future<JsonObject>> calls = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Callable<JsonObject> sale = () -> expect(200, w.pos(cafe, "accrue", key, body));
        calls.add(tills.submit(sale));
      }
      for (Future<JsonObject> call : calls) {
        JsonObject accrued = call.get();
        assertEquals(10 + 50 + 200, accrued.getLong("points"), accrued.encode());
      }
      assertEquals(260, w.available(member), "member " + m);
    }
    assertEquals(4, bounties(w, cafe));
  }

  @Test
  void aRefundTakesBackBaseAndBonusesInProportionAndWhatWasSpentIsOwed() {
    PosWorld w = world(Instant.parse("2026-12-10T02:00:00Z"));
    Till cafe = w.shop("Café");
    bounty(w, cafe, 200, 0);
    promotion(w, cafe, new JsonObject().put("name", "Double December").put("kind", "multiplier")
        .put("multiplierPermille", 2000).put("startsOn", "2026-12-01").put("endsOn", "2026-12-31"));
    Person member = w.member();
    // 38.50 yuan: base 38, double +38, bounty +200.
    JsonObject sale = w.accrue(cafe, member, 3850);
    assertEquals(276, sale.getLong("points"));
    String accrualId = sale.getString("accrualId");
    // Half the money back: floor(38/2) = 19 base, 19 promotion, 100 bounty.
    JsonObject half = expect(200, w.pos(cafe, "refund", key(), new JsonObject().put("accrualId", accrualId)
        .put("refundFen", 1925)));
    assertEquals(138, half.getLong("pointsDue"));
    assertEquals(119, half.getLong("bonusPointsDue"));
    assertEquals(138, half.getLong("pointsReversed"));
    assertEquals(0, half.getLong("shortfallPoints"));
    assertEquals(138, w.available(member));
    // The member spends 130 of the 138, then the rest of the money comes back: 138 due, 8 there.
    String hold = expect(200, w.pos(cafe, "reserve", key(), new JsonObject().put("memberCode", w.code(member))
        .put("points", 130))).getString("holdId");
    expect(200, w.pos(cafe, "commit", key(), new JsonObject().put("holdId", hold)));
    JsonObject rest = expect(200, w.pos(cafe, "refund", key(), new JsonObject().put("accrualId", accrualId)
        .put("refundFen", 1925)));
    assertEquals(138, rest.getLong("pointsDue"));
    assertEquals(119, rest.getLong("bonusPointsDue"));
    assertEquals(8, rest.getLong("pointsReversed"));
    assertEquals(130, rest.getLong("shortfallPoints"));
    assertEquals(0, w.available(member));
    // The next sale (100 yuan: 100 base + 100 double) pays the 130 back to the café first.
    JsonObject next = w.accrue(cafe, member, 10_000);
    assertEquals(200, next.getLong("points"));
    assertEquals(130, next.getLong("recoveredPoints"));
    assertEquals(70, w.available(member));
    // A till cannot refund a bonus on its own: only with its sale.
    String bountyId = sale.getJsonArray("earned").getJsonObject(2).getString("transferId");
    assertEquals("accrual_not_found", ApiFixture.problemCode(w.pos(cafe, "refund", key(),
        new JsonObject().put("accrualId", bountyId).put("refundFen", 1))));
  }

  @Test
  void bonusesAreNeitherCutNorCountedByTheDailyCap() {
    PosWorld w = world(Instant.parse("2026-12-11T02:00:00Z"));
    Till cafe = w.shop("Café");
    expect(200, api.send(HttpMethod.PUT, w.shopPath(cafe) + "/earn-rule", cafe.ownerToken(),
        new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor").put("dailyCapPoints", 70)));
    promotion(w, cafe, allDecember("Fifty more", 50));
    Person member = w.member();
    JsonObject first = w.accrue(cafe, member, 3850);
    assertEquals(38 + 50, first.getLong("points"));
    assertEquals("none", first.getString("limitedBy"));
    // Room left today: 70 - 38 = 32 (the 50 bonus points do not count), and the bonus is paid whole.
    JsonObject second = w.accrue(cafe, member, 3850);
    assertEquals(32, second.getLong("basePoints"));
    assertEquals("shop_daily_cap", second.getString("limitedBy"));
    assertEquals(32 + 50, second.getLong("points"));
    JsonObject third = w.accrue(cafe, member, 3850);
    assertEquals(0, third.getLong("basePoints"));
    assertEquals(50, third.getLong("points"));
  }

  @Test
  void anEndedPromotionPaysNoMoreAndTheAnswerSaysSo() {
    PosWorld w = world(Instant.parse("2026-12-12T02:00:00Z"));
    Till cafe = w.shop("Café");
    long id = promotion(w, cafe, allDecember("Fifty more", 50)).getLong("id");
    Person member = w.member();
    JsonObject quoted = quote(w, cafe, 1000, null);
    assertEquals(10 + 50, quoted.getLong("points"));
    assertEquals(id, quoted.getJsonArray("earned").getJsonObject(1).getLong("promotionId"));
    assertEquals(50, item(w.accrue(cafe, member, 1000), "promotion", cafe));
    JsonObject ended = expect(200, api.post(w.shopPath(cafe) + "/promotions/" + id + "/end", cafe.ownerToken(), null));
    assertEquals("ended", ended.getString("status"));
    api.clock.advance(Duration.ofSeconds(1));
    assertEquals(0, item(w.accrue(cafe, member, 1000), "promotion", cafe));
    assertEquals(10, quote(w, cafe, 1000, null).getLong("points"));
  }

  @Test
  void theSettlementStatementCountsBonusesAsTheShopsIssue() {
    // The last minutes of December in Shanghai, so the month can be run.
    PosWorld w = world(Instant.parse("2026-12-31T15:50:00Z"));
    Till cafe = w.shop("Café");
    Till books = w.shop("Books");
    bounty(w, cafe, 200, 0);
    promotion(w, cafe, allDecember("Fifty more", 50));
    Person member = w.member();
    assertEquals(38 + 50 + 200, w.accrue(cafe, member, 3850).getLong("points"));
    // 100 of them spent at the bookshop: the café owes it 100 fen (1 fen a point).
    String hold = expect(200, w.pos(books, "reserve", key(), new JsonObject().put("memberCode", w.code(member))
        .put("points", 100))).getString("holdId");
    expect(200, w.pos(books, "commit", key(), new JsonObject().put("holdId", hold)));
    api.clock.set(Instant.parse("2026-12-31T16:01:00Z"));
    String base = "/v1/alliances/" + w.allianceId + "/settlement/periods";
    String admin = api.staffToken(w.allianceId, w.adminUsername(), "admin-password-1");
    long period = expect(201, api.post(base, admin, new JsonObject().put("month", "2026-12"))).getLong("id");
    expect(200, api.post(base + "/" + period + "/run", admin, null));
    JsonObject all = expect(200, api.get(base + "/" + period + "/statements", admin));
    assertEquals(0L, all.getLong("sumOfNetFen"));
    JsonObject cafeStatement = null;
    for (Object o : all.getJsonArray("statements")) {
      JsonObject s = (JsonObject) o;
      if (s.getLong("partyId") == cafe.shopId()) {
        cafeStatement = s;
      }
    }
    assertTrue(cafeStatement != null, all.encodePrettily());
    assertEquals(288, cafeStatement.getLong("issuedPoints"), "38 base + 50 promotion + 200 bounty");
    assertEquals(-100, cafeStatement.getLong("netFen"), "the café pays for the 100 points spent at the bookshop");
    assertTrue(expect(200, api.get(base + "/" + period + "/reconciliation", admin)).getBoolean("ok"));
  }
}
