package io.linkpoints.pos;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.Account;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Transfer;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Tier perks at the till, figures worked out by hand: the alliance's multiplier paid by the
 * alliance fund, the shop's own paid by the shop, both itemised with who pays; the month's
 * statements with the fund as an issuer; refunds taking perks back to whoever paid them (and a
 * debt from a spent fund perk recovered to the fund); one set of perks for one sale sent eight
 * times at once; the tier-only coupon; and nothing extra without a tier or without perks. Every
 * shop earns 1 point per yuan, rounded down; a point is worth 1 fen. Tiers: 银卡 Silver from 50
 * points, 金卡 Gold from 100 points (alliance ×1.25); the café gives Silver ×1.1, which holds for
 * Gold too. Ledger invariants after each test.
 */
class TierPerksAtTheTillTest extends TillTestBase {
  TierPerksAtTheTillTest() {
    super("perks", 8);
  }

  /** Silver from 50 points, Gold from 100; the alliance's multiplier for Gold ({@code goldPermille}, null: none). */
  private static void tiers(PosWorld w, Integer goldPermille) {
    JsonObject gold = new JsonObject().put("nameZh", "金卡").put("nameEn", "Gold").put("threshold", 100);
    if (goldPermille != null) {
      gold.put("allianceMultiplierPermille", goldPermille);
    }
    expect(200, w.api.send(HttpMethod.PUT, "/v1/alliances/" + w.allianceId + "/tiers", w.adminToken,
        new JsonObject().put("basis", "points_earned").put("windowDays", 90).put("graceDays", 14)
            .put("levels", new JsonArray().add(new JsonObject().put("nameZh", "银卡").put("nameEn", "Silver")
                .put("threshold", 50)).add(gold))));
  }

  private static JsonObject perks(PosWorld w, Till till, JsonArray levels) {
    return expect(200, w.api.send(HttpMethod.PUT, w.shopPath(till) + "/tier-perks", till.ownerToken(),
        new JsonObject().put("levels", levels)));
  }

  private static JsonObject silverTimes(int permille) {
    return new JsonObject().put("level", 1).put("multiplierPermille", permille);
  }

  /** A member who reaches Gold with a 100-yuan sale at {@code at} (no tier before it: no perks on it). */
  private static Person gold(PosWorld w, Till at) {
    Person member = w.member();
    JsonObject first = w.accrue(at, member, 10_000);
    assertEquals(100, first.getLong("points"), "no tier before the first sale: base only");
    assertEquals(1, first.getJsonArray("earned").size());
    assertEquals(2, first.getJsonObject("tier").getInteger("id"), "100 points: Gold after the sale");
    return member;
  }

  /** The answer's item from {@code source}, or null. */
  private static JsonObject item(JsonObject accrued, String source) {
    for (Object o : accrued.getJsonArray("earned")) {
      JsonObject item = (JsonObject) o;
      if (item.getString("source").equals(source)) {
        return item;
      }
    }
    return null;
  }

  private long fundAccount(PosWorld w) {
    return await(api.app.ledger().openAccount(w.allianceId, AccountKind.ALLIANCE_FUND_ISSUANCE, 0)).id();
  }

  private long issuance(PosWorld w, Till till) {
    return await(api.app.ledger().accountOf(w.allianceId, AccountKind.MERCHANT_ISSUANCE, till.shopId())).orElseThrow().id();
  }

  /** What an issuance account has given out net: debits less credits (reversals and recoveries come back). */
  private long issuedNet(PosWorld w, long accountId) {
    Account a = await(api.app.ledger().account(w.allianceId, accountId)).orElseThrow();
    return a.debitsPosted() - a.creditsPosted();
  }

  private Transfer transfer(PosWorld w, JsonObject item) {
    return await(api.app.ledger().transferById(w.allianceId, UUID.fromString(item.getString("transferId")))).orElseThrow();
  }

  private long tierRows(PosWorld w) {
    return api.count("/* test */ select count(*) from pos_accrual where alliance_id = " + w.allianceId
        + " and bonus_kind in ('tier_alliance', 'tier_shop')");
  }

