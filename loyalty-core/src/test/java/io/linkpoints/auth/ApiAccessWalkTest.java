package io.linkpoints.auth;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jsonwebtoken.Jwts;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;

/**
 * Walks every operation of openapi.yaml with every kind of bad credential and asserts each is
 * refused (401/403, problem+json) and that the database is byte-for-byte unchanged; then, as a
 * control that these refusals are about credentials and nothing else, calls each operation with
 * every admitted role of the right tenant and asserts it is let through.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiAccessWalkTest {
  /** Routes anyone may call. Listed here on purpose: a new public route must be added knowingly. */
  private static final Set<String> PUBLIC = Set.of("getHealth", "getHealthLive", "getHealthReady", "getOpenApi", "getDocs", "getDocsAsset",
      "staffSignIn", "requestMemberCode", "memberSignIn", "enrolTerminal", "terminalToken");

  private Vertx vertx;
  private ApiFixture api;
  private Tenant a1;
  private Tenant a2;
  private Tenant b1;
  private Map<String, String> pathValues;
  /** Operations whose body is a CSV file: the contract's example file, by operation id. */
  private static final Map<String, String> CSV_EXAMPLES = new java.util.concurrent.ConcurrentHashMap<>();
  /** Per operation, body fields of the example replaced by ids of the walk's own world (as path values are). */
  private final Map<String, JsonObject> bodyValues = new java.util.HashMap<>();
  private String revokedTerminalToken;
  private KeyRing realKeys;
  private long otherAlliancesPeriod;

  /** One shop's people, every role with a real token from a real sign-in. */
  private record Tenant(long allianceId, long shopId, long memberId, Map<Role, String> tokens, Map<Role, Long> subjects) {
  }

  private record Op(String id, HttpMethod method, String path, JsonObject example, boolean operator, Set<Role> roles,
      Map<String, String> headers, String query) {
  }

  @BeforeAll
  void buildTwoAlliances() throws Exception {
    vertx = Vertx.vertx();
    // The webhook dispatcher stays quiet (its first run an hour away): the fingerprints compare the database
    // before and after each refused call, and a delivery attempt in the background would change it.
    api = new ApiFixture(vertx, io.linkpoints.platform.WebhookOptions.DEFAULT.withPollInterval(java.time.Duration.ofHours(1)));
    ApiFixture.World a = api.world("walka");
    ApiFixture.World b = api.world("walkb");
    a1 = tenant(a.allianceId(), a.shopId(), a.adminToken(), a.ownerToken(), "walka", "+8613800000001");
    JsonObject shopA2 = api.createShop(a.allianceId(), a.adminToken(), "second shop", "walka2-owner");
    a2 = tenant(a.allianceId(), shopA2.getLong("id"), a.adminToken(),
        api.staffToken(a.allianceId(), "walka2-owner", "owner-password-1"), "walka2", "+8613800000002");
    b1 = tenant(b.allianceId(), b.shopId(), b.adminToken(), b.ownerToken(), "walkb", "+8613800000003");

    // A revoked terminal of shop A1: its token must be refused everywhere.
    JsonObject spare = terminal(a1.allianceId(), a1.shopId(), a1.tokens().get(Role.OWNER), "spare");
    revokedTerminalToken = spare.getString("accessToken");
    expect(200, api.post("/v1/alliances/" + a1.allianceId() + "/shops/" + a1.shopId() + "/terminals/"
        + spare.getLong("terminalId") + "/revoke", a1.tokens().get(Role.OWNER), null));

    // Something in A's ledger for the ledger routes to find: member A earned 10 points at shop A1.
    long issuance = await(api.app.ledger().accountOf(a1.allianceId(), AccountKind.MERCHANT_ISSUANCE, a1.shopId()))
        .orElseThrow().id();
    long wallet = await(api.app.ledger().accountOf(a1.allianceId(), AccountKind.MEMBER_WALLET, a1.memberId()))
        .orElseThrow().id();
    UUID earn = UUID.randomUUID();
    await(api.app.ledger().transfer(a1.allianceId(), earn, issuance, wallet, 10, "earn"));

    // A1's own campaign (issued, honoured and funded by shop A1, in the market for 5 points, with shop codes),
    // a coupon member A bought with 5 of its 10 points, a shop code, and a till hold of that coupon.
    String owner = a1.tokens().get(Role.OWNER);
    String shopPath = "/v1/alliances/" + a1.allianceId() + "/shops/" + a1.shopId();
    long campaign = expect(201, api.post(shopPath + "/campaigns", owner, new JsonObject().put("name", "walk campaign")
        .put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 500))
        .put("validFrom", "2020-01-01T00:00:00Z").put("validUntil", "2100-01-01T00:00:00Z").put("inventory", 100)
        .put("perMemberLimit", 10).put("marketPricePoints", 5).put("shopCodes", true))).getLong("id");
    JsonObject bought = expect(201, api.send(HttpMethod.POST, "/v1/members/me/coupon-market/exchange",
        a1.tokens().get(Role.MEMBER), new JsonObject().put("campaignId", campaign), Map.of("Idempotency-Key", "setup")));
    String couponCode = bought.getString("code");
    String claimCode = expect(201, api.post(shopPath + "/campaigns/" + campaign + "/claim-codes", owner, null))
        .getString("code");
    String holdId = expect(200, api.send(HttpMethod.POST, "/v1/pos/coupons/reserve", a1.tokens().get(Role.TERMINAL),
        new JsonObject().put("code", couponCode).put("spendFen", 5000).put("orderRef", "setup"),
        Map.of("Idempotency-Key", "setup"))).getString("holdId");
    bodyValues.put("exchangeCoupon", new JsonObject().put("campaignId", campaign));
    bodyValues.put("claimCoupon", new JsonObject().put("code", claimCode));
    bodyValues.put("reserveCoupon", new JsonObject().put("code", couponCode));
    bodyValues.put("commitCoupon", new JsonObject().put("holdId", holdId));
    bodyValues.put("releaseCoupon", new JsonObject().put("holdId", holdId));

    // A1's own promotion, for the promotion routes to find.
    long promotion = expect(201, api.post(shopPath + "/promotions", owner, new JsonObject().put("name", "walk promotion")
        .put("kind", "bonus").put("bonusPoints", 5).put("startsOn", "2020-01-01").put("endsOn", "2099-12-31")))
        .getLong("id");

    // A passport over A1 and A2, for the passport routes to find; createPassport names them too.
    JsonObject passportBody = new JsonObject().put("nameZh", "集章").put("nameEn", "walk stamps")
        .put("shops", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("shopId", a1.shopId()).put("basisPoints", 2500))
            .add(new JsonObject().put("shopId", a2.shopId()).put("basisPoints", 2500)))
        .put("fundBasisPoints", 5000).put("stampsRequired", 2).put("minSpendFen", 0)
        .put("startsOn", "2020-01-01").put("endsOn", "2099-12-31").put("rewardPoints", 100);
    long passport = expect(201, api.post("/v1/alliances/" + a1.allianceId() + "/passports", a.adminToken(),
        passportBody)).getLong("id");
    bodyValues.put("createPassport", passportBody);
    // A1's webhook endpoint (on a public address, never reached offline) with a delivery of an earn after it;
    // registrations in the walk name a public address too (the contract's example host does not resolve offline).
    JsonObject hookBody = new JsonObject().put("url", "https://93.184.215.14/walk")
        .put("eventTypes", new io.vertx.core.json.JsonArray().add("points.earned"));
    bodyValues.put("createWebhook", hookBody);
    String webhook = expect(201, api.post("/v1/alliances/" + a1.allianceId() + "/webhooks", owner, hookBody))
        .getString("id");
    await(api.app.ledger().transfer(a1.allianceId(), UUID.randomUUID(), issuance, wallet, 1, "earn"));
    String delivery = expect(200, api.get("/v1/alliances/" + a1.allianceId() + "/webhooks/" + webhook + "/deliveries",
        owner)).getJsonArray("items").getJsonObject(0).getString("id");

    // A settlement period of this month, run once, for the settlement routes to find.
    String month = java.time.YearMonth.now(java.time.ZoneId.of("Asia/Shanghai")).toString();
    long period = expect(201, api.post("/v1/alliances/" + a1.allianceId() + "/settlement/periods", a.adminToken(),
        new JsonObject().put("month", month))).getLong("id");
    expect(200, api.post("/v1/alliances/" + a1.allianceId() + "/settlement/periods/" + period + "/run", a.adminToken(), null));
    // Alliance B's own period: its id must be unknown in alliance A's paths.
    otherAlliancesPeriod = expect(201, api.post("/v1/alliances/" + b1.allianceId() + "/settlement/periods",
        b.adminToken(), new JsonObject().put("month", month))).getLong("id");

    // Member A's phone, for the device routes.
    long device = expect(201, api.post("/v1/members/me/devices", a1.tokens().get(Role.MEMBER),
        new JsonObject().put("label", "walk"))).getJsonObject("device").getLong("id");
    pathValues = Map.of("allianceId", String.valueOf(a1.allianceId()), "shopId", String.valueOf(a1.shopId()),
        "terminalId", String.valueOf(a1.subjects().get(Role.TERMINAL)), "accountId", String.valueOf(issuance),
        "transferId", earn.toString(), "campaignId", String.valueOf(campaign), "periodId", String.valueOf(period),
        "couponId", String.valueOf(bought.getLong("id")),
        "idempotencyKey", "pos-example-key-0001", "deviceId", String.valueOf(device));
    pathValues = new java.util.HashMap<>(pathValues);
    pathValues.put("promotionId", String.valueOf(promotion));
    pathValues.put("memberId", String.valueOf(a1.memberId()));
    // A1's member's points adjustment, waiting for the admin (above the default threshold), for the decisions.
    String handle = api.text("/* test */ select handle from member where alliance_id = " + a1.allianceId()
        + " and id = " + a1.memberId());
    JsonObject adjustment = new JsonObject().put("memberHandle", handle).put("points", 600).put("reason", "goodwill");
    bodyValues.put("proposePointAdjustment", adjustment.copy().put("points", 5));
    pathValues.put("adjustmentId", String.valueOf(expect(201, api.send(io.vertx.core.http.HttpMethod.POST,
        shopPath + "/point-adjustments", owner, adjustment, Map.of("Idempotency-Key", "walk-adjustment")))
        .getLong("id")));
    // Member A's push subscription at the contract's example endpoint, for deleteMyPushSubscription.
    await(api.app.pool().preparedQuery("/* test */ insert into push_subscription (alliance_id, member_id, endpoint,"
        + " p256dh, auth, created_at) values ($1, $2, 'https://push.example.com/send/abc123', 'k', 'a', now())")
        .execute(io.vertx.sqlclient.Tuple.of(a1.allianceId(), a1.memberId())));
    // Member A's notification, for the inbox routes (told as the notifications service writes one).
    pathValues.put("notificationId", String.valueOf(await(api.app.pool().preparedQuery("/* test */ insert into"
        + " member_notification (alliance_id, member_id, event_id, kind, kind_group, title_zh, body_zh, title_en,"
        + " body_en, created_at) values ($1, $2, $3, 'points_earned', 'points_activity', '积分到账', '获得 1 积分',"
        + " 'Points earned', 'You earned 1 point', now()) returning id")
        .execute(io.vertx.sqlclient.Tuple.of(a1.allianceId(), a1.memberId(), UUID.randomUUID())))
        .iterator().next().getLong(0)));
    pathValues.put("passportId", String.valueOf(passport));
    pathValues.put("webhookId", webhook);
    pathValues.put("deliveryId", delivery);
    // A member import of shop A1 (its own file, not the contract's example), for getMemberImport.
    pathValues.put("importId", String.valueOf(expect(202, api.postRaw("/v1/alliances/" + a1.allianceId() + "/shops/"
        + a1.shopId() + "/member-imports?dryRun=false", owner, "text/csv",
        Buffer.buffer("phone,name,birthday,points,expires_on\n13700000099,,,5,\n"))).getLong("id")));
    realKeys = KeyRing.load(api.dataDir.resolve("jwt-keys"));
  }

  private Tenant tenant(long alliance, long shop, String adminToken, String ownerToken, String prefix, String phone) {
    String shopPath = "/v1/alliances/" + alliance + "/shops/" + shop;
    expect(201, api.post(shopPath + "/staff", ownerToken, new JsonObject().put("username", prefix + "-cashier")
        .put("password", "cashier-password-1").put("role", "cashier")));
    String cashier = api.staffToken(alliance, prefix + "-cashier", "cashier-password-1");
    JsonObject terminal = terminal(alliance, shop, ownerToken, prefix + " till");
    JsonObject member = api.memberSignIn(alliance, phone);
    Map<Role, String> tokens = new EnumMap<>(Role.class);
    tokens.put(Role.ADMIN, adminToken);
    tokens.put(Role.OWNER, ownerToken);
    tokens.put(Role.CASHIER, cashier);
    tokens.put(Role.TERMINAL, terminal.getString("accessToken"));
    tokens.put(Role.MEMBER, member.getString("accessToken"));
    Map<Role, Long> subjects = new EnumMap<>(Role.class);
    for (Map.Entry<Role, String> e : tokens.entrySet()) {
      subjects.put(e.getKey(), Long.parseLong(claims(e.getValue()).getString("sub")));
    }
    return new Tenant(alliance, shop, member.getJsonObject("member").getLong("id"), tokens, subjects);
  }

  private JsonObject terminal(long alliance, long shop, String ownerToken, String name) {
    JsonObject created = expect(201, api.post("/v1/alliances/" + alliance + "/shops/" + shop + "/terminals",
        ownerToken, new JsonObject().put("name", name)));
    return expect(200, api.post("/v1/terminals/enrol", null,
        new JsonObject().put("enrolmentSecret", created.getString("enrolmentSecret"))));
  }

  @AfterAll
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void everyRouteRefusesEveryBadCredentialAndChangesNothing() throws Exception {
    List<Op> ops = operations();
    assertTrue(ops.size() >= 25, "the walk covers the whole contract: " + ops.size());
    Set<String> publicInContract = new TreeSet<>();
    int refusals = 0;
    for (Op op : ops) {
      if (!op.operator() && op.roles().isEmpty()) {
        publicInContract.add(op.id());
        continue;
      }
      Map<String, String> before = fingerprint();
      for (Map.Entry<String, Variant> v : variants(op).entrySet()) {
        HttpResponse<Buffer> r = call(op, op.path(), v.getValue().token());
        String what = op.id() + " with " + v.getKey() + ": " + r.statusCode() + " " + r.bodyAsString();
        assertEquals(v.getValue().status(), r.statusCode(), what);
        assertEquals(Integer.valueOf(r.statusCode()), r.bodyAsJsonObject().getInteger("status"), what);
        assertTrue(r.getHeader("Content-Type").startsWith("application/problem+json"), what);
        refusals++;
      }
      // The gate holds however the path is spelled: a trailing slash never reaches the handler unchecked.
      HttpResponse<Buffer> slash = call(op, op.path() + "/", null);
      assertTrue(Set.of(401, 404).contains(slash.statusCode()), op.id() + " with trailing slash: " + slash.statusCode());
      assertEquals(before, fingerprint(), op.id() + " changed the database while refusing");
    }
    assertEquals(PUBLIC, publicInContract, "public routes in the contract");
    assertTrue(refusals > 300, "refusals checked: " + refusals);
  }

  @Test
  void theRightTokenOfTheRightTenantIsLetThroughEverywhere() {
    List<Op> ops = new ArrayList<>(operations());
    // Suspending the shop would lock its people out of the routes after it until it is reinstated, and
    // revoking the terminal would lock it out: so suspend, reinstate, then revoke go last, in that order.
    List<String> last = List.of("suspendShop", "reinstateShop", "revokeTerminal");
    // Closing an account is done by a member of tenant A's own that nothing after needs.
    String leaver = api.memberSignIn(a1.allianceId(), "+8613900777999").getString("accessToken");
    ops.sort(java.util.Comparator.comparingInt(op -> last.indexOf(op.id())));
    for (Op op : ops) {
      if (op.operator()) {
        HttpResponse<Buffer> r = call(op, op.path(), api.app.operatorToken());
        assertEquals(201, r.statusCode(), op.id() + ": " + r.bodyAsString());
        continue;
      }
      for (Role role : op.roles()) {
        HttpResponse<Buffer> r = call(op, op.path(), "closeMyAccount".equals(op.id()) ? leaver : a1.tokens().get(role));
        String what = op.id() + " as " + role + ": " + r.statusCode() + " " + r.bodyAsString();
        assertTrue(r.statusCode() >= 200 && r.statusCode() < 300 || r.statusCode() == 409 || handlerRefusal(r), what);
      }
    }
    // A member sees only itself, whoever asks.
    assertEquals(a1.memberId(), expect(200, api.get("/v1/members/me", a1.tokens().get(Role.MEMBER))).getLong("id"));
    assertEquals(b1.memberId(), expect(200, api.get("/v1/members/me", b1.tokens().get(Role.MEMBER))).getLong("id"));
  }

  /**
   * A shop or settlement period id in the path that is not in the path's alliance (another
   * alliance's, or none at all) is 404 shop_not_found / period_not_found on every route that has
   * one, for every role that may call it, and changes nothing; never a 200 with an empty answer.
   */
  @Test
  void aShopOrPeriodOfAnotherAllianceInThePathIsNotFoundEverywhere() {
    Set<String> walked = new TreeSet<>();
    int refusals = 0;
    for (Op op : operations()) {
      boolean shopPath = op.path().contains("{shopId}");
      boolean periodPath = op.path().contains("{periodId}");
      if (!shopPath && !periodPath || op.operator()) {
        continue;
      }
      Map<String, String> before = fingerprint();
      for (Role role : op.roles()) {
        Map<String, Map<String, String>> unknown = new LinkedHashMap<>();
        // A shop role never gets past the tenant wall with another shop's id (403, walked above); an admin does.
        if (shopPath && !role.shopScoped()) {
          unknown.put("shop_not_found", Map.of("shopId", String.valueOf(b1.shopId())));
          unknown.put("shop_not_found ", Map.of("shopId", "987654321"));
        }
        if (periodPath) {
          unknown.put("period_not_found", Map.of("periodId", String.valueOf(otherAlliancesPeriod)));
          unknown.put("period_not_found ", Map.of("periodId", "987654321"));
        }
        for (Map.Entry<String, Map<String, String>> u : unknown.entrySet()) {
          HttpResponse<Buffer> r = call(op, op.path(), a1.tokens().get(role), u.getValue());
          String what = op.id() + " as " + role + " with " + u.getValue() + ": " + r.statusCode() + " " + r.bodyAsString();
          assertEquals(404, r.statusCode(), what);
          assertTrue(r.getHeader("Content-Type").startsWith("application/problem+json"), what);
          assertEquals(u.getKey().trim(), r.bodyAsJsonObject().getString("code"), what);
          walked.add(op.id());
          refusals++;
        }
      }
      assertEquals(before, fingerprint(), op.id() + " changed the database while refusing an unknown id");
    }
    assertTrue(walked.containsAll(Set.of("listTerminals", "listShopCampaigns", "getShopLiability", "getShopFeed",
        "listShopSettlementPeriods", "exportShopTransfers", "listSettlementItems", "getShop", "closeSettlementPeriod")),
        walked.toString());
    assertTrue(walked.size() >= 30, "routes walked: " + walked.size() + " " + walked);
    assertTrue(refusals >= 60, "unknown ids refused: " + refusals);
  }

  /**
   * The handler itself refused the example on its merits (a contract example cannot hold a live
   * member code or an existing hold): 422, or a 404 with its own code, never the router's not_found.
   */
  private static boolean handlerRefusal(HttpResponse<Buffer> r) {
    if (r.statusCode() != 422 && r.statusCode() != 404) {
      return false;
    }
    String code = r.bodyAsJsonObject().getString("code");
    return code != null && !code.equals("not_found") && !code.equals("validation_failed");
  }

  private record Variant(String token, int status) {
  }

  /** Every bad credential for this operation, with the status it must get. */
  private Map<String, Variant> variants(Op op) throws Exception {
    Map<String, Variant> v = new LinkedHashMap<>();
    Role allowed = op.roles().isEmpty() ? Role.ADMIN : op.roles().iterator().next();
    String good = op.operator() ? a1.tokens().get(Role.ADMIN) : a1.tokens().get(allowed);
    JsonObject claims = claims(good);
    v.put("no token", new Variant(null, 401));
    v.put("garbage", new Variant("not.a.token", 401));
    v.put("expired token", new Variant(sign(claims, realKeys.signingKid(), realKeys.signingKey(), Duration.ofHours(-1)), 401));
    PrivateKey stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
    v.put("token signed by another key under our kid", new Variant(sign(claims, realKeys.signingKid(), stranger,
        Duration.ofMinutes(10)), 401));
    v.put("token with an unknown kid", new Variant(sign(claims, "k-unknown", stranger, Duration.ofMinutes(10)), 401));
    v.put("alg none", new Variant(unsigned(claims), 401));
    v.put("HS256 keyed with our public key", new Variant(hs256(claims), 401));
    v.put("tampered alliance claim", new Variant(tamper(good, "aid", b1.allianceId()), 401));
    // Another role's real token, its role rewritten to one this operation admits.
    Role other = allowed == Role.MEMBER ? Role.CASHIER : Role.MEMBER;
    v.put("tampered role claim", new Variant(tamper(a1.tokens().get(other), "role", allowed.claim()), 401));
    v.put("revoked terminal", new Variant(revokedTerminalToken, 401));
    if (op.operator()) {
      for (Role role : Role.values()) {
        v.put("a " + role + " JWT on the operator route", new Variant(a1.tokens().get(role), 401));
      }
      v.put("a wrong operator token", new Variant(api.app.operatorToken() + "x", 401));
      return v;
    }
    for (Role role : Role.values()) {
      if (!op.roles().contains(role)) {
        v.put("wrong role " + role, new Variant(a1.tokens().get(role), 403));
      }
    }
    if (op.path().contains("{allianceId}")) {
      for (Role role : op.roles()) {
        v.put("another alliance's " + role, new Variant(b1.tokens().get(role), 403));
      }
    }
    if (op.path().contains("{shopId}")) {
      for (Role role : op.roles()) {
        if (role.shopScoped()) {
          v.put("another shop's " + role + " (same alliance)", new Variant(a2.tokens().get(role), 403));
        }
      }
    }
    return v;
  }

  private HttpResponse<Buffer> call(Op op, String template, String token) {
    return call(op, template, token, Map.of());
  }

  private HttpResponse<Buffer> call(Op op, String template, String token, Map<String, String> overrides) {
    String path = template;
    Map<String, String> values = new java.util.HashMap<>(pathValues);
    values.putAll(overrides);
    for (Map.Entry<String, String> e : values.entrySet()) {
      path = path.replace("{" + e.getKey() + "}", e.getValue());
    }
    if (CSV_EXAMPLES.containsKey(op.id())) {
      return api.postRaw(path + op.query(), token, "text/csv", Buffer.buffer(CSV_EXAMPLES.get(op.id())));
    }
    JsonObject body = op.example() == null ? null : op.example().copy();
    if (body != null && bodyValues.containsKey(op.id())) {
      body.mergeIn(bodyValues.get(op.id()));
    }
    return api.send(op.method(), path + op.query(), token, body, op.headers());
  }

  /** The operations of openapi.yaml, read from the file itself. */
  @SuppressWarnings("unchecked")
  private static List<Op> operations() {
    Map<String, Object> doc;
    try (InputStream in = ApiAccessWalkTest.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      doc = new Yaml().load(in);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    List<Op> ops = new ArrayList<>();
    Map<String, Object> paths = (Map<String, Object>) doc.get("paths");
    for (Map.Entry<String, Object> p : paths.entrySet()) {
      for (Map.Entry<String, Object> m : ((Map<String, Object>) p.getValue()).entrySet()) {
        if (m.getKey().equals("parameters")) {
          continue;
        }
        Map<String, Object> op = (Map<String, Object>) m.getValue();
        List<Map<String, Object>> security = (List<Map<String, Object>>) op.get("security");
        boolean operator = security != null && security.stream().anyMatch(s -> s.containsKey("operatorToken"));
        Set<Role> roles = new java.util.LinkedHashSet<>();
        for (Object r : (List<Object>) op.getOrDefault("x-roles", List.of())) {
          roles.add(Role.fromClaim(r));
        }
        if (security == null && roles.isEmpty()) {
          fail(op.get("operationId") + " falls back to bearer auth but names no x-roles");
        }
        Map<String, String> headers = new java.util.HashMap<>();
        StringBuilder query = new StringBuilder();
        List<Object> params = new ArrayList<>((List<Object>) op.getOrDefault("parameters", List.of()));
        for (Object param : params) {
          Map<String, Object> prm = (Map<String, Object>) param;
          if (prm.containsKey("$ref")) {
            String name = ((String) prm.get("$ref")).substring("#/components/parameters/".length());
            prm = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("components"))
                .get("parameters")).get(name);
          }
          if ("header".equals(prm.get("in")) && prm.containsKey("example")) {
            headers.put((String) prm.get("name"), String.valueOf(prm.get("example")));
          }
          // A required query parameter goes with every call, as its example.
          if ("query".equals(prm.get("in")) && Boolean.TRUE.equals(prm.get("required")) && prm.containsKey("example")) {
            query.append(query.length() == 0 ? "?" : "&").append(prm.get("name")).append('=')
                .append(java.net.URLEncoder.encode(String.valueOf(prm.get("example")), java.nio.charset.StandardCharsets.UTF_8));
          }
        }
        JsonObject example = null;
        Map<String, Object> body = (Map<String, Object>) op.get("requestBody");
        if (body != null) {
          Map<String, Object> json = (Map<String, Object>) ((Map<String, Object>) body.get("content")).get("application/json");
          if (json != null) {
            example = new JsonObject(io.vertx.core.json.Json.encode(json.get("example")));
          } else { // a CSV upload: its contract example is the file sent
            Map<String, Object> csv = (Map<String, Object>) ((Map<String, Object>) body.get("content")).get("text/csv");
            CSV_EXAMPLES.put((String) op.get("operationId"), (String) csv.get("example"));
          }
        }
        ops.add(new Op((String) op.get("operationId"), HttpMethod.valueOf(m.getKey().toUpperCase()), p.getKey(),
            example, operator, roles, headers, query.toString()));
      }
    }
    return ops;
  }

  /**
   * Tables the periodic jobs write on their own, downstream of {@code outbox_event} (which is
   * fingerprinted, so a refused request that wrote an event is still caught): the members' outbox
   * consumer's inbox rows and cursor, and the push and SMS queue it fills and retries.
   */
  private static final Set<String> WRITTEN_BY_JOBS = Set.of("member_notification", "member_outbox_cursor",
      "notification_delivery");

  /** A digest of every row of every table (but {@link #WRITTEN_BY_JOBS}): any insert, update or delete changes it. */
  private Map<String, String> fingerprint() {
    Map<String, String> digest = new TreeMap<>();
    for (Row t : await(api.app.pool().query("/* test */ select table_name from information_schema.tables"
        + " where table_schema = 'public' and table_type = 'BASE TABLE'").execute())) {
      String table = t.getString(0);
      if (WRITTEN_BY_JOBS.contains(table)) {
        continue;
      }
      String sql = "/* test */ select count(*) || ':' || md5(coalesce(string_agg(x::text, '|' order by x::text), '')) from \""
          + table + "\" x";
      digest.put(table, await(api.app.pool().query(sql).execute()).iterator().next().getString(0));
    }
    assertTrue(digest.containsKey("member") && digest.containsKey("ledger_transfer"), digest.keySet().toString());
    return digest;
  }

  private static JsonObject claims(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  /** The same claims, freshly dated (ttl may be negative: already expired), signed with {@code key} under {@code kid}. */
  private static String sign(JsonObject claims, String kid, PrivateKey key, Duration ttl) {
    Instant now = Clock.systemUTC().instant();
    Instant issued = ttl.isNegative() ? now.plus(ttl).minus(Duration.ofMinutes(15)) : now;
    Instant expires = ttl.isNegative() ? now.plus(ttl) : now.plus(ttl);
    var b = Jwts.builder().header().keyId(kid).type("JWT").and().issuer("linkpoints")
        .subject(claims.getString("sub")).id(UUID.randomUUID().toString())
        .issuedAt(Date.from(issued)).expiration(Date.from(expires))
        .claim("role", claims.getString("role")).claim("aid", claims.getLong("aid"));
    if (claims.containsKey("sid")) {
      b.claim("sid", claims.getLong("sid"));
    }
    return b.signWith(key, Jwts.SIG.EdDSA).compact();
  }

  private String unsigned(JsonObject claims) {
    JsonObject header = new JsonObject().put("alg", "none").put("typ", "JWT").put("kid", realKeys.signingKid());
    return b64(header.encode()) + "." + b64(freshClaims(claims).encode()) + ".";
  }

  /** The classic confusion attack: HMAC keyed with the public key, hoping the verifier follows the header. */
  private String hs256(JsonObject claims) throws Exception {
    JsonObject header = new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", realKeys.signingKid());
    String signingInput = b64(header.encode()) + "." + b64(freshClaims(claims).encode());
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(realKeys.verificationKey(realKeys.signingKid()).getEncoded(), "HmacSHA256"));
    return signingInput + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
  }

  /** A real, valid token with one claim changed and the original signature kept. */
  private static String tamper(String jwt, String claim, Object value) {
    String[] parts = jwt.split("\\.");
    return parts[0] + "." + b64(claims(jwt).put(claim, value).encode()) + "." + parts[2];
  }

  private static JsonObject freshClaims(JsonObject claims) {
    long now = Instant.now().atOffset(ZoneOffset.UTC).toEpochSecond();
    return claims.copy().put("iat", now).put("exp", now + 600).put("jti", UUID.randomUUID().toString());
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
