package io.linkpoints.web;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.ContractCheck;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.SchemaSamples;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The contract, attacked from its own schemas. For every operation of openapi.yaml and every role
 * that may call it (with that role's real token and the ids of real things in a world built
 * through the API), it sends requests generated from the schemas, both valid ones and invalid ones
 * (wrong types, missing required fields, out of range, huge strings, malformed JSON, ids past
 * int64, non-UUIDs, unknown ids, bad Idempotency-Keys), and holds the server to the contract: no
 * 5xx; only statuses the operation lists; errors are problem+json with a code; successful bodies
 * valid against their schema; a request the contract calls valid is not refused as malformed, and
 * one it calls invalid is not accepted. Seeded: the same requests every run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractFuzzTest {
  private static final long SEED = 11_2026L;
  private static final int VALID_PER_CALLER = 6;
  private static final String PAST_INT64 = "9223372036854775808";
  private static final String KEY_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-";
  /**
   * 400 codes a schema-valid request may still get: rules between fields or against the world
   * that JSON Schema cannot state (each is described in the contract's prose).
   */
  private static final Set<String> SEMANTIC_400 = Set.of(
      "invalid_window", // validUntil must be after validFrom
      "invalid_range", // customer-overlap: from must not be after to, at most 366 days
      "parties_must_differ", // a settlement adjustment's payer and payee
      "invalid_funding", // a campaign's funding split names its shops and sums to 10000
      "unknown_shop", // a campaign's issuing/honouring/funding shops must be of the alliance
      "creator_not_named", // the shop creating a campaign issues or honours it
      "invalid_promotion", // a promotion's kind and boost, window ends or dates contradict each other
      "invalid_adjustment", // a points adjustment's accrualId for (only for) a correction of a sale, which debits
      "invalid_import_file", // a member import's CSV: empty, wrong header, not UTF-8 (the contract says string)
      "invalid_passport", // a passport's shares sum to 10000, stamps required within its shops, dates in order
      "invalid_time_zone", // a name of the right shape that is no IANA time zone
      "invalid_tiers", // tier thresholds strictly increase from one level to the next
      "invalid_birthday", // a birthday's day within its month (Feb 29 allowed)
      "invalid_tier_perks", // a shop's perks name levels the tiers have, each level and campaign once
      "endpoint_not_allowed", // a webhook URL must be http(s) on a host that resolves to public addresses only
      "scanned_at_required"); // an accrual queued offline says when its code was scanned
  /** Codes that say "your request does not fit the contract": never right for one that does. */
  private static final Set<String> SHAPE_CODES = Set.of("validation_failed", "malformed_json",
      "idempotency_key_required", "invalid_parameter", "bad_request");

  private Vertx vertx;
  private ApiFixture api;
  private final ContractCheck contract = ContractCheck.shared();
  private final SchemaSamples samples = new SchemaSamples(contract, SEED);
  private final Map<String, String> tokens = new LinkedHashMap<>();
  private final Map<String, String> ids = new TreeMap<>();
  /** Path values for one operation only, over {@link #ids}: a shop's exit is started on a shop of its own. */
  private final Map<String, Map<String, String>> idsOf = new TreeMap<>();
  private final List<String> mismatches = new ArrayList<>();
  private int sent;
  private int sentValid;
  private final Map<Integer, Integer> statuses = new TreeMap<>();
  private final Set<String> succeeded = new java.util.HashSet<>();
  /** The live world the success requests are built from (see {@link #liveSuccesses}). */
  private PosWorld world;
  private PosWorld.Till cafe;
  private PosWorld.Till books;
  private PosWorld.Person member;
  /** A member whose account the fuzz closes (closeMyAccount), so the world's member stays. */
  private String leaverToken;
  /**
   * Operations allowed to end the run without a 2xx, each with the reason it cannot succeed here.
   * Empty: every operation of the contract succeeds at least once in this world.
   */
  private static final Map<String, String> NEVER_2XX_ALLOWED = Map.of();

  @BeforeAll
  void world() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    PosWorld w = new PosWorld(api, "fz");
    PosWorld.Till cafe = w.shop("Fuzz Café");
    PosWorld.Till books = w.shop("Fuzz Books");
    this.world = w;
    this.cafe = cafe;
    this.books = books;
    String shops = "/v1/alliances/" + w.allianceId + "/shops/";
    expect(201, api.post(shops + cafe.shopId() + "/staff", cafe.ownerToken(), new JsonObject()
        .put("username", "fz-cashier").put("password", "cashier-password-1").put("role", "cashier")));
    PosWorld.Person member = w.member();
    w.grant(member, cafe, 5_000);
    this.member = member;
    // Tiers defined, so the tier reads (getTiers, getMyTier) have something to answer.
    expect(200, api.send(HttpMethod.PUT, "/v1/alliances/" + w.allianceId + "/tiers", w.adminToken,
        tierDefinitions(1)));

    JsonObject campaign = expect(201, api.post(shops + cafe.shopId() + "/campaigns", cafe.ownerToken(),
        new JsonObject().put("name", "fuzz promotion")
            .put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 1000))
            .put("validFrom", api.clock.instant().minus(Duration.ofHours(1)).toString())
            .put("validUntil", api.clock.instant().plus(Duration.ofDays(30)).toString())
            .put("inventory", 1000).put("perMemberLimit", 100).put("marketPricePoints", 30)
            .put("issuingShopIds", new JsonArray().add(cafe.shopId()))
            .put("honouringShopIds", new JsonArray().add(books.shopId()))
            .put("funding", new JsonArray().add(new JsonObject().put("shopId", cafe.shopId()).put("basisPoints", 10000)))));
    long campaignId = campaign.getLong("id");
    expect(200, api.post(shops + books.shopId() + "/campaigns/" + campaignId + "/accept", books.ownerToken(), null));
    expect(201, api.send(HttpMethod.POST, "/v1/members/me/coupon-market/exchange", member.token(),
        new JsonObject().put("campaignId", campaignId), Map.of("Idempotency-Key", "fuzz-exchange")));
    long couponId = expect(200, api.get("/v1/members/me/coupons", member.token())).getJsonArray("items")
        .getJsonObject(0).getLong("id");

    String month = YearMonth.now(ZoneId.of("Asia/Shanghai")).minusMonths(1).toString();
    long periodId = expect(201, api.post("/v1/alliances/" + w.allianceId + "/settlement/periods", w.adminToken,
        new JsonObject().put("month", month))).getLong("id");
    UUID transferId = UUID.randomUUID();
    long issuance = await(api.app.ledger().accountOf(w.allianceId, AccountKind.MERCHANT_ISSUANCE, cafe.shopId()))
        .orElseThrow().id();
    await(api.app.ledger().transfer(w.allianceId, transferId, issuance, w.walletId(member), 10, "earn"));
    // A webhook endpoint (on a public address, never reached offline) before the accrual, so it has a delivery.
    String webhookId = expect(201, api.post("/v1/alliances/" + w.allianceId + "/webhooks", cafe.ownerToken(),
        new JsonObject().put("url", "https://93.184.215.14/fuzz").put("eventTypes", new JsonArray().add("points.earned"))))
        .getString("id");
    String posKey = "fuzz-accrual-1";
    expect(200, w.pos(cafe, "accrue", posKey, new JsonObject().put("memberCode", w.code(member))
        .put("spendFen", 1000).put("orderRef", "fz-1")));
    long promotionId = expect(201, api.post(shops + cafe.shopId() + "/promotions", cafe.ownerToken(),
        new JsonObject().put("name", "fuzz double").put("kind", "multiplier").put("multiplierPermille", 2000)
            .put("startsOn", "2026-01-01").put("endsOn", "2030-12-31"))).getLong("id");
    // A passport over both shops, consented by both: its reads and pauses have something to answer.
    long passportId = expect(201, api.post("/v1/alliances/" + w.allianceId + "/passports", w.adminToken,
        passportBody(cafe.shopId(), books.shopId()))).getLong("id");
    for (PosWorld.Till t : List.of(cafe, books)) {
      expect(200, api.post(shops + t.shopId() + "/passports/" + passportId + "/consent", t.ownerToken(), null));
    }
    // A points adjustment waiting for the admin (above the default threshold of 500) for the generic decisions.
    long adjustmentId = expect(201, api.send(HttpMethod.POST, shops + cafe.shopId() + "/point-adjustments",
        cafe.ownerToken(), new JsonObject().put("memberHandle", member.handle()).put("points", 600)
            .put("reason", "goodwill"), Map.of(IdempotencyKeys.HEADER, "fuzz-adjustment-1"))).getLong("id");
    // Starting a shop's exit is one of the operations: it gets a shop of its own (once the café's exit
    // had started, the café would issue nothing: docs/shop-exit.md).
    Map<String, String> leaving = Map.of("shopId", String.valueOf(w.shop("fz leaving").shopId()));
    idsOf.put("startShopExit", leaving);
    idsOf.put("getShopExit", leaving);
    idsOf.put("cancelShopExit", leaving);
    // Revoking is one of the operations: it gets a terminal of its own, not the till's.
    long spareTerminal = expect(201, api.post(shops + cafe.shopId() + "/terminals", cafe.ownerToken(),
        new JsonObject().put("name", "spare"))).getLong("id");

    tokens.put("admin", w.adminToken);
    tokens.put("owner", cafe.ownerToken());
    tokens.put("cashier", api.staffToken(w.allianceId, "fz-cashier", "cashier-password-1"));
    tokens.put("terminal", cafe.token());
    tokens.put("member", member.token());
    leaverToken = w.member().token();
    tokens.put("operator", api.app.operatorToken());
    ids.put("allianceId", String.valueOf(w.allianceId));
    ids.put("shopId", String.valueOf(cafe.shopId()));
    ids.put("campaignId", String.valueOf(campaignId));
    ids.put("promotionId", String.valueOf(promotionId));
    ids.put("passportId", String.valueOf(passportId));
    ids.put("adjustmentId", String.valueOf(adjustmentId));
    ids.put("couponId", String.valueOf(couponId));
    ids.put("periodId", String.valueOf(periodId));
    ids.put("accountId", String.valueOf(w.walletId(member)));
    ids.put("transferId", transferId.toString());
    ids.put("terminalId", String.valueOf(spareTerminal));
    ids.put("memberId", String.valueOf(member.memberId()));
    ids.put("idempotencyKey", posKey);
    ids.put("webhookId", webhookId);
    ids.put("deliveryId", expect(200, api.get("/v1/alliances/" + w.allianceId + "/webhooks/" + webhookId
        + "/deliveries", cafe.ownerToken())).getJsonArray("items").getJsonObject(0).getString("id"));
    // A phone of the member's that the device operations may revoke (codes come from the newest).
    ids.put("deviceId", String.valueOf(w.bindPhone(member, "fuzz spare").deviceId));
  }

  @AfterAll
  void close() {
    api.close();
    await(vertx.close());
  }

  @Test
  void everyOperationAnswersAsTheContractSays() {
    long started = System.nanoTime();
    // First, before the generic requests suspend shops, revoke terminals or close periods.
    liveSuccesses();
    for (ContractCheck.Route route : contract.routes()) {
      for (String role : callers(route)) {
        for (int i = 0; i < VALID_PER_CALLER; i++) {
          validRequest(route, role);
        }
        invalidRequests(route, role);
      }
    }
    api.assertLedgerOk();
    long seconds = (System.nanoTime() - started) / 1_000_000_000;
    System.out.printf("contract fuzz: %d requests (%d schema-valid), %d operations, %d s, %d mismatches%n",
        sent, sentValid, contract.routes().size(), seconds, mismatches.size());
    System.out.println("contract fuzz: answers by status " + statuses);
    System.out.println("contract fuzz: operations never answered 2xx: " + contract.routes().stream()
        .map(ContractCheck.Route::operationId).filter(id -> !succeeded.contains(id)).toList());
    mismatches.forEach(m -> System.out.println("  mismatch: " + m));
    assertTrue(sent >= 2_000, "the fuzzer sends a few thousand requests, sent " + sent);
    assertEquals(List.of(), mismatches, mismatches.size() + " mismatches with the contract");
    assertEquals(List.of(), contract.routes().stream().map(ContractCheck.Route::operationId)
        .filter(id -> !succeeded.contains(id) && !NEVER_2XX_ALLOWED.containsKey(id)).toList(),
        "operations never answered 2xx: only their refusals were checked against the contract");
  }

  /** The roles the contract admits to this operation (null: no credentials; "operator": the operator's token). */
  private List<String> callers(ContractCheck.Route route) {
    JsonArray security = route.operation().getJsonArray("security");
    if (security != null && security.isEmpty()) {
      List<String> none = new ArrayList<>();
      none.add(null);
      return none;
    }
    if (security != null && security.getJsonObject(0).containsKey("operatorToken")) {
      return List.of("operator");
    }
    List<String> roles = new ArrayList<>();
    route.operation().getJsonArray("x-roles", new JsonArray()).forEach(r -> roles.add((String) r));
    return roles;
  }

  // --- requests that should succeed, built from live material of the world ---------------------

  /**
   * For the operations whose success needs something only the world can give (a fresh member
   * code, a secret, a hold, a coupon, a code sent by SMS, a month not yet opened), requests built
   * from that material, with seeded schema-generated values around it (keys, order refs, amounts,
   * campaign bodies). Each must be answered 2xx, and the answer is judged like any other.
   */
  private void liveSuccesses() {
    String alliance = "/v1/alliances/" + world.allianceId;
    String shops = alliance + "/shops/";
    String cafePos = shops + cafe.shopId() + "/pos/";

    // Sign-ins: staff with a password, a member with the code its phone received.
    live("staffSignIn", null, alliance + "/staff/sign-in", null, new JsonObject()
        .put("username", "fz-cashier").put("password", "cashier-password-1"));
    String phone = "+86136" + String.format("%08d", samples.random().nextInt(100_000_000));
    expect(202, api.post(alliance + "/members/sign-in/code", null, new JsonObject().put("phone", phone)));
    live("memberSignIn", null, alliance + "/members/sign-in", null, new JsonObject()
        .put("phone", phone).put("code", api.codes.last(world.allianceId, phone)));

    // A terminal: enrolled with the secret createTerminal gave, then trading its device secret.
    String secret = expect(201, api.post(shops + cafe.shopId() + "/terminals", cafe.ownerToken(),
        new JsonObject().put("name", "fuzz live till"))).getString("enrolmentSecret");
    JsonObject enrolled = live("enrolTerminal", null, "/v1/terminals/enrol", null,
        new JsonObject().put("enrolmentSecret", secret));
    live("terminalToken", null, "/v1/terminals/token", null,
        new JsonObject().put("deviceSecret", enrolled.getString("deviceSecret")));

    // Points at the till: identify, reserve and commit, accrue and refund.
    live("posIdentify", cafe.token(), cafePos + "identify", key(), new JsonObject().put("memberCode", memberCode()));
    // A quote with a generated spend: generated bodies rarely pass its schema, so one is built.
    live("posQuote", cafe.token(), cafePos + "quote", null, new JsonObject()
        .put("spendFen", 1 + samples.random().nextInt(1_000_000)));
    long points = 1 + samples.random().nextInt(200);
    String holdId = live("posReserve", cafe.token(), cafePos + "reserve", key(), new JsonObject()
        .put("memberCode", memberCode()).put("points", points).put("orderRef", orderRef())).getString("holdId");
    JsonObject commit = new JsonObject().put("holdId", holdId);
    if (samples.random().nextBoolean()) {
      commit.put("points", 1 + samples.random().nextInt((int) points)); // a partial capture
    }
    live("posCommit", cafe.token(), cafePos + "commit", key(), commit);
    long spend = 100 + samples.random().nextInt(100_000);
    JsonObject accrual = new JsonObject().put("memberCode", memberCode()).put("spendFen", spend);
    if (samples.random().nextBoolean()) {
      accrual.put("orderRef", orderRef());
    }
    String accrualId = live("posAccrue", cafe.token(), cafePos + "accrue", key(), accrual).getString("accrualId");
    live("posRefund", cafe.token(), cafePos + "refund", key(), new JsonObject()
        .put("accrualId", accrualId).put("refundFen", 1 + samples.random().nextInt((int) spend)));

    // A promotion whose generated fields agree (a bonus, all day, a date range in order).
    live("createPromotion", cafe.ownerToken(), shops + cafe.shopId() + "/promotions", null, new JsonObject()
        .put("name", "fuzz bonus " + samples.random().nextInt(1000)).put("kind", "bonus")
        .put("bonusPoints", 1 + samples.random().nextInt(1000)).put("minSpendFen", samples.random().nextInt(10_000))
        .put("startsOn", "2026-01-01").put("endsOn", "2027-12-31"));

    // A member found by phone, by the owner and by the admin.
    live("searchShopMemberDevices", cafe.ownerToken(), shops + cafe.shopId() + "/member-devices/search", null,
        new JsonObject().put("phone", world.phoneNumber(member)));
    live("searchMemberDevices", world.adminToken, alliance + "/member-devices/search", null,
        new JsonObject().put("phone", world.phoneNumber(member)));

    // A shop's exit, ending in a month (the generic requests' end dates are seldom in range).
    live("startShopExit", world.adminToken, shops + idsOf.get("startShopExit").get("shopId") + "/exit", null,
        new JsonObject().put("endDate", java.time.LocalDate.ofInstant(api.clock.instant(), ZoneId.of("Asia/Shanghai"))
            .plusMonths(1).toString()).put("mode", "charge_to_fund"));

    // A shop code for a receipt, collected by the member. Made here, before the generic requests may
    // start the café's exit (from then it issues nothing: docs/shop-exit.md).
    String shopCode = live("posCreateClaimCode", cafe.token(), cafePos + "claim-codes", key(),
        new JsonObject().put("points", 25)).getString("claimCode");
    live("claimShopCode", member.token(), "/v1/members/me/claims", null, new JsonObject().put("code", shopCode));

    // A campaign from a generated body whose window is valid, and its one-claim code claimed.
    JsonObject campaign = campaignBody();
    long campaignId = live("createCampaign", cafe.ownerToken(), shops + cafe.shopId() + "/campaigns", null, campaign)
        .getLong("id");
    String claimCode = live("createClaimCode", cafe.ownerToken(),
        shops + cafe.shopId() + "/campaigns/" + campaignId + "/claim-codes", null, null).getString("code");
    live("claimCoupon", member.token(), "/v1/members/me/coupons/claim", null, new JsonObject().put("code", claimCode));

    // The coupon the member holds (honoured at the bookshop): reserved and released, then reserved and committed.
    JsonObject coupon = expect(200, api.get("/v1/members/me/coupons", member.token())).getJsonArray("items")
        .stream().map(JsonObject.class::cast).filter(c -> c.getLong("id") == Long.parseLong(ids.get("couponId")))
        .findFirst().orElseThrow();
    String couponHold = live("reserveCoupon", books.token(), "/v1/pos/coupons/reserve", key(), couponReserve(coupon))
        .getString("holdId");
    live("releaseCoupon", books.token(), "/v1/pos/coupons/release", key(), new JsonObject().put("holdId", couponHold));
    couponHold = live("reserveCoupon", books.token(), "/v1/pos/coupons/reserve", key(), couponReserve(coupon))
        .getString("holdId");
    live("commitCoupon", books.token(), "/v1/pos/coupons/commit", key(), new JsonObject().put("holdId", couponHold));

    // A photo of a QR code the API drew (the member's coupon), read back.
    HttpResponse<Buffer> png = api.get("/v1/members/me/coupons/" + ids.get("couponId") + "/qr?format=png", member.token());
    assertEquals(200, png.statusCode(), png.bodyAsString());
    String image = java.util.Base64.getEncoder().encodeToString(png.body().getBytes());
    JsonObject scanned = live("scanQrImage", member.token(), "/v1/members/me/scan", null,
        new JsonObject().put("image", samples.random().nextBoolean() ? "data:image/png;base64," + image : image));
    assertEquals(coupon.getString("code"), scanned.getString("text"), "the QR code read back");

    // Settlement: a month not yet opened, and a correction booked into the open (draft) period.
    YearMonth lastMonth = YearMonth.now(ZoneId.of("Asia/Shanghai")).minusMonths(1); // opened by world()
    live("createSettlementPeriod", world.adminToken, alliance + "/settlement/periods", null,
        new JsonObject().put("month", lastMonth.minusMonths(1 + samples.random().nextInt(24)).toString()));
    boolean cafePays = samples.random().nextBoolean();
    live("createSettlementAdjustment", world.adminToken,
        alliance + "/settlement/periods/" + ids.get("periodId") + "/adjustments", null, new JsonObject()
            .put("payerId", cafePays ? cafe.shopId() : books.shopId()).put("payeeId", cafePays ? books.shopId() : 0)
            .put("amountFen", 1 + samples.random().nextInt(10_000)).put("reason", "fuzz: a live correction"));

    // The member's birthday, set once (generated sets then find it locked, or name no such day).
    live("setMyBirthday", member.token(), "/v1/members/me/birthday", null,
        new JsonObject().put("month", 2).put("day", 29));

    // A shop's tier perks: generated bodies name levels the world's one-level tiers lack.
    live("putShopTierPerks", cafe.ownerToken(), alliance + "/shops/" + cafe.shopId() + "/tier-perks", null,
        new JsonObject().put("levels", new JsonArray().add(new JsonObject().put("level", 1)
            .put("multiplierPermille", 1001 + samples.random().nextInt(9000)))));
    // A passport: generated bodies rarely name the alliance's shops with shares summing to 10000.
    live("createPassport", world.adminToken, alliance + "/passports", null,
        passportBody(cafe.shopId(), books.shopId()).put("rewardPoints", 1 + samples.random().nextInt(1000)));

    // Points adjustments: a handle of the alliance's, one approved and one rejected by the admin (not the proposer).
    JsonObject adjustment = new JsonObject().put("memberHandle", member.handle()).put("reason", "goodwill")
        .put("note", "fuzz");
    live("proposePointAdjustment", cafe.ownerToken(), shops + cafe.shopId() + "/point-adjustments", key(),
        adjustment.copy().put("points", 1 + samples.random().nextInt(500)));
    for (String decision : List.of("approve", "reject")) {
      long id = live("proposePointAdjustment", cafe.ownerToken(), shops + cafe.shopId() + "/point-adjustments", key(),
          adjustment.copy().put("points", 501 + samples.random().nextInt(500))).getLong("id");
      live(decision + "PointAdjustment", world.adminToken, alliance + "/point-adjustments/" + id + "/" + decision,
          null, null);
    }

    // A webhook endpoint on a public address (generated URLs are refused: not public, or not resolvable offline).
    // Each webhook operation on an endpoint of its own, with a delivery of the café's next earn; deleted last.
    String hook = alliance + "/webhooks/" + live("createWebhook", world.adminToken, alliance + "/webhooks", null,
        new JsonObject().put("url", "https://93.184.215." + (1 + samples.random().nextInt(250)) + "/hooks")
            .put("eventTypes", new JsonArray().add("points.earned").add("shop.suspended"))).getString("id");
    live("posAccrue", cafe.token(), cafePos + "accrue", key(), new JsonObject().put("memberCode", memberCode())
        .put("spendFen", 100 + samples.random().nextInt(10_000)));
    live("getWebhook", cafe.ownerToken(), alliance + "/webhooks/" + ids.get("webhookId"), null, null);
    live("disableWebhook", world.adminToken, hook + "/disable", null, null);
    live("enableWebhook", world.adminToken, hook + "/enable", null, null);
    live("rotateWebhookSecret", world.adminToken, hook + "/rotate-secret", null, null);
    String delivery = live("listWebhookDeliveries", world.adminToken, hook + "/deliveries?limit=5", null, null)
        .getJsonArray("items").getJsonObject(0).getString("id");
    live("replayWebhookDelivery", world.adminToken, hook + "/deliveries/" + delivery + "/replay", null, null);
    live("deleteWebhook", world.adminToken, hook, null, null);

    // Tier definitions replaced: generated bodies rarely have strictly increasing thresholds.
    live("putTiers", world.adminToken, alliance + "/tiers", null, tierDefinitions(1 + samples.random().nextInt(10)));

    // A notification of the member's to mark read (the outbox's entry point writes it), and a push
    // subscription a default service accepts: https on a public address (an IP: no DNS needed),
    // with a browser's P-256 key and auth secret.
    io.linkpoints.notifications.Notifications notifications =
        new io.linkpoints.notifications.Notifications(api.app.pool(), api.clock, false);
    long notificationId = await(api.app.pool().withTransaction(conn -> notifications.notifyMember(conn,
        world.allianceId, member.memberId(), "points_earned", new JsonObject().put("points", 10), UUID.randomUUID())))
        .orElseThrow();
    live("markMyNotificationRead", member.token(), "/v1/members/me/notifications/" + notificationId + "/read", null, null);
    String endpoint = "https://203.0.113.7/push/fuzz-" + samples.random().nextInt(1_000_000);
    live("addMyPushSubscription", member.token(), "/v1/members/me/push/subscriptions", null, new JsonObject()
        .put("endpoint", endpoint).put("keys", browserKeys()));
    live("deleteMyPushSubscription", member.token(), "/v1/members/me/push/subscriptions?endpoint="
        + java.net.URLEncoder.encode(endpoint, java.nio.charset.StandardCharsets.UTF_8), null, null);

    // A member import (its body a CSV file): a dry run, the import, and its progress.
    String imports = shops + cafe.shopId() + "/member-imports";
    Buffer csv = Buffer.buffer("phone,name,birthday,points,expires_on\n+86135"
        + String.format("%08d", samples.random().nextInt(100_000_000)) + ",fuzz,,10,\n");
    liveCsv("uploadMemberImport", cafe.ownerToken(), imports + "?dryRun=true", csv);
    long importId = liveCsv("uploadMemberImport", cafe.ownerToken(), imports + "?dryRun=false", csv).getLong("id");
    live("getMemberImport", cafe.ownerToken(), imports + "/" + importId, null, null);
  }

  private JsonObject liveCsv(String operationId, String token, String path, Buffer csv) {
    ContractCheck.Route route = contract.routes().stream().filter(r -> r.operationId().equals(operationId))
        .findFirst().orElseThrow();
    HttpResponse<Buffer> response = sendWithToken(route, token,
        new Call(path, Map.of("Content-Type", "text/csv"), csv, true, "live"));
    if (response.statusCode() >= 300) {
      throw new AssertionError(operationId + " " + path + " should succeed, answered " + response.statusCode() + ": "
          + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }

  /** A browser's subscription keys: a fresh P-256 public point and a 16-byte auth secret, base64url. */
  private static JsonObject browserKeys() {
    try {
      java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("EC");
      gen.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
      byte[] point = io.linkpoints.notifications.WebPushCrypto.encodePoint(
          (java.security.interfaces.ECPublicKey) gen.generateKeyPair().getPublic());
      java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
      return new JsonObject().put("p256dh", b64.encodeToString(point))
          .put("auth", b64.encodeToString(io.linkpoints.auth.Secrets.randomBytes(16)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A valid passport over two shops: 2 stamps, the fund pays half, each shop a quarter. */
  private static JsonObject passportBody(long first, long second) {
    return new JsonObject().put("nameZh", "集章").put("nameEn", "Fuzz stamps").put("shops", new JsonArray()
            .add(new JsonObject().put("shopId", first).put("basisPoints", 2500))
            .add(new JsonObject().put("shopId", second).put("basisPoints", 2500)))
        .put("fundBasisPoints", 5000).put("stampsRequired", 2).put("minSpendFen", 0)
        .put("startsOn", "2026-01-01").put("endsOn", "2030-12-31").put("rewardPoints", 100);
  }

  /** Valid tier definitions with {@code levels} levels, thresholds 100 apart. */
  private static JsonObject tierDefinitions(int levels) {
    JsonArray list = new JsonArray();
    for (int i = 1; i <= levels; i++) {
      list.add(new JsonObject().put("nameZh", "等级" + i).put("nameEn", "Level " + i).put("threshold", i * 100L));
    }
    return new JsonObject().put("basis", "points_earned").put("windowDays", 365).put("graceDays", 30)
        .put("levels", list);
  }

  /** Sends one request that should succeed, judges it like every other, and returns its body. */
  private JsonObject live(String operationId, String token, String path, String idempotencyKey, JsonObject body) {
    ContractCheck.Route route = contract.routes().stream().filter(r -> r.operationId().equals(operationId))
        .findFirst().orElseThrow(() -> new AssertionError("no operation " + operationId + " in the contract"));
    Map<String, String> headers = new LinkedHashMap<>();
    if (idempotencyKey != null) {
      headers.put(IdempotencyKeys.HEADER, idempotencyKey);
    }
    String bodyPointer = contract.requestBodyPointer(route);
    boolean valid = bodyPointer == null || contract.valid(bodyPointer, body);
    HttpResponse<Buffer> response = sendWithToken(route, token, new Call(path, headers, body == null ? null : body.toBuffer(),
        valid, "live"));
    if (response.statusCode() >= 300) {
      throw new AssertionError(operationId + " " + path + " with " + body + " should succeed, answered "
          + response.statusCode() + ": " + response.bodyAsString());
    }
    return response.body() == null || response.body().length() == 0 ? new JsonObject() : response.bodyAsJsonObject();
  }

  /** A fresh member code, as the wallet shows it in text. */
  private String memberCode() {
    // As the server computes it for the member's newest active phone (the fuzz binds and revokes phones).
    return expect(200, api.get("/v1/members/me/code?format=json", member.token())).getString("code");
  }

  /** An Idempotency-Key of any length and character the contract allows. */
  private String key() {
    return samples.chars(KEY_CHARACTERS, 1 + samples.random().nextInt(samples.random().nextBoolean() ? 12 : 100));
  }

  private String orderRef() {
    return (String) samples.valid(new JsonObject().put("$ref", "#/components/schemas/OrderRef"));
  }

  private JsonObject couponReserve(JsonObject coupon) {
    return new JsonObject().put("code", coupon.getString("code"))
        .put("spendFen", coupon.getLong("minSpendFen", 0L) + samples.random().nextInt(10_000)).put("orderRef", orderRef());
  }

  /** A generated campaign of this shop alone (the shops it names default to it), valid from now for a while. */
  private JsonObject campaignBody() {
    String pointer = "#/components/schemas/CampaignCreate";
    for (int attempt = 0; attempt < 50; attempt++) {
      JsonObject body = (JsonObject) samples.valid(new JsonObject().put("$ref", pointer));
      body.remove("issuingShopIds");
      body.remove("honouringShopIds");
      body.remove("funding");
      body.put("validFrom", api.clock.instant().minus(Duration.ofMinutes(1 + samples.random().nextInt(600))).toString());
      body.put("validUntil", api.clock.instant().plus(Duration.ofDays(1 + samples.random().nextInt(365))).toString());
      body.put("shopCodes", true);
      if (contract.valid(pointer, body)) {
        return body;
      }
    }
    throw new AssertionError("no valid campaign body generated");
  }

  // --- requests -------------------------------------------------------------------------------

  /** One request: what to send, and whether the contract calls it valid. */
  private record Call(String path, Map<String, String> headers, Buffer body, boolean valid, String what) {
  }

  private void validRequest(ContractCheck.Route route, String role) {
    Map<String, String> path = new LinkedHashMap<>();
    Map<String, String> query = new LinkedHashMap<>();
    Map<String, String> headers = new LinkedHashMap<>();
    boolean valid = parameters(route, path, query, headers);
    Buffer body = null;
    String bodyPointer = contract.requestBodyPointer(route);
    if (bodyPointer != null) {
      Object value = null;
      for (int attempt = 0; attempt < 20 && (value == null || !contract.valid(bodyPointer, value)); attempt++) {
        value = realIds(samples.valid(new JsonObject().put("$ref", bodyPointer)));
      }
      valid &= contract.valid(bodyPointer, value);
      body = Buffer.buffer(io.vertx.core.json.Json.encode(value));
    }
    send(route, role, new Call(url(route, path, query), headers, body, valid, "generated"));
  }

  private void invalidRequests(ContractCheck.Route route, String role) {
    Map<String, String> path = new LinkedHashMap<>();
    Map<String, String> query = new LinkedHashMap<>();
    Map<String, String> headers = new LinkedHashMap<>();
    parameters(route, path, query, headers);
    String bodyPointer = contract.requestBodyPointer(route);
    JsonObject body = null;
    if (bodyPointer != null) {
      Object value = samples.valid(new JsonObject().put("$ref", bodyPointer));
      body = value instanceof JsonObject o ? o : new JsonObject();
    }
    Buffer good = body == null ? null : body.toBuffer();
    List<Call> calls = new ArrayList<>();
    for (ContractCheck.Param p : contract.parameters(route)) {
      String type = p.schema() == null ? "string" : samples.merged(p.schema()).getString("type", "string");
      if (p.in().equals("path") && ids.containsKey(p.name())) {
        boolean uuid = "uuid".equals(samples.merged(p.schema()).getString("format"));
        List<String> bad = type.equals("integer") ? List.of(PAST_INT64, "-1", "abc", "1.5")
            : uuid ? List.of("not-a-uuid", "123") : List.of("bad key!", "x".repeat(101));
        for (String value : bad) {
          Map<String, String> changed = new LinkedHashMap<>(path);
          changed.put(p.name(), value);
          calls.add(new Call(url(route, changed, query), headers, good, false, p.name() + "=" + value));
        }
        Map<String, String> unknown = new LinkedHashMap<>(path);
        unknown.put(p.name(), type.equals("integer") ? "987654321" : uuid ? UUID.randomUUID().toString() : "unknown-key-1");
        calls.add(new Call(url(route, unknown, query), headers, good, true, "unknown " + p.name()));
      } else if (p.in().equals("query")) {
        for (String value : type.equals("integer") ? List.of("abc", PAST_INT64, "-5") : List.of("x".repeat(300))) {
          Map<String, String> changed = new LinkedHashMap<>(query);
          changed.put(p.name(), value);
          if (!contract.valid(p.schemaPointer(), value) && !contract.valid(p.schemaPointer(), number(value))) {
            calls.add(new Call(url(route, path, changed), headers, good, false, p.name() + "=" + value));
          }
        }
      } else if (p.in().equals("header") && p.name().equalsIgnoreCase(IdempotencyKeys.HEADER)) {
        for (String value : new String[] {null, "bad key!", "k".repeat(101)}) {
          Map<String, String> changed = new LinkedHashMap<>(headers);
          if (value == null) {
            changed.remove(p.name());
          } else {
            changed.put(p.name(), value);
          }
          calls.add(new Call(url(route, path, query), changed, good, false, "Idempotency-Key " + value));
        }
      }
    }
    if (body != null) {
      String url = url(route, path, query);
      calls.add(new Call(url, headers, Buffer.buffer("{\"unterminated\": "), false, "malformed JSON"));
      calls.add(new Call(url, headers, Buffer.buffer("[1, 2]"), false, "an array for an object"));
      JsonObject schema = samples.merged(new JsonObject().put("$ref", bodyPointer));
      JsonObject properties = schema.getJsonObject("properties", new JsonObject());
      for (Object required : schema.getJsonArray("required", new JsonArray())) {
        JsonObject without = body.copy();
        without.remove((String) required);
        calls.add(new Call(url, headers, without.toBuffer(), false, "without " + required));
      }
      if (!schema.getBoolean("additionalProperties", true)) {
        calls.add(new Call(url, headers, body.copy().put("unexpectedField", 1).toBuffer(), false, "an unknown field"));
      }
      for (String name : properties.fieldNames()) {
        JsonObject property = properties.getJsonObject(name);
        calls.add(new Call(url, headers, body.copy().put(name, samples.wrongType(property)).toBuffer(), false,
            name + " of the wrong type"));
        Object out = samples.outOfRange(property);
        if (out != null) {
          calls.add(new Call(url, headers, body.copy().put(name, out).toBuffer(), false, name + " out of range"));
        }
        JsonObject merged = samples.merged(property);
        if ("integer".equals(merged.getValue("type")) || merged.getValue("type") instanceof JsonArray t && t.contains("integer")) {
          calls.add(new Call(url, headers, Buffer.buffer(body.copy().put(name, 0).encode()
              .replace("\"" + name + "\":0", "\"" + name + "\":" + PAST_INT64)), false, name + " past int64"));
        }
        if ("uuid".equals(merged.getString("format"))) {
          calls.add(new Call(url, headers, body.copy().put(name, "not-a-uuid").toBuffer(), false, name + " not a UUID"));
        }
      }
    }
    for (Call call : calls) {
      // A mutation that the schema still accepts (an optional field left out, say) is a valid request.
      boolean valid = call.valid() || stillValid(route, call, bodyPointer);
      send(route, role, new Call(call.path(), call.headers(), call.body(), valid, call.what()));
    }
  }

  /** Half the time, a body field named like a real thing (campaignId, shopId, ...) names that thing. */
  private Object realIds(Object body) {
    if (body instanceof JsonObject object) {
      for (String name : object.fieldNames()) {
        if (ids.containsKey(name) && samples.random().nextBoolean()) {
          String id = ids.get(name);
          object.put(name, id.matches("[0-9]+") ? (Object) Long.parseLong(id) : id);
        }
      }
    }
    return body;
  }

  private boolean stillValid(ContractCheck.Route route, Call call, String bodyPointer) {
    if (call.what().startsWith("without ") || call.what().endsWith("of the wrong type")
        || call.what().endsWith("out of range") || call.what().endsWith("past int64")) {
      try {
        return contract.valid(bodyPointer, io.vertx.core.json.Json.decodeValue(call.body()));
      } catch (RuntimeException e) {
        return false;
      }
    }
    return false;
  }

  private static Object number(String value) {
    try {
      return new BigInteger(value);
    } catch (NumberFormatException e) {
      return value;
    }
  }

  /** Fills path, query and header values for a valid request; false if a generated one did not validate. */
  private boolean parameters(ContractCheck.Route route, Map<String, String> path, Map<String, String> query,
      Map<String, String> headers) {
    boolean valid = true;
    for (ContractCheck.Param p : contract.parameters(route)) {
      switch (p.in()) {
        case "path" -> path.put(p.name(), idsOf.getOrDefault(route.operationId(), Map.of()).containsKey(p.name())
            ? idsOf.get(route.operationId()).get(p.name())
            : ids.containsKey(p.name()) ? ids.get(p.name()) : String.valueOf(samples.valid(p.schema())));
        case "query" -> {
          if (p.required() || samples.random().nextBoolean()) {
            Object value = samples.valid(p.schema());
            valid &= contract.valid(p.schemaPointer(), value);
            query.put(p.name(), String.valueOf(value));
          }
        }
        case "header" -> {
          // Keys of every length and character the contract allows (rarely the same twice).
          String value = IdempotencyKeys.HEADER.equalsIgnoreCase(p.name())
              ? samples.chars(KEY_CHARACTERS, 1 + samples.random().nextInt(samples.random().nextBoolean() ? 12 : 100))
              : String.valueOf(samples.valid(p.schema()));
          valid &= contract.valid(p.schemaPointer(), value);
          headers.put(p.name(), value);
        }
        default -> {
        }
      }
    }
    return valid;
  }

  private static String url(ContractCheck.Route route, Map<String, String> path, Map<String, String> query) {
    String url = route.template();
    for (Map.Entry<String, String> e : path.entrySet()) {
      url = url.replace("{" + e.getKey() + "}", URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"));
    }
    StringBuilder q = new StringBuilder();
    for (Map.Entry<String, String> e : query.entrySet()) {
      q.append(q.length() == 0 ? "?" : "&").append(e.getKey()).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return url + q;
  }

  // --- sending and judging --------------------------------------------------------------------

  private void send(ContractCheck.Route route, String role, Call call) {
    // Closing an account is the member's last act: it is done by a member of its own, not the world's.
    String token = "closeMyAccount".equals(route.operationId()) && "member".equals(role) ? leaverToken
        : role == null ? null : tokens.get(role);
    send(route, role, token, call);
  }

  private HttpResponse<Buffer> sendWithToken(ContractCheck.Route route, String token, Call call) {
    return send(route, token == null ? null : "live", token, call);
  }

  private HttpResponse<Buffer> send(ContractCheck.Route route, String role, String token, Call call) {
    sent++;
    if (call.valid()) {
      sentValid++;
    }
    // Without Accept: text/event-stream the feed answers one JSON page (ShopFeedStreamTest checks the stream).
    HttpRequest<Buffer> request = api.http.request(route.method(), call.path());
    call.headers().forEach(request::putHeader);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    HttpResponse<Buffer> response;
    if (call.body() != null) {
      if (!call.headers().containsKey("Content-Type")) {
        request.putHeader("Content-Type", "application/json");
      }
      response = await(request.sendBuffer(call.body()));
    } else {
      response = await(request.send());
    }
    judge(route, role, call, response.statusCode(), response.getHeader("Content-Type"), response.body());
    return response;
  }

  private void judge(ContractCheck.Route route, String role, Call call, int status, String type, Buffer body) {
    statuses.merge(status, 1, Integer::sum);
    if (status < 300) {
      succeeded.add(route.operationId());
    }
    String where = route.operationId() + " as " + role + " (" + call.what() + ", " + route.method() + " "
        + call.path() + ") answered " + status;
    if (status >= 500) {
      mismatches.add(where + ": a server error: " + abbreviate(body));
      return;
    }
    String problem = body == null && status < 300 ? null : contract.mismatch(route, status, type, body);
    if (problem != null) {
      mismatches.add(where + ": " + problem + "; body " + abbreviate(body));
      return;
    }
    String code = "";
    if (status >= 400) {
      if (type == null || !type.startsWith("application/problem+json")) {
        mismatches.add(where + ": an error that is not problem+json (" + type + ")");
        return;
      }
      code = new JsonObject(body).getString("code");
      if (code == null || code.isBlank()) {
        mismatches.add(where + ": a problem without a code");
        return;
      }
    }
    if (call.what().startsWith("Idempotency-Key") && status == 400 && !code.equals("idempotency_key_required")) {
      mismatches.add(where + " " + code + " for a missing or malformed Idempotency-Key, not idempotency_key_required");
    } else if (call.valid() && status == 400 && !SEMANTIC_400.contains(code)) {
      mismatches.add(where + " " + code + " to a request the contract allows: " + abbreviate(body)
          + " request " + abbreviate(call.body()) + " " + call.headers());
    } else if (!call.valid() && status < 400) {
      mismatches.add(where + " to a request the contract forbids: " + abbreviate(call.body()));
    } else if (call.valid() && SHAPE_CODES.contains(code)) {
      mismatches.add(where + " " + code + " to a request the contract allows");
    }
  }

  private static String abbreviate(Buffer body) {
    if (body == null) {
      return "(none)";
    }
    String text = body.toString();
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}