  @Test
  void aGoldMembersSaleAtTheCafeEarnsBothPerksFromTheirPayersAndTheMonthSettles() {
    // The last hour of December in Shanghai, so the month can be run.
    PosWorld w = world(Instant.parse("2026-12-31T15:00:00Z"));
    Till cafe = w.shop("Café");
    Till books = w.shop("Books");
    tiers(w, 1250);
    perks(w, cafe, new JsonArray().add(silverTimes(1100)));
    Person member = gold(w, books);
    // The till's quote for this member names both perks already.
    JsonObject quoted = expect(200, w.pos(cafe, "quote", null, new JsonObject().put("spendFen", 3850)
        .put("memberHandle", member.handle())));
    assertEquals(38 + 9 + 3, quoted.getLong("points"));

    // 38.50 yuan at the café: base floor(38.5) = 38; Gold's alliance ×1.25 adds
    // floor(3850 × 1 × 250 / 100 000) = floor(9.625) = 9 (the fund); the café's Silver ×1.1, held
    // by Gold too, adds floor(3850 × 1 × 100 / 100 000) = floor(3.85) = 3 (the café). 50 in all.
    JsonObject sale = w.accrue(cafe, member, 3850);
    assertEquals(50, sale.getLong("points"));
    assertEquals(38, sale.getLong("basePoints"));
    JsonArray earned = sale.getJsonArray("earned");
    assertEquals(List.of("base", "tier_alliance", "tier_shop"),
        earned.stream().map(o -> ((JsonObject) o).getString("source")).toList());
    JsonObject base = item(sale, "base");
    assertEquals("shop", base.getString("paidBy"));
    assertEquals(cafe.shopId(), base.getLong("paidByShopId"));
    JsonObject alliance = item(sale, "tier_alliance");
    assertEquals(9, alliance.getLong("points"));
    assertEquals("alliance_fund", alliance.getString("paidBy"));
    assertTrue(alliance.containsKey("paidByShopId") && alliance.getValue("paidByShopId") == null, alliance.encode());
    assertEquals(2, alliance.getInteger("tierLevel"));
    JsonObject shop = item(sale, "tier_shop");
    assertEquals(3, shop.getLong("points"));
    assertEquals("shop", shop.getString("paidBy"));
    assertEquals(cafe.shopId(), shop.getLong("paidByShopId"));
    assertEquals(2, shop.getInteger("tierLevel"));
    // Each perk is a transfer of its own from its payer's issuance account.
    Transfer fromFund = transfer(w, alliance);
    assertEquals(fundAccount(w), fromFund.debitAccountId());
    assertEquals(w.walletId(member), fromFund.creditAccountId());
    assertEquals(9, fromFund.amount());
    assertEquals(Bonuses.TIER_ALLIANCE_CODE, fromFund.code());
    Transfer fromCafe = transfer(w, shop);
    assertEquals(issuance(w, cafe), fromCafe.debitAccountId());
    assertEquals(3, fromCafe.amount());
    assertEquals(Bonuses.TIER_SHOP_CODE, fromCafe.code());
    assertEquals(100 + 50, w.available(member));

    // All 150 points spent at the bookshop: its own 100 cost it nothing, the café's 38 + 3 = 41
    // and the fund's 9 came from others.
    String hold = expect(200, w.pos(books, "reserve", key(), new JsonObject().put("memberCode", w.code(member))
        .put("points", 150))).getString("holdId");
    expect(200, w.pos(books, "commit", key(), new JsonObject().put("holdId", hold)));

    api.clock.set(Instant.parse("2026-12-31T16:01:00Z"));
    String periods = "/v1/alliances/" + w.allianceId + "/settlement/periods";
    String admin = api.staffToken(w.allianceId, w.adminUsername(), "admin-password-1"); // an hour on
    long period = expect(201, api.post(periods, admin, new JsonObject().put("month", "2026-12"))).getLong("id");
    expect(200, api.post(periods + "/" + period + "/run", admin, null));
    JsonObject all = expect(200, api.get(periods + "/" + period + "/statements", admin));
    assertEquals(0L, all.getLong("sumOfNetFen"));
    JsonObject fund = statement(all, 0);
    JsonObject cafeStatement = statement(all, cafe.shopId());
    JsonObject booksStatement = statement(all, books.shopId());
    assertEquals(9, fund.getLong("issuedPoints"), "the fund issued the alliance perk");
    assertEquals(-9, fund.getLong("netFen"), "the fund pays the bookshop for its 9 points spent there");
    assertEquals(38 + 3, cafeStatement.getLong("issuedPoints"), "38 base + 3 café perk");
    assertEquals(-41, cafeStatement.getLong("netFen"));
    assertEquals(100, booksStatement.getLong("issuedPoints"));
    assertEquals(41 + 9, booksStatement.getLong("netFen"), "the café's 41 and the fund's 9 accepted at the bookshop");
    assertTrue(expect(200, api.get(periods + "/" + period + "/reconciliation", admin)).getBoolean("ok"));
  }

