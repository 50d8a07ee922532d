package io.linkpoints.coupons;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.qr.QrScan;
import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A cross-promotion through the real service over HTTP: the café's owner creates it, the
 * bookshop's owner accepts it, a member buys a coupon in the market and the bookshop's till
 * redeems it; consent, pauses and tenancy walls as owners, members and terminals meet them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CouponApiTest {
  private Vertx vertx;
  private ApiFixture api;
  private long alliance;
  private String admin;
  private long cafe;
  private String cafeOwner;
  private long bookshop;
  private String bookshopOwner;
  private long bakery;
  private String bakeryOwner;
  private String bookshopTill;
  private String bakeryTill;
  private String member;
  private long memberId;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    ApiFixture.World w = api.world("cpn");
    alliance = w.allianceId();
    admin = w.adminToken();
    cafe = w.shopId();
    cafeOwner = w.ownerToken();
    bookshop = api.createShop(alliance, admin, "bookshop", "books-owner").getLong("id");
    bookshopOwner = api.staffToken(alliance, "books-owner", "owner-password-1");
    bakery = api.createShop(alliance, admin, "bakery", "bakery-owner").getLong("id");
    bakeryOwner = api.staffToken(alliance, "bakery-owner", "owner-password-1");
    bookshopTill = till(bookshop, bookshopOwner);
    bakeryTill = till(bakery, bakeryOwner);
    JsonObject signedIn = api.memberSignIn(alliance, "+8613900000042");
    member = signedIn.getString("accessToken");
    memberId = signedIn.getJsonObject("member").getLong("id");
    // The member earned 100 points at the café.
    long issuance = await(api.app.ledger().accountOf(alliance, AccountKind.MERCHANT_ISSUANCE, cafe)).orElseThrow().id();
    long wallet = await(api.app.ledger().accountOf(alliance, AccountKind.MEMBER_WALLET, memberId)).orElseThrow().id();
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), issuance, wallet, 100, "earn"));
  }

  private String till(long shop, String owner) {
    JsonObject created = expect(201, api.post("/v1/alliances/" + alliance + "/shops/" + shop + "/terminals", owner,
        new JsonObject().put("name", "till")));
    return expect(200, api.post("/v1/terminals/enrol", null,
        new JsonObject().put("enrolmentSecret", created.getString("enrolmentSecret")))).getString("accessToken");
  }

  @AfterEach
  void invariants() {
    api.assertLedgerOk();
    CouponWorld.assertCouponInvariants(api.app.pool());
  }

  @AfterAll
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private String shop(long shop) {
    return "/v1/alliances/" + alliance + "/shops/" + shop + "/campaigns";
  }

  private HttpResponse<Buffer> post(String path, String token, JsonObject body, String key) {
    return api.send(HttpMethod.POST, path, token, body, key == null ? Map.of() : Map.of("Idempotency-Key", key));
  }

  /** One of the member's coupons, as its wallet lists it. */
  private JsonObject myCoupon(long id) {
    return expect(200, api.get("/v1/members/me/coupons", member)).getJsonArray("items").stream()
        .map(o -> (JsonObject) o).filter(c -> c.getLong("id") == id).findFirst().orElseThrow();
  }

  private JsonObject crossPromotion() {
    return expect(201, api.post(shop(cafe), cafeOwner, new JsonObject().put("name", "café to bookshop")
        .put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 1000)).put("minSpendFen", 3000)
        .put("validFrom", api.clock.instant().minus(Duration.ofHours(1)).toString())
        .put("validUntil", api.clock.instant().plus(Duration.ofDays(30)).toString())
        .put("inventory", 10).put("perMemberLimit", 2).put("marketPricePoints", 30)
        .put("issuingShopIds", new JsonArray().add(cafe)).put("honouringShopIds", new JsonArray().add(bookshop))
        .put("funding", new JsonArray().add(new JsonObject().put("shopId", cafe).put("basisPoints", 7000))
            .add(new JsonObject().put("shopId", bookshop).put("basisPoints", 3000)))));
  }

  @Test
  void aCrossPromotionFromConsentToRedemptionAtTheTill() {
    JsonObject created = crossPromotion();
    long id = created.getLong("id");
    String campaignPath = "/" + id;
    assertEquals("awaiting_consent", created.getString("status"));
    assertEquals(0, expect(200, api.get("/v1/members/me/coupon-market", member)).getJsonArray("items").stream()
        .filter(o -> ((JsonObject) o).getLong("campaignId") == id).count(), "not offered before consent");
    assertEquals("consent_required", problemCode(post("/v1/members/me/coupon-market/exchange", member,
        new JsonObject().put("campaignId", id), "early")));

    // The bakery is not named: it neither sees nor accepts it. The bookshop sees it and accepts.
    assertEquals(404, api.get(shop(bakery) + campaignPath, bakeryOwner).statusCode());
    assertEquals("campaign_not_found", problemCode(api.post(shop(bakery) + campaignPath + "/accept", bakeryOwner, null)));
    assertEquals(0, expect(200, api.get(shop(bakery), bakeryOwner)).getJsonArray("items").stream()
        .filter(o -> ((JsonObject) o).getLong("id") == id).count());
    assertEquals(403, api.post(shop(bookshop) + campaignPath + "/accept", cafeOwner, null).statusCode(),
        "the café's owner cannot accept for the bookshop");
    assertEquals("live", expect(200, api.post(shop(bookshop) + campaignPath + "/accept", bookshopOwner, null))
        .getString("status"));
    assertEquals(1, expect(200, api.get("/v1/alliances/" + alliance + "/campaigns", admin)).getJsonArray("items").stream()
        .filter(o -> ((JsonObject) o).getLong("id") == id).count(), "the admin sees every campaign");

    // The member buys a coupon for 30 points; a retry with the same key returns the same coupon.
    JsonObject coupon = expect(201, post("/v1/members/me/coupon-market/exchange", member,
        new JsonObject().put("campaignId", id), "buy-1"));
    assertEquals(coupon.getLong("id"), expect(201, post("/v1/members/me/coupon-market/exchange", member,
        new JsonObject().put("campaignId", id), "buy-1")).getLong("id"));
    assertEquals(70, expect(200, api.get("/v1/members/me", member)).getLong("availablePoints"));
    assertEquals(400, post("/v1/members/me/coupon-market/exchange", member, new JsonObject().put("campaignId", id), null)
        .statusCode(), "the Idempotency-Key header is required");
    JsonObject mine = myCoupon(coupon.getLong("id"));
    String code = mine.getString("code");
    assertEquals(coupon.getString("code"), code);
    assertEquals("issued", mine.getString("state"));

    // At the bakery's till the coupon is not valid; at the bookshop's it is held, then redeemed.
    JsonObject order = new JsonObject().put("code", code).put("spendFen", 4500).put("orderRef", "B-77");
    assertEquals("coupon_not_valid_here", problemCode(post("/v1/pos/coupons/reserve", bakeryTill, order, "k1")));
    JsonObject hold = expect(200, post("/v1/pos/coupons/reserve", bookshopTill, order, "k1"));
    assertEquals(1000, hold.getLong("discountFen"));
    assertEquals(404, post("/v1/pos/coupons/commit", bakeryTill, new JsonObject().put("holdId", hold.getString("holdId")),
        "c1").statusCode(), "another shop's till cannot commit this hold");
    JsonObject committed = expect(200, post("/v1/pos/coupons/commit", bookshopTill,
        new JsonObject().put("holdId", hold.getString("holdId")), "c1"));
    assertEquals(new JsonArray()
        .add(new JsonObject().put("shopId", cafe).put("basisPoints", 7000).put("amountFen", 700))
        .add(new JsonObject().put("shopId", bookshop).put("basisPoints", 3000).put("amountFen", 300)),
        committed.getJsonArray("funding"));
    assertEquals("coupon_already_used", problemCode(post("/v1/pos/coupons/reserve", bookshopTill,
        order.copy().put("orderRef", "B-78"), "k2")));
    assertEquals("redeemed", myCoupon(coupon.getLong("id")).getString("state"));
    assertEquals(1, expect(200, api.get(shop(cafe) + campaignPath, cafeOwner)).getLong("redeemed"));

    // Either side pauses; the market and the till stop until the pauser resumes.
    assertEquals("paused", expect(200, api.post(shop(bookshop) + campaignPath + "/pause", bookshopOwner, null))
        .getString("status"));
    assertEquals("campaign_not_live", problemCode(post("/v1/members/me/coupon-market/exchange", member,
        new JsonObject().put("campaignId", id), "buy-2")));
    assertEquals("paused", expect(200, api.post(shop(cafe) + campaignPath + "/resume", cafeOwner, null))
        .getString("status"), "the café cannot lift the bookshop's pause");
    assertEquals("live", expect(200, api.post(shop(bookshop) + campaignPath + "/resume", bookshopOwner, null))
        .getString("status"));
    assertEquals(70, expect(200, api.get("/v1/members/me", member)).getLong("availablePoints"));
  }

  @Test
  void aShopCodeOnAReceiptGivesOneMemberOneCoupon() throws Exception {
    long id = expect(201, api.post(shop(bakery), bakeryOwner, new JsonObject().put("name", "free cookie")
        .put("benefit", new JsonObject().put("kind", "gift").put("giftName", "a cookie").put("valueFen", 500))
        .put("validFrom", api.clock.instant().minus(Duration.ofHours(1)).toString())
        .put("validUntil", api.clock.instant().plus(Duration.ofDays(7)).toString())
        .put("inventory", 5).put("shopCodes", true))).getLong("id");
    String shopCode = expect(201, api.post(shop(bakery) + "/" + id + "/claim-codes", bakeryTill, null)).getString("code");
    assertEquals(404, api.post(shop(cafe) + "/" + id + "/claim-codes", cafeOwner, null).statusCode(),
        "the café does not issue this campaign");
    JsonObject coupon = expect(201, api.post("/v1/members/me/coupons/claim", member, new JsonObject().put("code", shopCode)));
    assertEquals("shop_code", coupon.getString("source"));
    assertEquals(false, coupon.getBoolean("alreadyClaimed"));
    JsonObject again = expect(201, api.post("/v1/members/me/coupons/claim", member, new JsonObject().put("code", shopCode)));
    assertEquals(coupon.getLong("id"), again.getLong("id"));
    assertEquals(true, again.getBoolean("alreadyClaimed"));
    String other = api.memberSignIn(alliance, "+8613900000043").getString("accessToken");
    // The wallet shows the coupon as a QR code, SVG or PNG, that reads back as its code; to its member only.
    String qr = "/v1/members/me/coupons/" + coupon.getLong("id") + "/qr";
    HttpResponse<Buffer> svg = api.get(qr + "?format=svg", member);
    assertEquals(200, svg.statusCode(), svg.bodyAsString());
    assertEquals("image/svg+xml", svg.getHeader("Content-Type"));
    assertEquals(coupon.getString("code"), QrScan.decode(rasterize(svg.bodyAsString())));
    assertEquals(svg.bodyAsString(), api.get(qr, member).bodyAsString(), "SVG unless PNG is asked for");
    HttpResponse<Buffer> png = api.get(qr + "?format=png", member);
    assertEquals(200, png.statusCode(), png.bodyAsString());
    assertEquals("image/png", png.getHeader("Content-Type"));
    assertEquals(coupon.getString("code"), QrScan.decode(png.body().getBytes()));
    for (String format : new String[] {"svg", "png"}) {
      HttpResponse<Buffer> notMine = api.get(qr + "?format=" + format, other);
      assertEquals(404, notMine.statusCode(), notMine.bodyAsString());
      assertEquals("coupon_not_found", problemCode(notMine));
    }
    assertEquals("coupon_not_found", problemCode(api.get("/v1/members/me/coupons/999999/qr", member)));
    assertEquals("claim_code_used", problemCode(api.post("/v1/members/me/coupons/claim", other,
        new JsonObject().put("code", shopCode))));
    // A gift: nothing off the bill, its declared value funded by the bakery.
    JsonObject hold = expect(200, post("/v1/pos/coupons/reserve", bakeryTill, new JsonObject()
        .put("code", coupon.getString("code")).put("spendFen", 100).put("orderRef", "K-1"), "g1"));
    assertEquals(0, hold.getLong("discountFen"));
    assertEquals(500, hold.getLong("benefitFen"));
    assertEquals("released", expect(200, post("/v1/pos/coupons/release", bakeryTill,
        new JsonObject().put("holdId", hold.getString("holdId")), "g1-release")).getString("state"));
    assertEquals("issued", myCoupon(coupon.getLong("id")).getString("state"));
  }

  /** The service's SVG (one path of unit squares "Mx yh1v1h-1z" in a viewBox) as a PNG, 5 pixels per module. */
  private static byte[] rasterize(String svg) throws java.io.IOException {
    java.util.regex.Matcher box = java.util.regex.Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
    assertTrue(box.find(), svg);
    int size = Integer.parseInt(box.group(1));
    java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(size * 5, size * 5,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = image.createGraphics();
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, size * 5, size * 5);
    g.setColor(java.awt.Color.BLACK);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("M(\\d+) (\\d+)h1v1h-1z").matcher(svg);
    int modules = 0;
    while (m.find()) {
      g.fillRect(Integer.parseInt(m.group(1)) * 5, Integer.parseInt(m.group(2)) * 5, 5, 5);
      modules++;
    }
    g.dispose();
    assertTrue(modules > 50, svg);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  @Test
  void requestsOutsideTheContractAreRefused() {
    assertEquals("validation_failed", problemCode(api.post(shop(cafe), cafeOwner, new JsonObject().put("name", "x")
        .put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 0))
        .put("validFrom", "2026-01-01T00:00:00Z").put("validUntil", "2027-01-01T00:00:00Z").put("inventory", 1))));
    assertEquals("invalid_window", problemCode(api.post(shop(cafe), cafeOwner, new JsonObject().put("name", "x")
        .put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 10))
        .put("validFrom", "2027-01-01T00:00:00Z").put("validUntil", "2026-01-01T00:00:00Z").put("inventory", 1))));
    assertEquals("validation_failed", problemCode(post("/v1/pos/coupons/reserve", bookshopTill, new JsonObject()
        .put("code", "not-a-code").put("spendFen", 1).put("orderRef", "x"), "v1")));
    assertEquals("coupon_invalid", problemCode(post("/v1/pos/coupons/reserve", bookshopTill, new JsonObject()
        .put("code", "LPC-ZZZZZZZZZZZZZZZZZZZZZZZZZZ").put("spendFen", 1).put("orderRef", "x"), "v2")));
  }
}
