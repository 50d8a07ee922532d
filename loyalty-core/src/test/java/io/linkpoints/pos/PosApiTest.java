package io.linkpoints.pos;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.linkpoints.qr.QrRender;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The POS API end to end: the real service on a real PostgreSQL, terminals and members with real
 * tokens, every call over HTTP. After each test, the ledger's invariant check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PosApiTest {
  private Vertx vertx;
  private ApiFixture api;
  private PosWorld world;
  private Till cafe;
  private Till books;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    world = new PosWorld(api, "pos");
    cafe = world.shop("Corner Café");
    books = world.shop("Bookshop");
  }

  @AfterEach
  void ledgerStillAddsUp() {
    world.assertLedgerOk();
  }

  @AfterAll
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aPurchaseAtTheIssuerEarnsACouponOnceAndTheHonouringShopsTillListsIt() {
    Till tea = world.shop("Tea House");
    Till florist = world.shop("Florist");
    Till bakery = world.shop("Bakery");
    String campaigns = "/v1/alliances/" + world.allianceId + "/shops/";
    long campaign = expect(201, api.post(campaigns + tea.shopId() + "/campaigns", tea.ownerToken(), new JsonObject()
        .put("name", "tea to flowers").put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 500))
        .put("minSpendFen", 2000).put("validFrom", api.clock.instant().minus(Duration.ofHours(1)).toString())
        .put("validUntil", api.clock.instant().plus(Duration.ofDays(30)).toString())
        .put("inventory", 10).put("perMemberLimit", 5).put("autoIssueMinSpendFen", 3000)
        .put("issuingShopIds", new JsonArray().add(tea.shopId()))
        .put("honouringShopIds", new JsonArray().add(florist.shopId())))).getLong("id");
    assertEquals("live", expect(200, api.post(campaigns + florist.shopId() + "/campaigns/" + campaign + "/accept",
        florist.ownerToken(), null)).getString("status"));
    Person member = world.member();

    // At or above the threshold, one coupon; the same request again answers with the same coupon.
    String saleKey = key();
    JsonObject sale = new JsonObject().put("memberCode", world.code(member)).put("spendFen", 3500).put("orderRef", "T-1");
    JsonArray issued = expect(200, world.pos(tea, "accrue", saleKey, sale)).getJsonArray("couponsIssued");
    assertEquals(1, issued.size());
    JsonObject coupon = issued.getJsonObject(0);
    assertEquals(campaign, coupon.getLong("campaignId"));
    assertEquals(issued, expect(200, world.pos(tea, "accrue", saleKey, sale)).getJsonArray("couponsIssued"));
    // Below it, none.
    assertEquals(new JsonArray(), expect(200, world.pos(tea, "accrue", key(), new JsonObject()
        .put("memberCode", world.code(member)).put("spendFen", 2999).put("orderRef", "T-2"))).getJsonArray("couponsIssued"));
    JsonArray mine = expect(200, api.get("/v1/members/me/coupons", member.token())).getJsonArray("items");
    assertEquals(1, mine.size(), "the retry made no second coupon: " + mine.encode());
    assertEquals(coupon.getLong("id"), mine.getJsonObject(0).getLong("id"));

    // The honouring shop's till sees it with its code; a shop the campaign does not name sees none.
    JsonArray atFlorist = expect(200, world.pos(florist, "identify", key(),
        new JsonObject().put("memberCode", world.code(member)))).getJsonArray("coupons");
    assertEquals(1, atFlorist.size());
    JsonObject listed = atFlorist.getJsonObject(0);
    assertEquals(coupon.getLong("id"), listed.getLong("id"));
    assertEquals(coupon.getString("code"), listed.getString("code"));
    assertEquals("tea to flowers", listed.getString("campaignName"));
    assertEquals(500, listed.getJsonObject("benefit").getLong("amountFen"));
    assertEquals(2000, listed.getLong("minSpendFen"));
    assertTrue(listed.getString("validUntil") != null);
    assertEquals(new JsonArray(), expect(200, world.pos(bakery, "identify", key(),
        new JsonObject().put("memberCode", world.code(member)))).getJsonArray("coupons"));
    assertEquals(new JsonArray(), expect(200, world.pos(tea, "identify", key(),
        new JsonObject().put("memberCode", world.code(member)))).getJsonArray("coupons"), "the issuer does not honour it");
  }

  @Test
  void aPngCodeIsDecodedByZxingRedeemedOnceAndRefusedTheSecondTime() throws Exception {
    Person member = world.member();
    world.phone(member);
    world.grant(member, cafe, 500);
    HttpResponse<Buffer> png = api.get("/v1/members/me/code?format=png", member.token());
    assertEquals(200, png.statusCode());
    assertEquals("image/png", png.getHeader("Content-Type"));
    var image = ImageIO.read(new ByteArrayInputStream(png.body().getBytes()));
    String code = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))))
        .getText();
    assertTrue(code.matches("88[0-9]{18}"), code);
    assertEquals(code, api.get("/v1/members/me/code?format=text", member.token()).bodyAsString(),
        "the digits a scanner test compares with");
    var qr = QrRender.encode(code);
    assertEquals(1, qr.getVersion().getVersionNumber());
    assertEquals(com.google.zxing.qrcode.decoder.Mode.NUMERIC, qr.getMode());

    JsonObject hold = expect(200, world.pos(books, "reserve", key(), new JsonObject().put("memberCode", code).put("points", 120)));
    assertEquals(member.handle(), hold.getString("memberHandle"));
    JsonObject committed = expect(200, world.pos(books, "commit", key(), new JsonObject().put("holdId", hold.getString("holdId"))));
    assertEquals(120, committed.getLong("points"));
    assertEquals(380, world.available(member));

    HttpResponse<Buffer> again = world.pos(books, "reserve", key(), new JsonObject().put("memberCode", code).put("points", 10));
    assertEquals(409, again.statusCode());
    assertEquals("code_already_used", problemCode(again));
    assertEquals(380, world.available(member));
    // The server moves on to the next counter once a code is used.
    JsonObject next = expect(200, api.get("/v1/members/me/code?format=json", member.token()));
    assertEquals(1, next.getInteger("counter"));

    String svg = api.get("/v1/members/me/code?format=svg", member.token()).bodyAsString();
    assertTrue(svg.startsWith("<svg") && svg.contains("<path"), svg);
  }

  @Test
  void aMemberWithoutAPhoneHasNoCode() {
    Person member = world.member();
    assertRefused("no_device", 409, api.get("/v1/members/me/code", member.token()));
    assertRefused("device_not_found", 404, api.get("/v1/members/me/code?deviceId=99999999", member.token()));
  }

  @Test
  void aHundredConcurrentReservesNeverOverdrawOneBalance() throws Exception {
    Person member = world.member();
    world.grant(member, cafe, 1000);
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      codes.add(world.code(member));
    }
    ExecutorService pool = Executors.newFixedThreadPool(32);
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (String code : codes) {
      Callable<HttpResponse<Buffer>> reserve = () -> world.pos(books, "reserve", key(),
          new JsonObject().put("memberCode", code).put("points", 30));
      calls.add(pool.submit(reserve));
    }
    int held = 0;
    int refused = 0;
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> r = call.get();
      if (r.statusCode() == 200) {
        held++;
      } else {
        assertEquals("insufficient_points", problemCode(r), r.bodyAsString());
        refused++;
      }
    }
    pool.shutdown();
    assertEquals(33, held, "1000 points hold 33 reserves of 30");
    assertEquals(67, refused);
    assertEquals(10, world.available(member));
  }

  /**
   * A sale with a fresh member code claims its key and uses its code in one statement
   * (PosMembers.OPEN_BY_CODE). A key seen before must not use the code: a retry replays, another
   * request under the key is refused, and the code it carried still works for its own sale.
   */
  @Test
  void aKeySeenBeforeUsesNoCodeWhenItOpens() {
    Person member = world.member();
    String accrueKey = key();
    JsonObject sale = new JsonObject().put("memberCode", world.code(member)).put("spendFen", 1200);
    JsonObject first = expect(200, world.pos(cafe, "accrue", accrueKey, sale));
    assertEquals(12, first.getLong("points"));
    // The same request again, the same code: the first answer, nothing earned twice.
    HttpResponse<Buffer> again = world.pos(cafe, "accrue", accrueKey, sale);
    assertEquals(first, expect(200, again));
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    // Another request under that key, with a fresh code: refused, and the fresh code is not used up.
    String fresh = world.code(member);
    assertRefused("idempotency_key_reused", 409, world.pos(cafe, "accrue", accrueKey,
        new JsonObject().put("memberCode", fresh).put("spendFen", 5000)));
    assertRefused("idempotency_key_reused", 409, world.pos(cafe, "reserve", accrueKey,
        new JsonObject().put("memberCode", fresh).put("points", 1)));
    assertEquals(12, world.available(member));
    JsonObject withFresh = expect(200, world.pos(cafe, "accrue", key(), new JsonObject().put("memberCode", fresh)
        .put("spendFen", 5000)));
    assertEquals(50, withFresh.getLong("points"));
    assertEquals(62, world.available(member));
    // Used now: the next request with it is refused, and that refusal is its key's answer.
    String refusedKey = key();
    JsonObject replayedRefusal = new JsonObject().put("memberCode", fresh).put("spendFen", 100);
    assertRefused("code_already_used", 409, world.pos(cafe, "accrue", refusedKey, replayedRefusal));
    HttpResponse<Buffer> refusedAgain = world.pos(cafe, "accrue", refusedKey, replayedRefusal);
    assertRefused("code_already_used", 409, refusedAgain);
    assertEquals("true", refusedAgain.getHeader("Idempotent-Replayed"));
    assertEquals(62, world.available(member));
  }

  @Test
  void theSameKeyGivesTheFirstAnswerAndAnotherRequestUnderItIsRefused() {
    Person member = world.member();
    world.grant(member, cafe, 300);
    JsonObject hold = expect(200, world.pos(cafe, "reserve", key(), new JsonObject().put("memberCode", world.code(member)).put("points", 100)));
    String commitKey = key();
    JsonObject body = new JsonObject().put("holdId", hold.getString("holdId")).put("points", 60);
    HttpResponse<Buffer> first = world.pos(cafe, "commit", commitKey, body);
    HttpResponse<Buffer> second = world.pos(cafe, "commit", commitKey, body);
    assertEquals(first.bodyAsJsonObject(), second.bodyAsJsonObject());
    assertEquals("true", second.getHeader("Idempotent-Replayed"));
    assertEquals(240, world.available(member), "60 taken once; the other 40 of the hold went back");

    HttpResponse<Buffer> reused = world.pos(cafe, "commit", commitKey, body.copy().put("points", 70));
    assertRefused("idempotency_key_reused", 409, reused);
    assertRefused("hold_already_resolved", 409, world.pos(cafe, "commit", key(), body));
    assertRefused("hold_not_found", 404, world.pos(books, "release", key(), new JsonObject().put("holdId", hold.getString("holdId"))));

    JsonObject status = world.status(cafe, commitKey);
    assertEquals("completed", status.getString("state"));
    assertEquals(first.bodyAsJsonObject(), status.getJsonObject("response"));
    assertEquals("unknown", world.status(cafe, key()).getString("state"));
    // Another terminal's keys are its own: the same key there is unknown.
    assertEquals("unknown", world.status(books, commitKey).getString("state"));

    HttpResponse<Buffer> noKey = world.pos(cafe, "accrue", null, new JsonObject().put("memberCode", world.code(member)).put("spendFen", 100));
    assertEquals(400, noKey.statusCode());
    assertEquals(240, world.available(member));
  }

  @Test
  void aRefusalIsRecordedAndEveryRetryGetsTheSameProblemDocument() {
    Person member = world.member();
    world.grant(member, cafe, 10);
    String reserveKey = key();
    JsonObject reserve = new JsonObject().put("memberCode", world.code(member)).put("points", 50);
    HttpResponse<Buffer> first = world.pos(cafe, "reserve", reserveKey, reserve);
    HttpResponse<Buffer> again = world.pos(cafe, "reserve", reserveKey, reserve);
    assertRefused("insufficient_points", 409, first);
    assertEquals("application/problem+json", again.getHeader("Content-Type"));
    assertEquals("true", again.getHeader("Idempotent-Replayed"));
    assertEquals(first.bodyAsJsonObject(), again.bodyAsJsonObject());
    assertEquals("Conflict", first.bodyAsJsonObject().getString("title"));
    assertEquals("/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId() + "/pos/reserve",
        first.bodyAsJsonObject().getString("instance"));
    // Recorded without instance, which each answer adds: the request's path.
    JsonObject recorded = first.bodyAsJsonObject().copy();
    recorded.remove("instance");
    assertEquals(recorded, world.status(cafe, reserveKey).getJsonObject("response"));
    assertEquals(10, world.available(member));
  }

  @Test
  void aReserveIsReleasedByItsKeyAndTimesOut() {
    Person member = world.member();
    world.grant(member, cafe, 100);
    String reserveKey = key();
    expect(200, world.pos(cafe, "reserve", reserveKey, new JsonObject().put("memberCode", world.code(member)).put("points", 70)));
    assertEquals(30, world.available(member));
    JsonObject released = expect(200, world.pos(cafe, "release", key(), new JsonObject().put("reserveKey", reserveKey)));
    assertEquals(70, released.getLong("released"));
    assertEquals(100, world.available(member));
  }

  @Test
  void identifyOpensAVisitForEarningAndRedeemingAtThatTerminalOnly() {
    Person member = world.member();
    world.grant(member, cafe, 50);
    JsonObject who = expect(200, world.pos(cafe, "identify", key(), new JsonObject().put("memberCode", world.code(member))));
    assertEquals(member.handle(), who.getString("memberHandle"));
    assertEquals(50, who.getLong("availablePoints"));
    String visit = who.getString("visitId");
    JsonObject earned = expect(200, world.pos(cafe, "accrue", key(), new JsonObject().put("visitId", visit).put("spendFen", 2599)));
    assertEquals(25, earned.getLong("points"));
    JsonObject hold = expect(200, world.pos(cafe, "reserve", key(), new JsonObject().put("visitId", visit).put("points", 75)));
    expect(200, world.pos(cafe, "commit", key(), new JsonObject().put("holdId", hold.getString("holdId"))));
    assertEquals(0, world.available(member));
    assertRefused("visit_invalid", 422, world.pos(books, "accrue", key(), new JsonObject().put("visitId", visit).put("spendFen", 100)));
    api.clock.advance(Duration.ofMinutes(6));
    try {
      assertRefused("visit_invalid", 422, world.pos(cafe, "accrue", key(), new JsonObject().put("visitId", visit).put("spendFen", 100)));
    } finally {
      api.clock.advance(Duration.ofMinutes(-6));
    }
  }

  @Test
  void partialRefundsReverseInProportionAndNeverMoreThanTheSale() {
    Person member = world.member();
    JsonObject accrual = expect(200, world.pos(cafe, "accrue", key(), new JsonObject().put("memberCode", world.code(member)).put("spendFen", 3850)));
    assertEquals(38, accrual.getLong("points"));
    String id = accrual.getString("accrualId");
    JsonObject half = expect(200, world.pos(cafe, "refund", key(), new JsonObject().put("accrualId", id).put("refundFen", 1925)));
    assertEquals(19, half.getLong("pointsReversed"));
    JsonObject tenth = expect(200, world.pos(cafe, "refund", key(), new JsonObject().put("accrualId", id).put("refundFen", 385)));
    assertEquals(3, tenth.getLong("pointsReversed"), "running total: floor(38*2310/3850) = 22, 3 more than 19");
    assertRefused("refund_exceeds_sale", 422, world.pos(cafe, "refund", key(), new JsonObject().put("accrualId", id).put("refundFen", 1541)));
    JsonObject rest = expect(200, world.pos(cafe, "refund", key(), new JsonObject().put("accrualId", id).put("refundFen", 1540)));
    assertEquals(16, rest.getLong("pointsReversed"), "all 38 back once all is refunded");
    assertEquals(0, world.available(member));
    assertRefused("accrual_not_found", 404, world.pos(books, "refund", key(), new JsonObject().put("accrualId", id).put("refundFen", 1)));
  }

  @Test
  void aRefundAfterThePointsWereSpentElsewhereTakesWhatIsThereAndRecoversTheRest() {
    Person member = world.member();
    JsonObject accrual = expect(200, world.pos(cafe, "accrue", key(), new JsonObject().put("memberCode", world.code(member)).put("spendFen", 10000)));
    assertEquals(100, accrual.getLong("points"));
    JsonObject hold = expect(200, world.pos(books, "reserve", key(), new JsonObject().put("memberCode", world.code(member)).put("points", 80)));
    expect(200, world.pos(books, "commit", key(), new JsonObject().put("holdId", hold.getString("holdId"))));
    assertEquals(20, world.available(member));

    JsonObject refund = expect(200, world.pos(cafe, "refund", key(), new JsonObject().put("accrualId", accrual.getString("accrualId")).put("refundFen", 10000)));
    assertEquals(100, refund.getLong("pointsDue"));
    assertEquals(20, refund.getLong("pointsReversed"));
    assertEquals(80, refund.getLong("shortfallPoints"));
    assertEquals(0, world.available(member), "never below zero");
    // The member sees the debt: 80 owed to the café for that sale, and the 20 the refund took.
    assertEquals(80, expect(200, api.get("/v1/members/me", member.token())).getLong("owedPoints"));
    JsonObject activity = expect(200, api.get("/v1/members/me/activity", member.token()));
    assertDebt(activity, accrual.getString("accrualId"), cafe.shopId(), 80, 0);
    assertEquals(-20, activity.getJsonArray("history").getJsonObject(0).getLong("points"));
    assertEquals("pos_refund", activity.getJsonArray("history").getJsonObject(0).getString("code"));

    JsonObject next = expect(200, world.pos(books, "accrue", key(), new JsonObject().put("memberCode", world.code(member)).put("spendFen", 5000)));
    assertEquals(50, next.getLong("points"), "the member earns the full amount");
    assertEquals(50, next.getLong("recoveredPoints"), "and it pays back what is owed first");
    assertEquals(0, world.available(member));
    assertEquals(30, expect(200, api.get("/v1/members/me", member.token())).getLong("owedPoints"));
    activity = expect(200, api.get("/v1/members/me/activity", member.token()));
    assertDebt(activity, accrual.getString("accrualId"), cafe.shopId(), 80, 50);
    JsonObject repaid = activity.getJsonArray("history").getJsonObject(0);
    assertEquals("pos_recovery", repaid.getString("code"), activity.encodePrettily());
    assertEquals(-50, repaid.getLong("points"));
    assertEquals(cafe.shopId(), repaid.getLong("shopId"), "paid back to the café");
    JsonObject after = expect(200, world.pos(books, "accrue", key(), new JsonObject().put("memberCode", world.code(member)).put("spendFen", 5000)));
    assertEquals(30, after.getLong("recoveredPoints"));
    assertEquals(20, world.available(member));
    assertEquals(0, expect(200, api.get("/v1/members/me", member.token())).getLong("owedPoints"));
    assertEquals(0, expect(200, api.get("/v1/members/me/activity", member.token())).getJsonArray("debts").size());
    JsonObject clear = expect(200, world.pos(books, "accrue", key(), new JsonObject().put("memberCode", world.code(member)).put("spendFen", 1000)));
    assertEquals(0, clear.getLong("recoveredPoints"), "nothing owed any more");
    assertEquals(30, world.available(member));

    // The café gave 100 and got all 100 back: 20 by the refund, 80 recovered, all as reversals of that earn.
    assertEquals(100, api.count("/* test */ select sum(amount) from ledger_transfer where reverses_id = '"
        + accrual.getString("accrualId") + "'"));
    assertEquals(3, api.count("/* test */ select count(*) from ledger_transfer where reverses_id = '"
        + accrual.getString("accrualId") + "'"));
    assertEquals(80, api.count("/* test */ select recovered_points from pos_accrual where id = '" + accrual.getString("accrualId") + "'"));
  }

  @Test
  void offlineAccrualsAreCheckedAtTheirScanTimeButOnlyOnce() {
    Person member = world.member();
    String scannedAt = api.clock.instant().toString();
    String code = world.code(member);
    String spendCode = world.code(member);
    api.clock.advance(Duration.ofMinutes(10)); // long expired, yet well within the offline grace (and our tokens' life)
    try {
      JsonObject sale = new JsonObject().put("memberCode", code).put("spendFen", 1000);
      assertRefused("code_expired", 422, world.pos(cafe, "accrue", key(), sale.copy()));
      // A body the POS refuses as it reads it is an answer recorded for the key, like any refusal.
      String noScanTime = key();
      assertRefused("scanned_at_required", 400,
          world.pos(cafe, "accrue", noScanTime, sale.copy().put("offline", true)));
      HttpResponse<Buffer> again = world.pos(cafe, "accrue", noScanTime, sale.copy().put("offline", true));
      assertRefused("scanned_at_required", 400, again);
      assertEquals("true", again.getHeader("Idempotent-Replayed"));
      // A scan time that does not fit the code's step is no help: the code is as old as ever.
      assertRefused("code_expired", 422, world.pos(cafe, "accrue", key(), sale.copy().put("offline", true)
          .put("scannedAt", api.clock.instant().minus(Duration.ofMinutes(8)).toString())));
      expect(200, world.pos(cafe, "accrue", key(), sale.copy().put("offline", true).put("scannedAt", scannedAt)));
      assertRefused("code_already_used", 409, world.pos(cafe, "accrue", key(), sale.copy().put("offline", true)
          .put("scannedAt", scannedAt)));
      // Spending has no offline grace: it needs a live code.
      assertRefused("code_expired", 422, world.pos(cafe, "reserve", key(), new JsonObject().put("memberCode", spendCode).put("points", 1)));
    } finally {
      api.clock.advance(Duration.ofMinutes(-10));
    }
    // Read more than 72 hours ago: too late even for an accrual queued offline.
    java.time.Instant longAgo = api.clock.instant().minus(Duration.ofHours(73));
    String old = world.phone(member).codeAt(io.linkpoints.qr.Lp2Code.stepOf(longAgo), 5);
    assertRefused("code_expired", 422, world.pos(cafe, "accrue", key(), new JsonObject().put("memberCode", old)
        .put("spendFen", 1000).put("offline", true).put("scannedAt", longAgo.toString())));
    assertEquals(10, world.available(member));
  }

  @Test
  void aShopCodeOnAReceiptIsClaimedOnceByOneMember() {
    Person member = world.member();
    Person other = world.member();
    String createKey = key();
    JsonObject made = expect(200, world.pos(cafe, "claim-codes", createKey, new JsonObject().put("spendFen", 3850)));
    assertEquals(38, made.getLong("points"));
    assertEquals(made, expect(200, world.pos(cafe, "claim-codes", createKey, new JsonObject().put("spendFen", 3850))));
    String code = made.getString("claimCode");
    JsonObject claimed = expect(200, api.post("/v1/members/me/claims", member.token(), new JsonObject().put("code", code)));
    assertEquals(38, claimed.getLong("points"));
    assertEquals(false, claimed.getBoolean("alreadyClaimed"));
    assertEquals(claimed.copy().put("alreadyClaimed", true),
        expect(200, api.post("/v1/members/me/claims", member.token(), new JsonObject().put("code", code))));
    assertRefused("code_already_used", 409, api.post("/v1/members/me/claims", other.token(), new JsonObject().put("code", code)));
    assertRefused("code_invalid", 422, api.post("/v1/members/me/claims", other.token(), new JsonObject().put("code", "LPS1:nope")));
    assertEquals(38, world.available(member));
    assertEquals(0, world.available(other));
  }

  @Test
  void theWalletReadsTheQrCodeInAPhotoOfAShopCode() throws Exception {
    Person member = world.member();
    String code = expect(200, world.pos(cafe, "claim-codes", key(), new JsonObject().put("points", 12))).getString("claimCode");
    String png = Base64.getEncoder().encodeToString(QrRender.png(code));
    assertEquals(code, expect(200, api.post("/v1/members/me/scan", member.token(),
        new JsonObject().put("image", "data:image/png;base64," + png))).getString("text"));
    assertEquals(code, expect(200, api.post("/v1/members/me/scan", member.token(),
        new JsonObject().put("image", png))).getString("text"));
    // A photo of something else, or not a picture at all.
    java.io.ByteArrayOutputStream blank = new java.io.ByteArrayOutputStream();
    ImageIO.write(new java.awt.image.BufferedImage(200, 200, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", blank);
    assertRefused("qr_not_found", 422, api.post("/v1/members/me/scan", member.token(),
        new JsonObject().put("image", Base64.getEncoder().encodeToString(blank.toByteArray()))));
    assertRefused("image_unreadable", 422, api.post("/v1/members/me/scan", member.token(),
        new JsonObject().put("image", Base64.getEncoder().encodeToString("not a picture".getBytes()))));
    assertRefused("image_unreadable", 422, api.post("/v1/members/me/scan", member.token(),
        new JsonObject().put("image", "%%%")));
    // Up to 2 MB of image is read; more is refused, and only this route takes a body that large.
    String big = Base64.getEncoder().encodeToString(new byte[2 * 1024 * 1024 + 1]);
    assertRefused("image_unreadable", 422, api.post("/v1/members/me/scan", member.token(), new JsonObject().put("image", big)));
    assertEquals(413, api.post("/v1/members/me/claims", member.token(), new JsonObject().put("code", big)).statusCode());
    assertEquals(0, world.available(member), "reading a code claims nothing");
  }

  @Test
  void aRevokedTerminalIsRefused() {
    Till spare = world.terminal(cafe.shopId(), cafe.ownerToken(), "spare till");
    expect(200, api.post("/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId() + "/terminals/"
        + spare.terminalId() + "/revoke", cafe.ownerToken(), null));
    assertRefused("terminal_revoked", 401, world.pos(spare, "accrue", key(), new JsonObject().put("memberCode", "88000000010019965001").put("spendFen", 100)));
  }

  /** The activity's only open debt is this sale's, with so much short and so much paid back. */
  private static void assertDebt(JsonObject activity, String accrualId, long shopId, long shortfall, long recovered) {
    io.vertx.core.json.JsonArray debts = activity.getJsonArray("debts");
    assertEquals(1, debts.size(), activity.encodePrettily());
    JsonObject debt = debts.getJsonObject(0);
    assertEquals(accrualId, debt.getString("accrualId"));
    assertEquals(shopId, debt.getLong("shopId"));
    assertEquals(100, debt.getLong("earnedPoints"));
    assertEquals(shortfall, debt.getLong("shortfallPoints"));
    assertEquals(recovered, debt.getLong("recoveredPoints"));
    assertEquals(shortfall - recovered, debt.getLong("owedPoints"));
  }

  private static void assertRefused(String code, int status, HttpResponse<Buffer> r) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, problemCode(r));
  }
}
