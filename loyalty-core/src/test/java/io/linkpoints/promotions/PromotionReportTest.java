package io.linkpoints.promotions;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The owner's "what it cost and brought" report (docs/promotions.md), over a scripted fortnight at
 * a café in Shanghai (UTC+8) with every figure worked out by hand: a promotion window in and out,
 * the bounty, a partial refund of a promoted sale, redemptions (by a new customer, before and after
 * a member's first promoted sale, at another shop, after the range), a sale at another shop and
 * sales just inside and just outside the range's last local day. Every shop earns 1 point per yuan,
 * rounded down. The ledger's invariants are checked after each test; ApiFixture checks every answer
 * against the contract.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromotionReportTest {
  private Vertx vertx;
  private ApiFixture api;
  private int worlds;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
  }

  @AfterEach
  void ledgerStillAddsUp() {
    api.assertLedgerOk();
  }

  @AfterAll
  void stop() {
    api.close();
    await(vertx.close());
  }

  /** A world whose tills and people renew their 15-minute tokens as the script's clock jumps days. */
  private final class Script {
    final PosWorld w;
    final String prefix;
    final List<Person> phonesBound = new ArrayList<>();

    Script(Instant at) {
      api.clock.set(at);
      prefix = "report" + (++worlds);
      w = new PosWorld(api, prefix);
    }

    void at(String instant) {
      api.clock.set(Instant.parse(instant));
    }

    Till till(Till t) {
      String token = expect(200, api.post("/v1/terminals/token", null,
          new JsonObject().put("deviceSecret", t.deviceSecret()))).getString("accessToken");
      return new Till(t.shopId(), t.ownerToken(), t.terminalId(), token, t.deviceSecret());
    }

    String owner(int n) {
      return api.staffToken(w.allianceId, prefix + "-owner" + n, "owner-password-1");
    }

    String admin() {
      return api.staffToken(w.allianceId, prefix + "-admin", "admin-password-1");
    }

    Person member() {
      Person p = w.member();
      w.phone(p); // bound now, while the member's token is fresh: codes are then made on the phone
      return p;
    }

    JsonObject accrue(Till till, Person member, long spendFen) {
      return expect(200, w.pos(till(till), "accrue", key(), new JsonObject().put("memberCode", w.code(member))
          .put("spendFen", spendFen)));
    }

    void redeem(Till till, Person member, long points) {
      Till t = till(till);
      String hold = expect(200, w.pos(t, "reserve", key(), new JsonObject().put("memberCode", w.code(member))
          .put("points", points))).getString("holdId");
      expect(200, w.pos(t, "commit", key(), new JsonObject().put("holdId", hold)));
    }

    String path(Till till) {
      return "/v1/alliances/" + w.allianceId + "/shops/" + till.shopId() + "/promotions/report";
    }
  }

  private static JsonObject source(JsonObject report, String kind) {
    JsonObject found = null;
    for (Object o : report.getJsonArray("sources")) {
      JsonObject s = (JsonObject) o;
      if (s.getString("kind").equals(kind)) {
        assertEquals(null, found, "one line for " + kind);
        found = s;
      }
    }
    assertNotNull(found, "a line for " + kind + " in " + report.encodePrettily());
    return found;
  }

  private static void figures(JsonObject line, long bonuses, long given, long takenBack, long costPoints, long costFen,
      long sales, long spendFen, long members, long newCustomers, long redeemingMembers, long redemptions,
      long redeemedPoints, long redeemedFen) {
    String which = line.encode();
    assertEquals(bonuses, line.getLong("bonuses"), "bonuses " + which);
    assertEquals(given, line.getLong("pointsGiven"), "pointsGiven " + which);
    assertEquals(takenBack, line.getLong("pointsTakenBack"), "pointsTakenBack " + which);
    assertEquals(costPoints, line.getLong("costPoints"), "costPoints " + which);
    assertEquals(costFen, line.getLong("costFen"), "costFen " + which);
    assertEquals(sales, line.getLong("sales"), "sales " + which);
    assertEquals(spendFen, line.getLong("spendFen"), "spendFen " + which);
    assertEquals(members, line.getLong("members"), "members " + which);
    assertEquals(newCustomers, line.getLong("newCustomers"), "newCustomers " + which);
    assertEquals(redeemingMembers, line.getLong("redeemingMembers"), "redeemingMembers " + which);
    assertEquals(redemptions, line.getLong("redemptions"), "redemptions " + which);
    assertEquals(redeemedPoints, line.getLong("redeemedPoints"), "redeemedPoints " + which);
    assertEquals(redeemedFen, line.getLong("redeemedFen"), "redeemedFen " + which);
  }

  @Test
  void aScriptedFortnightAtTheCafeCostsAndBringsWhatWasWorkedOutByHand() {
    // All instants in UTC; Shanghai is UTC+8, so 04:00Z is noon local on the same day.
    Script s = new Script(Instant.parse("2026-11-30T03:00:00Z"));
    Till cafe = s.w.shop("Café");
    Till books = s.w.shop("Books");
    String shopPath = "/v1/alliances/" + s.w.allianceId + "/shops/" + cafe.shopId();
    long promotionId = expect(201, api.post(shopPath + "/promotions", cafe.ownerToken(), new JsonObject()
        .put("name", "Double early December").put("kind", "multiplier").put("multiplierPermille", 2000)
        .put("startsOn", "2026-12-03").put("endsOn", "2026-12-06"))).getLong("id");
    expect(200, api.send(HttpMethod.PUT, shopPath + "/bounty", cafe.ownerToken(),
        new JsonObject().put("points", 200).put("minSpendFen", 0)));
    Person a = s.member();
    Person b = s.member();
    Person c = s.member();
    Person d = s.member();
    Person e = s.member();
    Person f = s.member();

    // Nov 30, before the range: D's first purchase, ¥10: 10 base + 200 bounty. Not in the report.
    s.at("2026-11-30T04:00:00Z");
    assertEquals(210, s.accrue(cafe, d, 1000).getLong("points"));
    // Dec 2, before the promotion: A's first purchase, ¥50: 50 + 200 bounty (S2).
    s.at("2026-12-02T04:00:00Z");
    assertEquals(250, s.accrue(cafe, a, 5000).getLong("points"));
    // An hour later A redeems 20 at the café: after A's bounty sale, before any promoted sale of A's.
    s.at("2026-12-02T05:00:00Z");
    s.redeem(cafe, a, 20);
    // Dec 3, promotion live: A's ¥38.50: 38 + 38 double (S3), A's second purchase: no bounty.
    s.at("2026-12-03T04:00:00Z");
    assertEquals(76, s.accrue(cafe, a, 3850).getLong("points"));
    // B's first purchase, ¥100: 100 + 100 double + 200 bounty (S4).
    s.at("2026-12-03T05:00:00Z");
    JsonObject s4 = s.accrue(cafe, b, 10_000);
    assertEquals(400, s4.getLong("points"));
    // Dec 4: ¥40 of S4 back: floor(100 × 4000/10000) = 40 base, 40 promotion, floor(200 × 0.4) = 80 bounty.
    s.at("2026-12-04T04:00:00Z");
    JsonObject refund = expect(200, s.w.pos(s.till(cafe), "refund", key(), new JsonObject()
        .put("accrualId", s4.getString("accrualId")).put("refundFen", 4000)));
    assertEquals(40 + 40 + 80, refund.getLong("pointsDue"));
    // From now on a point is worth 2 fen: lots issued from here on carry that price.
    expect(200, api.send(HttpMethod.PATCH, "/v1/alliances/" + s.w.allianceId, s.admin(),
        new JsonObject().put("pricePerPointFen", 2)));
    // D's ¥20, promoted: 20 + 20 (S6), the 20 at 2 fen. D bought here first on Nov 30: not new.
    s.at("2026-12-04T06:00:00Z");
    assertEquals(40, s.accrue(cafe, d, 2000).getLong("points"));
    // Dec 5: B (400 - 160 = 240 points, all from Dec 3's lots at 1 fen) redeems 150 at the café,
    // and 50 at the bookshop (another shop's redemption: not in the café's report).
    s.at("2026-12-05T04:00:00Z");
    s.redeem(cafe, b, 150);
    s.redeem(books, b, 50);
    // C's sale at the bookshop (no bounty, no promotion there): not the café's.
    assertEquals(30, s.accrue(books, c, 3000).getLong("points"));
    // Dec 7, promotion over: C's first purchase at the café, ¥20: 20 + 200 bounty (S8), at 2 fen.
    s.at("2026-12-07T04:00:00Z");
    assertEquals(220, s.accrue(cafe, c, 2000).getLong("points"));
    // Dec 10 23:59 local, the range's last minute: E's first purchase, ¥10: 10 + 200 bounty (S9).
    s.at("2026-12-10T15:59:00Z");
    assertEquals(210, s.accrue(cafe, e, 1000).getLong("points"));
    // Dec 11 00:00 local, just after the range: F's first purchase, and A redeems 30. Neither counts.
    s.at("2026-12-10T16:00:00Z");
    assertEquals(210, s.accrue(cafe, f, 1000).getLong("points"));
    s.redeem(cafe, a, 30);

    s.at("2026-12-11T02:00:00Z");
    String owner = s.owner(1);
    JsonObject report = expect(200, api.get(s.path(cafe) + "?from=2026-12-01&to=2026-12-10", owner));
    assertEquals("2026-12-01", report.getString("from"));
    assertEquals("2026-12-10", report.getString("to"));
    assertEquals("Asia/Shanghai", report.getString("timeZone"));
    assertEquals(2, report.getJsonArray("sources").size(), report.encodePrettily());

    JsonObject promotion = source(report, "promotion");
    assertEquals(promotionId, promotion.getLong("promotionId"));
    assertEquals("Double early December", promotion.getString("name"));
    assertEquals("shop", promotion.getString("paidBy"));
    // Bonuses S3 (38), S4 (100), S6 (20): 158 given; S4's refund took 40 back: 118 cost,
    // 38 × 1 + 60 × 1 + 20 × 2 = 138 fen. Spend 3850 + (10000 - 4000) + 2000 = 11850 fen.
    // Members A, B, D; new: B only (A first bought on Dec 2, D on Nov 30). Redemptions from each
    // one's first promoted sale on: B's 150 at the café (lots at 1 fen: 150 fen); A's 20 on Dec 2
    // was before A's first promoted sale, A's 30 after the range, B's 50 at the bookshop.
    figures(promotion, 3, 158, 40, 118, 138, 3, 11_850, 3, 1, 1, 1, 150, 150);

    JsonObject bounty = source(report, "bounty");
    assertEquals(null, bounty.getValue("promotionId"));
    assertEquals("shop", bounty.getString("paidBy"));
    // Bounties S2, S4, S8, S9: 800 given; S4's refund took 80: 720 cost,
    // 200 × 1 + 120 × 1 + 200 × 2 + 200 × 2 = 1120 fen. Spend 5000 + 6000 + 2000 + 1000 = 14000.
    // Members A, B, C, E, all new (a bounty is a first purchase). Redemptions: A's 20 (after A's
    // bounty sale) and B's 150, 170 points from lots at 1 fen: 170 fen.
    figures(bounty, 4, 800, 80, 720, 1120, 4, 14_000, 4, 4, 2, 2, 170, 170);

    // The days, local: Dec 2 200 (S2); Dec 3 38 + (100 - 40) + (200 - 80) = 218 over S3 and S4;
    // Dec 4 20 (S6); Dec 7 200 (S8); Dec 10 200 (S9); the other days 0. 838 = 118 + 720.
    JsonArray days = report.getJsonArray("days");
    assertEquals(10, days.size());
    long[] cost = {0, 200, 218, 20, 0, 0, 200, 0, 0, 200};
    long[] sales = {0, 1, 2, 1, 0, 0, 1, 0, 0, 1};
    for (int i = 0; i < 10; i++) {
      JsonObject day = days.getJsonObject(i);
      assertEquals("2026-12-" + String.format("%02d", i + 1), day.getString("day"));
      assertEquals(cost[i], day.getLong("costPoints"), day.encode());
      assertEquals(sales[i], day.getLong("sales"), day.encode());
    }

    // One day further (Dec 11): F's bounty only, A's 30 redeemed after F's sale is A's, not F's.
    JsonObject next = expect(200, api.get(s.path(cafe) + "?from=2026-12-11&to=2026-12-11", owner));
    figures(source(next, "bounty"), 1, 200, 0, 200, 400, 1, 1000, 1, 1, 0, 0, 0, 0);
    // By default the 30 days ending today (Dec 11 local): Nov 12 to Dec 11, so D's Nov 30 bounty too.
    JsonObject byDefault = expect(200, api.get(s.path(cafe), owner));
    assertEquals("2026-11-12", byDefault.getString("from"));
    assertEquals("2026-12-11", byDefault.getString("to"));
    assertEquals(30, byDefault.getJsonArray("days").size());
    // Bounties: D's (Nov 30, 200 at 1 fen), S2, S4, S8, S9, F's (200 at 2 fen): 1200 given, 80 back.
    figures(source(byDefault, "bounty"), 6, 1200, 80, 1120, 1120 + 200 + 400, 6, 1000 + 14_000 + 1000, 6, 6,
        // A's 20 and 30 and B's 150 (D redeemed nothing): 3 redemptions by 2 members, 200 points at 1 fen.
        2, 3, 200, 200);

    // The bookshop's report: nothing of the café's. The admin and the café's cashier may read the
    // café's; the bookshop's owner may not, nor a till.
    JsonObject booksReport = expect(200, api.get(s.path(books) + "?from=2026-12-01&to=2026-12-10", s.owner(2)));
    assertEquals(0, booksReport.getJsonArray("sources").size());
    assertEquals(report.getJsonArray("sources"), expect(200, api.get(s.path(cafe)
        + "?from=2026-12-01&to=2026-12-10", s.admin())).getJsonArray("sources"));
    expect(201, api.post(shopPath + "/staff", owner, new JsonObject().put("username", s.prefix + "-cashier")
        .put("password", "cashier-password-1").put("role", "cashier")));
    String cashier = api.staffToken(s.w.allianceId, s.prefix + "-cashier", "cashier-password-1");
    expect(200, api.get(s.path(cafe) + "?from=2026-12-01&to=2026-12-10", cashier));
    assertEquals("not_your_shop", ApiFixture.problemCode(api.get(s.path(cafe), s.owner(2))));
    assertEquals(403, api.get(s.path(cafe), s.till(cafe).token()).statusCode());
  }

  @Test
  void aBonusKindTheReportHasNeverSeenGetsItsOwnLineWithWhoPaidIt() {
    // The report reads whatever bonus_kind is there, written by code it does not know: here a
    // 'tier_alliance' bonus (a tier perk paid by the alliance fund) written as a till would, a
    // pos_accrual row of the sale and a transfer of the same id from the fund's issuance account to
    // the member's wallet.
    Script s = new Script(Instant.parse("2026-12-08T04:00:00Z"));
    Till cafe = s.w.shop("Café");
    Person member = s.member();
    JsonObject sale = s.accrue(cafe, member, 1000); // ¥10: 10 base points, no promotion, no bounty
    assertEquals(10, sale.getLong("points"));
    UUID perk = UUID.randomUUID();
    await(api.app.pool().query("/* test */ insert into pos_accrual (alliance_id, id, shop_id, terminal_id, member_id,"
        + " spend_fen, points, raw_points, limited_by, created_at, bonus_of, bonus_kind, tier_level, paid_by_fund)"
        + " select alliance_id, '" + perk
        + "', shop_id, terminal_id, member_id, spend_fen, 30, 30, 'none', created_at, id, 'tier_alliance', 2, true"
        + " from pos_accrual where alliance_id = " + s.w.allianceId + " and id = '" + sale.getString("accrualId") + "'")
        .execute());
    long fund = await(api.app.ledger().openAccount(s.w.allianceId, AccountKind.ALLIANCE_FUND_ISSUANCE, 0)).id();
    await(api.app.ledger().transfer(s.w.allianceId, perk, fund, s.w.walletId(member), 30, "pos_tier"));
    // Half the money back: floor(10 / 2) = 5 base and floor(30 × 500 / 1000) = 15 of the perk.
    JsonObject refund = expect(200, s.w.pos(s.till(cafe), "refund", key(), new JsonObject()
        .put("accrualId", sale.getString("accrualId")).put("refundFen", 500)));
    assertEquals(5 + 15, refund.getLong("pointsDue"));

    JsonObject report = expect(200, api.get(s.path(cafe) + "?from=2026-12-08&to=2026-12-08", s.owner(1)));
    assertEquals(1, report.getJsonArray("sources").size(), report.encodePrettily());
    JsonObject line = source(report, "tier_alliance");
    assertEquals("alliance_fund", line.getString("paidBy"));
    assertEquals(null, line.getValue("promotionId"));
    // 30 given, 15 back, 15 at 1 fen; the sale, ¥5 after the refund; the member's first purchase.
    figures(line, 1, 30, 15, 15, 15, 1, 500, 1, 1, 0, 0, 0, 0);
    assertEquals(15, report.getJsonArray("days").getJsonObject(0).getLong("costPoints"));
  }

  @Test
  void badRangesAreRefusedAndAnUnknownShopIsNotFound() {
    Script s = new Script(Instant.parse("2026-12-08T04:00:00Z"));
    Till cafe = s.w.shop("Café");
    String owner = cafe.ownerToken();
    assertEquals("invalid_range", ApiFixture.problemCode(api.get(s.path(cafe) + "?from=2026-12-10&to=2026-12-01",
        owner)));
    // 2026-01-01 to 2027-01-02 is 367 days; 2026-01-01 to 2027-01-01 is 366 and allowed.
    assertEquals("invalid_range", ApiFixture.problemCode(api.get(s.path(cafe) + "?from=2026-01-01&to=2027-01-02",
        owner)));
    assertEquals(366, expect(200, api.get(s.path(cafe) + "?from=2026-01-01&to=2027-01-01", owner))
        .getJsonArray("days").size());
    assertEquals(400, api.get(s.path(cafe) + "?from=2026-13-01", owner).statusCode());
    assertEquals(404, api.get("/v1/alliances/" + s.w.allianceId + "/shops/999999/promotions/report",
        s.admin()).statusCode());
  }
}
