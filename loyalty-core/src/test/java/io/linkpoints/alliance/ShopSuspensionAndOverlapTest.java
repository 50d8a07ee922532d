package io.linkpoints.alliance;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 7: an alliance admin suspends and reinstates a shop (its people and terminals refused with
 * shop_suspended in between, nothing changing there), and an owner's "where my customers also
 * shop" counts, checked against hand-computed numbers and the tenant walls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShopSuspensionAndOverlapTest {
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

  @Test
  void aSuspendedShopIsRefusedUntilReinstatedAndOnlyItsAdminMayDoIt() {
    PosWorld w = new PosWorld(api, "susp");
    Till cafe = w.shop("Suspended Café");
    Till books = w.shop("Open Books");
    String shopPath = "/v1/alliances/" + w.allianceId + "/shops/" + cafe.shopId();
    expect(201, api.post(shopPath + "/staff", cafe.ownerToken(), new JsonObject().put("username", "susp-cashier")
        .put("password", "cashier-password-1").put("role", "cashier")));
    String cashier = api.staffToken(w.allianceId, "susp-cashier", "cashier-password-1");
    Person member = w.member();
    w.grant(member, cafe, 100);
    // A shop code printed before the suspension, not yet claimed.
    String shopCode = expect(200, w.pos(cafe, "claim-codes", key(), new JsonObject().put("spendFen", 1000)))
        .getString("claimCode");

    // Nobody but this alliance's admin may suspend it.
    PosWorld other = new PosWorld(api, "susp-other");
    for (String token : new String[] {cafe.ownerToken(), books.ownerToken(), cashier, cafe.token(), member.token()}) {
      assertRefused(403, null, api.post(shopPath + "/suspend", token, null));
    }
    assertRefused(403, "not_your_alliance", api.post(shopPath + "/suspend", other.adminToken, null));
    assertEquals("active", expect(200, api.get(shopPath, w.adminToken)).getString("status"));

    JsonObject suspended = expect(200, api.post(shopPath + "/suspend", w.adminToken, null));
    assertEquals("suspended", suspended.getString("status"));
    assertNotNull(suspended.getString("suspendedAt"));
    // Suspending again changes nothing, not even the time.
    assertEquals(suspended.getString("suspendedAt"),
        expect(200, api.post(shopPath + "/suspend", w.adminToken, null)).getString("suspendedAt"));

    long transfers = api.count("/* test */ select count(*) from ledger_transfer");
    long accruals = api.count("/* test */ select count(*) from pos_accrual");
    assertRefused(403, "shop_suspended", api.get(shopPath, cafe.ownerToken()));
    assertRefused(403, "shop_suspended", api.get(shopPath + "/terminals", cafe.ownerToken()));
    assertRefused(403, "shop_suspended", api.post(shopPath + "/terminals", cafe.ownerToken(),
        new JsonObject().put("name", "sneaky till")));
    assertRefused(403, "shop_suspended", api.post(shopPath + "/earn-quote", cashier, new JsonObject().put("spendFen", 1000)));
    assertRefused(403, "shop_suspended", w.pos(cafe, "accrue", key(),
        new JsonObject().put("memberCode", w.code(member)).put("spendFen", 1000)));
    assertRefused(403, "shop_suspended", w.pos(cafe, "reserve", key(),
        new JsonObject().put("memberCode", w.code(member)).put("points", 10)));
    assertRefused(403, "shop_suspended", api.post("/v1/members/me/claims", member.token(),
        new JsonObject().put("code", shopCode)));
    // A fresh terminal token (the device secret still works) is refused just the same.
    String fresh = expect(200, api.post("/v1/terminals/token", null,
        new JsonObject().put("deviceSecret", cafe.deviceSecret()))).getString("accessToken");
    assertRefused(403, "shop_suspended", api.post(shopPath + "/pos/identify", fresh,
        new JsonObject().put("memberCode", w.code(member))));
    assertEquals(transfers, api.count("/* test */ select count(*) from ledger_transfer"));
    assertEquals(accruals, api.count("/* test */ select count(*) from pos_accrual"));
    assertEquals(100, w.available(member));
    // Its cashier gets no new token: told why with the right password, nothing more with a wrong one.
    String signIn = "/v1/alliances/" + w.allianceId + "/staff/sign-in";
    assertRefused(403, "shop_suspended", api.post(signIn, null,
        new JsonObject().put("username", "susp-cashier").put("password", "cashier-password-1")));
    assertRefused(401, "invalid_credentials", api.post(signIn, null,
        new JsonObject().put("username", "susp-cashier").put("password", "not-the-password")));
    api.staffToken(w.allianceId, "susp-admin", "admin-password-1"); // the admin and other shops sign in as before

    // The suspended owner cannot reinstate itself; the admin still sees everything; other shops go on.
    assertRefused(403, "role_not_allowed", api.post(shopPath + "/reinstate", cafe.ownerToken(), null));
    expect(200, api.get(shopPath + "/customers", w.adminToken));
    JsonArray listed = expect(200, api.get("/v1/alliances/" + w.allianceId + "/shops", w.adminToken)).getJsonArray("items");
    Map<Long, String> statuses = new HashMap<>();
    listed.forEach(o -> statuses.put(((JsonObject) o).getLong("id"), ((JsonObject) o).getString("status")));
    assertEquals(Map.of(cafe.shopId(), "suspended", books.shopId(), "active"), statuses);
    expect(200, w.pos(books, "accrue", key(), new JsonObject().put("memberCode", w.code(member)).put("spendFen", 1000)));
    assertEquals(110, w.available(member));

    // Both admin writes are in the audit log.
    assertEquals(2, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.allianceId
        + " and action = 'suspendShop' and actor_role = 'admin'"));

    assertRefused(403, null, api.post(shopPath + "/reinstate", books.ownerToken(), null));
    assertRefused(403, "not_your_alliance", api.post(shopPath + "/reinstate", other.adminToken, null));
    JsonObject reinstated = expect(200, api.post(shopPath + "/reinstate", w.adminToken, null));
    assertEquals("active", reinstated.getString("status"));
    assertNull(reinstated.getValue("suspendedAt"));
    assertEquals(1, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.allianceId
        + " and action = 'reinstateShop'"));

    assertEquals("active", expect(200, api.get(shopPath, cafe.ownerToken())).getString("status"));
    api.staffToken(w.allianceId, "susp-cashier", "cashier-password-1");
    expect(200, api.post(shopPath + "/earn-quote", cashier, new JsonObject().put("spendFen", 1000)));
    expect(200, w.pos(cafe, "accrue", key(), new JsonObject().put("memberCode", w.code(member)).put("spendFen", 1000)));
    assertEquals(10, expect(200, api.post("/v1/members/me/claims", member.token(),
        new JsonObject().put("code", shopCode))).getLong("points"));
    assertEquals(130, w.available(member));
    w.assertLedgerOk();
  }

  @Test
  void aCampaignFundedByASuspendedShopHandsOutNoCouponsUntilItIsReinstated() {
    PosWorld w = new PosWorld(api, "suspc");
    Till cafe = w.shop("Funding Café");
    Till books = w.shop("Issuing Books");
    String campaigns = "/v1/alliances/" + w.allianceId + "/shops/";
    // Issued and honoured by the bookshop, paid for half by the café; sold in the market, and given on purchases.
    long campaign = expect(201, api.post(campaigns + books.shopId() + "/campaigns", books.ownerToken(), new JsonObject()
        .put("name", "books, café pays half").put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 500))
        .put("minSpendFen", 2000).put("validFrom", api.clock.instant().minus(Duration.ofHours(1)).toString())
        .put("validUntil", api.clock.instant().plus(Duration.ofDays(30)).toString())
        .put("inventory", 10).put("perMemberLimit", 5).put("marketPricePoints", 40).put("autoIssueMinSpendFen", 3000)
        .put("issuingShopIds", new JsonArray().add(books.shopId())).put("honouringShopIds", new JsonArray().add(books.shopId()))
        .put("funding", new JsonArray().add(new JsonObject().put("shopId", books.shopId()).put("basisPoints", 5000))
            .add(new JsonObject().put("shopId", cafe.shopId()).put("basisPoints", 5000))))).getLong("id");
    assertEquals("live", expect(200, api.post(campaigns + cafe.shopId() + "/campaigns/" + campaign + "/accept",
        cafe.ownerToken(), null)).getString("status"));
    Person member = w.member();
    w.grant(member, books, 100);
    assertEquals(1, marketCount(member, campaign));

    expect(200, api.post(campaigns + cafe.shopId() + "/suspend", w.adminToken, null));
    assertEquals(0, marketCount(member, campaign), "not offered while a funding shop is suspended");
    assertRefused(403, "shop_suspended", exchange(member, campaign, "while-suspended"));
    assertEquals(100, w.available(member), "no points held or taken");
    JsonObject sale = expect(200, w.pos(books, "accrue", key(), new JsonObject().put("memberCode", w.code(member))
        .put("spendFen", 5000).put("orderRef", "order-while-suspended")));
    assertEquals(0, sale.getJsonArray("couponsIssued").size(), "no coupon on a purchase either");
    assertEquals(0, expect(200, api.get("/v1/members/me/coupons", member.token())).getJsonArray("items").size());
    w.assertLedgerOk();

    expect(200, api.post(campaigns + cafe.shopId() + "/reinstate", w.adminToken, null));
    long available = w.available(member);
    assertEquals(1, marketCount(member, campaign));
    expect(201, exchange(member, campaign, "after-reinstatement"));
    assertEquals(available - 40, w.available(member));
    w.assertLedgerOk();
  }

  private long marketCount(Person member, long campaign) {
    return expect(200, api.get("/v1/members/me/coupon-market", member.token())).getJsonArray("items").stream()
        .filter(o -> ((JsonObject) o).getLong("campaignId") == campaign).count();
  }

  private HttpResponse<Buffer> exchange(Person member, long campaign, String key) {
    return api.send(io.vertx.core.http.HttpMethod.POST, "/v1/members/me/coupon-market/exchange", member.token(),
        new JsonObject().put("campaignId", campaign), Map.of("Idempotency-Key", key));
  }

  @Test
  void anOwnerSeesHowManyOfItsCustomersAlsoShopAtEachOtherShopAndNoMore() {
    PosWorld w = new PosWorld(api, "ovl");
    Till a = w.shop("Shop A");
    Till b = w.shop("Shop B");
    Till c = w.shop("Shop C");
    Till d = w.shop("Shop D");
    Person m1 = w.member();
    Person m2 = w.member();
    Person m3 = w.member();
    Person m4 = w.member();
    Person m5 = w.member();
    Person m6 = w.member();
    // Every member but m6 consents to share visit data (PIPL opt-in); m6 never chose, so counts nowhere.
    for (Person p : new Person[] {m1, m2, m3, m4, m5}) {
      w.shareVisits(p, true);
    }
    w.grant(m6, a, 100);           // m6 earns at A and spends at B: not counted (no consent)
    redeem(w, b, m6, 10);
    // A's customers (earned at A): m1, m2, m3.
    w.grant(m1, a, 100);
    w.grant(m2, a, 100);
    w.grant(m3, a, 100);
    redeem(w, b, m1, 10);          // m1 spends at B
    redeem(w, b, m2, 10);          // m2 spends at B and at C (twice: still one member)
    redeem(w, c, m2, 10);
    redeem(w, c, m2, 5);
    w.grant(m3, c, 20);            // m3 earns at C
    w.grant(m4, b, 50);            // m4 is B's customer only, and spends at C
    redeem(w, c, m4, 10);
    w.grant(m5, d, 50);            // m5 earns at D and spends at A: not A's customer (A did not give it points)
    redeem(w, a, m5, 10);

    String base = "/v1/alliances/" + w.allianceId + "/shops/";
    JsonObject ofA = expect(200, api.get(base + a.shopId() + "/customer-overlap", a.ownerToken()));
    assertEquals(3, ofA.getLong("customers"));
    assertEquals(Map.of("Shop B", "2/0/2", "Shop C", "2/1/1", "Shop D", "0/0/0"), counts(ofA));
    assertEquals("Shop B", ofA.getJsonArray("shops").getJsonObject(0).getString("name"));
    assertEquals("Asia/Shanghai", ofA.getString("timeZone"));
    // Names and counts only: nothing that names a member.
    String raw = api.get(base + a.shopId() + "/customer-overlap", a.ownerToken()).bodyAsString();
    for (Person p : new Person[] {m1, m2, m3, m4, m5}) {
      assertEquals(-1, raw.indexOf(p.handle()), raw);
    }

    JsonObject ofB = expect(200, api.get(base + b.shopId() + "/customer-overlap", b.ownerToken()));
    assertEquals(1, ofB.getLong("customers"));
    assertEquals(Map.of("Shop A", "0/0/0", "Shop C", "1/0/1", "Shop D", "0/0/0"), counts(ofB));
    // The admin may look at any shop's.
    assertEquals(counts(ofA), counts(expect(200, api.get(base + a.shopId() + "/customer-overlap", w.adminToken))));

    // A range: the default is the 90 days ending today; a range long past finds nothing.
    assertEquals(java.time.LocalDate.parse(ofA.getString("to")).minusDays(89).toString(), ofA.getString("from"));
    JsonObject past = expect(200, api.get(base + a.shopId() + "/customer-overlap?from=2020-01-01&to=2020-03-31",
        a.ownerToken()));
    assertEquals(0, past.getLong("customers"));
    assertEquals(Map.of("Shop B", "0/0/0", "Shop C", "0/0/0", "Shop D", "0/0/0"), counts(past));
    JsonObject today = expect(200, api.get(base + a.shopId() + "/customer-overlap?from=" + ofA.getString("to")
        + "&to=" + ofA.getString("to"), a.ownerToken()));
    assertEquals(counts(ofA), counts(today));
    assertRefused(400, null, api.get(base + a.shopId() + "/customer-overlap?from=2020-03-01&to=2020-01-01", a.ownerToken()));
    assertRefused(400, null, api.get(base + a.shopId() + "/customer-overlap?from=2020-01-01&to=2022-01-01", a.ownerToken()));
    assertRefused(400, null, api.get(base + a.shopId() + "/customer-overlap?from=yesterday", a.ownerToken()));

    // m2 withdraws its consent: gone from every count. A's customers m1, m3 (3 - 1 = 2); B: m1 spent there
    // (2 - 1 = 1); C: m3 earned there, m2's spends are gone (2/1/1 -> 1/1/0).
    w.shareVisits(m2, false);
    JsonObject withdrawn = expect(200, api.get(base + a.shopId() + "/customer-overlap", a.ownerToken()));
    assertEquals(2, withdrawn.getLong("customers"));
    assertEquals(Map.of("Shop B", "1/0/1", "Shop C", "1/1/0", "Shop D", "0/0/0"), counts(withdrawn));
    // ...and granting again counts it again.
    w.shareVisits(m2, true);
    assertEquals(counts(ofA), counts(expect(200, api.get(base + a.shopId() + "/customer-overlap", a.ownerToken()))));

    // Tenancy: another shop's owner, a terminal, another alliance's admin.
    assertRefused(403, "not_your_shop", api.get(base + a.shopId() + "/customer-overlap", b.ownerToken()));
    assertRefused(403, "role_not_allowed", api.get(base + a.shopId() + "/customer-overlap", a.token()));
    PosWorld other = new PosWorld(api, "ovl-other");
    assertRefused(403, "not_your_alliance", api.get(base + a.shopId() + "/customer-overlap", other.adminToken));
    w.assertLedgerOk();
  }

  private static void redeem(PosWorld w, Till at, Person p, long points) {
    JsonObject hold = expect(200, w.pos(at, "reserve", key(), new JsonObject().put("memberCode", w.code(p)).put("points", points)));
    expect(200, w.pos(at, "commit", key(), new JsonObject().put("holdId", hold.getString("holdId"))));
  }

  /** Per other shop's name: members/earned/spent. */
  private static Map<String, String> counts(JsonObject overlap) {
    Map<String, String> out = new HashMap<>();
    overlap.getJsonArray("shops").forEach(o -> {
      JsonObject s = (JsonObject) o;
      out.put(s.getString("name"), s.getLong("members") + "/" + s.getLong("earned") + "/" + s.getLong("spent"));
    });
    return out;
  }

  private static void assertRefused(int status, String code, HttpResponse<Buffer> r) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    if (code != null) {
      assertEquals(code, problemCode(r), r.bodyAsString());
    }
  }
}