  private static JsonObject statement(JsonObject all, long party) {
    for (Object o : all.getJsonArray("statements")) {
      JsonObject s = (JsonObject) o;
      if (s.getLong("partyId") == party) {
        return s;
      }
    }
    throw new AssertionError("no statement of party " + party + ": " + all.encodePrettily());
  }

  @Test
  void aRefundTakesThePerksBackInProportionToTheirPayersAndASpentFundPerkIsOwedToTheFund() {
    PosWorld w = world(Instant.parse("2026-12-14T02:00:00Z"));
    Till cafe = w.shop("Café");
    Till books = w.shop("Books");
    tiers(w, 1250);
    perks(w, cafe, new JsonArray().add(silverTimes(1100)));
    Person member = gold(w, books);
    long fund = fundAccount(w);
    long cafeIssuance = issuance(w, cafe);
    // 100 yuan at the café: base 100; alliance 10 000 × 250 / 100 000 = 25; café 10 000 × 100 / 100 000 = 10.
    JsonObject sale = w.accrue(cafe, member, 10_000);
    assertEquals(135, sale.getLong("points"));
    assertEquals(25, issuedNet(w, fund));
    assertEquals(110, issuedNet(w, cafeIssuance));
    String accrualId = sale.getString("accrualId");
    // 40 yuan back: floor(100 × 0.4) = 40 base, floor(25 × 0.4) = 10 to the fund, floor(10 × 0.4) = 4 to the café.
    JsonObject part = expect(200, w.pos(cafe, "refund", key(), new JsonObject().put("accrualId", accrualId)
        .put("refundFen", 4000)));
    assertEquals(54, part.getLong("pointsDue"));
    assertEquals(14, part.getLong("bonusPointsDue"));
    assertEquals(54, part.getLong("pointsReversed"));
    assertEquals(25 - 10, issuedNet(w, fund), "the fund's 10 came back to the fund");
    assertEquals(110 - 40 - 4, issuedNet(w, cafeIssuance));
    assertEquals(100 + 135 - 54, w.available(member));

    // The member spends everything (181), then the other 60 yuan come back: 60 base, 25 - 10 = 15
    // fund, 10 - 4 = 6 café are due, none is there: 81 owed.
    String hold = expect(200, w.pos(books, "reserve", key(), new JsonObject().put("memberCode", w.code(member))
        .put("points", 181))).getString("holdId");
    expect(200, w.pos(books, "commit", key(), new JsonObject().put("holdId", hold)));
    JsonObject rest = expect(200, w.pos(cafe, "refund", key(), new JsonObject().put("accrualId", accrualId)
        .put("refundFen", 6000)));
    assertEquals(81, rest.getLong("pointsDue"));
    assertEquals(81, rest.getLong("shortfallPoints"));
    assertEquals(15, issuedNet(w, fund), "nothing came back yet");
    // The next sale (100 yuan again, still Gold: 135) pays the 81 back, each part to its payer: the
    // fund gets its 15, the café 60 + 6.
    JsonObject next = w.accrue(cafe, member, 10_000);
    assertEquals(135, next.getLong("points"));
    assertEquals(81, next.getLong("recoveredPoints"));
    assertEquals(15 - 15 + 25, issuedNet(w, fund));
    assertEquals(66 - 66 + 110, issuedNet(w, cafeIssuance));
    assertEquals(135 - 81, w.available(member));
  }

  @Test
  void theSameSaleSentEightTimesAtOnceEarnsOneSetOfPerks() throws Exception {
    PosWorld w = world(Instant.parse("2026-12-15T02:00:00Z"));
    Till cafe = w.shop("Café");
    Till books = w.shop("Books");
    tiers(w, 1250);
    perks(w, cafe, new JsonArray().add(silverTimes(1100)));
    for (int m = 0; m < 3; m++) {
      Person member = gold(w, books);
      long before = tierRows(w);
      String key = key();
      JsonObject body = new JsonObject().put("memberCode", w.code(member)).put("spendFen", 10_000);
      List<Future<JsonObject>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Callable<JsonObject> sale = () -> expect(200, w.pos(cafe, "accrue", key, body));
        calls.add(tills.submit(sale));
      }
      Set<String> transfers = new HashSet<>();
      for (Future<JsonObject> call : calls) {
        JsonObject accrued = call.get();
        // 100 base + 25 alliance + 10 café, as worked out above.
        assertEquals(135, accrued.getLong("points"), accrued.encode());
        transfers.add(item(accrued, "tier_alliance").getString("transferId"));
        transfers.add(item(accrued, "tier_shop").getString("transferId"));
      }
      assertEquals(2, transfers.size(), "every answer names the same two perk transfers");
      assertEquals(before + 2, tierRows(w), "one row per perk for member " + m);
      assertEquals(100 + 135, w.available(member), "member " + m);
      assertEquals(2, api.count("/* test */ select count(*) from ledger_transfer where alliance_id = " + w.allianceId
          + " and credit_account_id = " + w.walletId(member) + " and code in ('pos_tier_alliance', 'pos_tier_shop')"));
    }
  }

  @Test
  void aTierOnlyCouponIsRefusedBelowItsLevelAndGrantedAtIt() {
    PosWorld w = world(Instant.parse("2026-12-16T02:00:00Z"));
    Till cafe = w.shop("Café");
    Till books = w.shop("Books");
    tiers(w, null);
    String campaigns = w.shopPath(cafe) + "/campaigns";
    long campaign = expect(201, api.post(campaigns, cafe.ownerToken(), new JsonObject().put("name", "Gold cake")
        .put("benefit", new JsonObject().put("kind", "gift").put("giftName", "a cake").put("valueFen", 800))
        .put("validFrom", api.clock.instant().minus(Duration.ofHours(1)).toString())
        .put("validUntil", api.clock.instant().plus(Duration.ofDays(30)).toString())
        .put("inventory", 10).put("perMemberLimit", 2).put("shopCodes", true).put("autoIssueMinSpendFen", 0)
        .put("marketPricePoints", 5))).getLong("id");
    // The bookshop cannot make the café's campaign its perk.
    assertEquals("campaign_not_found", problemCode(api.send(HttpMethod.PUT, w.shopPath(books) + "/tier-perks",
        books.ownerToken(), new JsonObject().put("levels", new JsonArray().add(new JsonObject().put("level", 2)
            .put("couponCampaignId", campaign))))));
    JsonObject set = perks(w, cafe, new JsonArray().add(new JsonObject().put("level", 2).put("couponCampaignId", campaign)));
    assertEquals(campaign, set.getJsonArray("levels").getJsonObject(0).getLong("couponCampaignId"));
    assertNull(set.getJsonArray("levels").getJsonObject(0).getValue("multiplierPermille"));

    // Below Gold: a shop code is refused with tier_required and changes nothing; a purchase issues none.
    Person silver = w.member();
    w.accrue(books, silver, 6000); // 60 points: Silver
    String code = expect(201, api.post(campaigns + "/" + campaign + "/claim-codes", cafe.ownerToken(), null))
        .getString("code");
    var refused = api.post("/v1/members/me/coupons/claim", silver.token(), new JsonObject().put("code", code));
    assertEquals(403, refused.statusCode());
    assertEquals("tier_required", problemCode(refused));
    // In the market too: refused, and the 5 points it held for the exchange are back.
    long before = w.available(silver);
    var exchange = api.send(HttpMethod.POST, "/v1/members/me/coupon-market/exchange", silver.token(),
        new JsonObject().put("campaignId", campaign), java.util.Map.of("Idempotency-Key", "silver-cake"));
    assertEquals("tier_required", problemCode(exchange));
    assertEquals(before, w.available(silver));
    JsonObject offer = expect(200, api.get("/v1/members/me/coupon-market", silver.token())).getJsonArray("items")
        .getJsonObject(0);
    assertEquals(2, offer.getInteger("minTierLevel"), "the market says the offer is for Gold");
    JsonObject purchase = expect(200, w.pos(cafe, "accrue", key(), new JsonObject().put("memberCode", w.code(silver))
        .put("spendFen", 1000).put("orderRef", "order-silver")));
    assertEquals(0, purchase.getJsonArray("couponsIssued").size());
    assertEquals(0, api.count("/* test */ select issued from coupon_campaign where alliance_id = " + w.allianceId
        + " and id = " + campaign));

    // At Gold: the same code is granted, and a purchase issues one.
    Person gold = gold(w, books);
    JsonObject granted = expect(201, api.post("/v1/members/me/coupons/claim", gold.token(),
        new JsonObject().put("code", code)));
    assertEquals(campaign, granted.getLong("campaignId"));
    JsonObject goldPurchase = expect(200, w.pos(cafe, "accrue", key(), new JsonObject().put("memberCode", w.code(gold))
        .put("spendFen", 1000).put("orderRef", "order-gold")));
    assertEquals(1, goldPurchase.getJsonArray("couponsIssued").size());

    // The wallet's tier card lists the perk; the silver member's lists none of the café's.
    JsonObject card = expect(200, api.get("/v1/members/me/tier", gold.token()));
    JsonObject cafePerks = card.getJsonObject("perks").getJsonArray("shops").getJsonObject(0);
    assertEquals(cafe.shopId(), cafePerks.getLong("shopId"));
    assertEquals(campaign, cafePerks.getJsonArray("coupons").getJsonObject(0).getLong("campaignId"));
    assertEquals(0, expect(200, api.get("/v1/members/me/tier", silver.token())).getJsonObject("perks")
        .getJsonArray("shops").size());
    // Perks replaced without the coupon: the campaign is open to everyone again.
    perks(w, cafe, new JsonArray());
    expect(200, w.pos(cafe, "accrue", key(), new JsonObject().put("memberCode", w.code(silver))
        .put("spendFen", 1000).put("orderRef", "order-silver-2")));
    assertEquals(1 + 1 + 1, api.count("/* test */ select issued from coupon_campaign where alliance_id = " + w.allianceId
        + " and id = " + campaign), "the gold member's code and purchase, the silver member's purchase");
  }

  @Test
  void withoutATierOrWithoutPerksASaleIsAsBeforeAndBonusesDoNotRun() {
    PosWorld w = world(Instant.parse("2026-12-17T02:00:00Z"));
    Till cafe = w.shop("Café");
    Till books = w.shop("Books");
    tiers(w, null);
    // Tiers without perks: a Gold member's sale is base only, and Bonuses never ran for it.
    Person member = gold(w, books);
    JsonObject sale = w.accrue(cafe, member, 3850);
    assertEquals(38, sale.getLong("points"));
    assertEquals(1, sale.getJsonArray("earned").size());
    assertEquals(0, tierRows(w));
    assertEquals(0, api.count("/* test */ select count(*) from pos_accrual where alliance_id = " + w.allianceId
        + " and bonuses_decided_at is not null"), "no sale asked Bonuses");
    // Perks at the café, but a member without a tier: base only, still no bonus rows.
    tiers(w, 1250);
    perks(w, cafe, new JsonArray().add(silverTimes(1100)));
    Person newcomer = w.member();
    JsonObject first = w.accrue(cafe, newcomer, 3850);
    assertEquals(38, first.getLong("points"));
    assertEquals(1, first.getJsonArray("earned").size());
    assertEquals(0, tierRows(w));
    // The perks set, the Gold member's next sale has them: 38 + 9 + 3, as worked out above.
    assertEquals(50, w.accrue(cafe, member, 3850).getLong("points"));
    assertEquals(2, tierRows(w));
  }

  @Test
  void perksAreNeitherCutNorCountedByTheDailyCap() {
    PosWorld w = world(Instant.parse("2026-12-19T02:00:00Z"));
    Till cafe = w.shop("Café");
    Till books = w.shop("Books");
    tiers(w, 1250);
    perks(w, cafe, new JsonArray().add(silverTimes(1100)));
    expect(200, api.send(HttpMethod.PUT, w.shopPath(cafe) + "/earn-rule", cafe.ownerToken(),
        new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor").put("dailyCapPoints", 70)));
    Person member = gold(w, books);
    // ¥38.50 twice at the café, capped at 70 a day: 38 + 9 + 3 first; then the room left is 70 − 38 = 32
    // (the café's 3 perk points do not count, nor the fund's 9), and both perks are paid whole.
    JsonObject first = w.accrue(cafe, member, 3850);
    assertEquals(38 + 9 + 3, first.getLong("points"));
    JsonObject second = w.accrue(cafe, member, 3850);
    assertEquals(32, second.getLong("basePoints"));
    assertEquals("shop_daily_cap", second.getString("limitedBy"));
    assertEquals(32 + 9 + 3, second.getLong("points"));
    JsonObject third = w.accrue(cafe, member, 3850);
    assertEquals(0, third.getLong("basePoints"));
    assertEquals(9 + 3, third.getLong("points"));
  }

  @Test
  void aSpendBasisCountsASalesSpendOnceNotAgainOnItsPerkRows() {
    PosWorld w = world(Instant.parse("2026-12-20T02:00:00Z"));
    Till cafe = w.shop("Café");
    expect(200, w.api.send(HttpMethod.PUT, "/v1/alliances/" + w.allianceId + "/tiers", w.adminToken,
        new JsonObject().put("basis", "spend_fen").put("windowDays", 90).put("graceDays", 14)
            .put("levels", new JsonArray().add(new JsonObject().put("nameZh", "银卡").put("nameEn", "Silver")
                .put("threshold", 5000).put("allianceMultiplierPermille", 1500)))));
    perks(w, cafe, new JsonArray().add(silverTimes(1100)));
    Person member = w.member();
    assertEquals(60, w.accrue(cafe, member, 6000).getLong("points"), "¥60: Silver after the sale");
    // ¥10 more as Silver: 10 + 10 × 0.5 = 5 (fund) + 10 × 0.1 = 1 (café); two perk rows that repeat the ¥10.
    assertEquals(16, w.accrue(cafe, member, 1000).getLong("points"));
    JsonObject card = expect(200, api.get("/v1/members/me/tier", member.token()));
    assertEquals(6000 + 1000, card.getJsonObject("figures").getLong("spendFen"), "each sale's spend once");
    assertEquals(1500, card.getJsonObject("perks").getInteger("allianceMultiplierPermille"));
    assertEquals(1100, card.getJsonObject("perks").getJsonArray("shops").getJsonObject(0).getInteger("multiplierPermille"));
  }

  @Test
  void perksAreTheShopsOwnAndTheirBoundsAreChecked() {
    PosWorld w = world(Instant.parse("2026-12-18T02:00:00Z"));
    Till cafe = w.shop("Café");
    Till books = w.shop("Books");
    String path = w.shopPath(cafe) + "/tier-perks";
    JsonObject silver = new JsonObject().put("levels", new JsonArray().add(silverTimes(1100)));
    assertEquals("tiers_not_defined", problemCode(api.send(HttpMethod.PUT, path, cafe.ownerToken(), silver)));
    tiers(w, null);
    assertEquals(0, expect(200, api.get(path, cafe.ownerToken())).getJsonArray("levels").size());
    var other = api.send(HttpMethod.PUT, path, books.ownerToken(), silver);
    assertEquals(403, other.statusCode());
    assertEquals("not_your_shop", problemCode(other));
    assertEquals("invalid_tier_perks", problemCode(api.send(HttpMethod.PUT, path, cafe.ownerToken(),
        new JsonObject().put("levels", new JsonArray().add(new JsonObject().put("level", 3).put("multiplierPermille", 1100))))));
    assertEquals("invalid_tier_perks", problemCode(api.send(HttpMethod.PUT, path, cafe.ownerToken(),
        new JsonObject().put("levels", new JsonArray().add(silverTimes(1100)).add(silverTimes(1200))))));
    assertEquals("validation_failed", problemCode(api.send(HttpMethod.PUT, path, cafe.ownerToken(),
        new JsonObject().put("levels", new JsonArray().add(silverTimes(1000))))));
    assertEquals("validation_failed", problemCode(api.send(HttpMethod.PUT, "/v1/alliances/" + w.allianceId + "/tiers",
        w.adminToken, new JsonObject().put("basis", "points_earned").put("windowDays", 90).put("graceDays", 0)
            .put("levels", new JsonArray().add(new JsonObject().put("nameZh", "金").put("nameEn", "Gold")
                .put("threshold", 0).put("allianceMultiplierPermille", 10_001))))));
    assertEquals(0, expect(200, api.get(path, cafe.ownerToken())).getJsonArray("levels").size(), "refusals change nothing");
    JsonObject set = perks(w, cafe, silver.getJsonArray("levels"));
    assertEquals(1100, set.getJsonArray("levels").getJsonObject(0).getInteger("multiplierPermille"));
    assertEquals(set, expect(200, api.get(path, cafe.ownerToken())));
    JsonObject defined = expect(200, api.get("/v1/alliances/" + w.allianceId + "/tiers", w.adminToken));
    assertNull(defined.getJsonArray("levels").getJsonObject(1).getValue("allianceMultiplierPermille"));
  }
}
