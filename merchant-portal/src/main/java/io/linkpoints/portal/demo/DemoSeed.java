package io.linkpoints.portal.demo;

import io.linkpoints.app.LinkpointsApp;
import io.linkpoints.auth.SignInCodeSender;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.notifications.Notifications;
import io.linkpoints.notifications.OutboxToMembers;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.platform.ManualClock;
import io.linkpoints.qr.Lp2Code;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Seeds a demo alliance on a new data folder, through the real service: a short-lived instance
 * on the same database with a clock the seed moves through three months, so the ledger stamps
 * the history on the days it happened. Then that instance stops and the real one starts.
 * Demo-only sign-ins (printed at start-up, written to {@code <data>/demo-sign-ins.txt}).
 */
public final class DemoSeed {
  public static final String ADMIN = "demo-admin";
  public static final String PASSWORD = "linkpoints-demo";
  public static final String[][] SHOPS = {
      {"街角咖啡 Corner Café", "demo-cafe"}, {"半山书店 Hillside Books", "demo-books"}, {"老街面包 Old Street Bakery", "demo-bakery"},
      {"小象摄影 Little Elephant Photo", "demo-photo"}, {"花间花店 Flower Lane", "demo-flowers"}};
  public static final String DEMO_PHONE = "+8613900000001";
  private static final ZoneId TZ = ZoneId.of("Asia/Shanghai");
  private static final int MEMBERS = 200;
  private static final int DAYS = 90;

  private final Map<String, String> codes = new ConcurrentHashMap<>();
  private final ManualClock clock;
  private final Instant realNow;
  private LinkpointsApp app;
  private WebClient http;

  private DemoSeed(Instant realNow) {
    this.realNow = realNow;
    this.clock = new ManualClock(realNow.minus(Duration.ofDays(DAYS)));
  }

  /** True when this start should seed: demo not turned off, embedded database, new data folder. */
  public static boolean wanted(LinkpointsConfig config, Map<String, String> env) {
    return !"off".equalsIgnoreCase(env.getOrDefault("LINKPOINTS_DEMO", "on")) && config.dbUrl().isEmpty()
        && !Files.exists(config.dataDir().resolve("postgres")) && !Files.exists(config.dataDir().resolve("demo-sign-ins.txt"));
  }

  /** Seeds on a short-lived instance and returns the text to print. */
  public static String seed(Vertx vertx, LinkpointsConfig config) throws Exception {
    return new DemoSeed(Instant.now()).run(vertx, config);
  }

  private String run(Vertx vertx, LinkpointsConfig config) throws Exception {
    long started = System.nanoTime();
    SignInCodeSender sender = (alliance, phone, code) -> {
      codes.put(alliance + "/" + phone, code);
      return Future.succeededFuture();
    };
    app = await(LinkpointsApp.start(vertx, config.withPort(0), clock, sender));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(app.port()));
    try {
      String text = history();
      Files.writeString(config.dataDir().resolve("demo-sign-ins.txt"), text, StandardCharsets.UTF_8);
      return text + String.format("  (demo seeded in %.1f s; LINKPOINTS_DEMO=off skips it)%n", (System.nanoTime() - started) / 1e9);
    } finally {
      http.close();
      await(app.close());
    }
  }

  private String history() {
    Random random = new Random(7);
    JsonObject alliance = call(HttpMethod.POST, "/v1/operator/alliances", app.operatorToken(), new JsonObject()
        .put("name", "梧桐街联盟 Wutong Street Alliance").put("timeZone", TZ.getId()).put("pricePerPointFen", 1)
        .put("expiryMonths", 12).put("expiryEndOfMonth", true).put("breakageRule", "alliance_fund")
        .put("admin", new JsonObject().put("username", ADMIN).put("password", PASSWORD)), 201);
    long a = alliance.getLong("id");
    // The history below is the past, not news: members are told nothing of it (the outbox's member
    // side resumes after it, where the demo member's notes are written by hand).
    OutboxToMembers memberEvents = new OutboxToMembers(app.pool(), new Notifications(app.pool(), clock, false), clock);
    await(memberEvents.pause(a));
    String prefix = "/v1/alliances/" + a;
    String admin = signIn(a, ADMIN);
    List<Long> shops = new ArrayList<>();
    List<Long> issuance = new ArrayList<>();
    List<Long> acceptance = new ArrayList<>();
    for (String[] shop : SHOPS) {
      long id = call(HttpMethod.POST, prefix + "/shops", admin, new JsonObject().put("name", shop[0])
          .put("owner", new JsonObject().put("username", shop[1]).put("password", PASSWORD)), 201).getLong("id");
      shops.add(id);
      issuance.add(await(app.ledger().accountOf(a, AccountKind.MERCHANT_ISSUANCE, id)).orElseThrow().id());
      acceptance.add(await(app.ledger().accountOf(a, AccountKind.MERCHANT_ACCEPTANCE, id)).orElseThrow().id());
    }
    String cafeOwner = signIn(a, SHOPS[0][1]);
    call(HttpMethod.POST, prefix + "/shops/" + shops.get(0) + "/terminals", cafeOwner, new JsonObject().put("name", "前台 Front counter"), 201);
    call(HttpMethod.POST, prefix + "/shops/" + shops.get(0) + "/staff", cafeOwner, new JsonObject()
        .put("username", "demo-cafe-cashier").put("password", PASSWORD).put("role", "cashier"), 201);

    // Members join by phone, twenty at a time.
    Long[] wallets = new Long[MEMBERS];
    Long[] memberIds = new Long[MEMBERS];
    String[] handles = new String[MEMBERS];
    for (int from = 0; from < MEMBERS; from += 20) {
      List<Future<Void>> joins = new ArrayList<>();
      for (int i = from; i < Math.min(MEMBERS, from + 20); i++) {
        int index = i;
        String phone = String.format("+86139%08d", i + 1);
        joins.add(send(HttpMethod.POST, prefix + "/members/sign-in/code", null, new JsonObject().put("phone", phone), 202)
            .compose(x -> send(HttpMethod.POST, prefix + "/members/sign-in", null, new JsonObject().put("phone", phone)
                .put("code", codes.get(a + "/" + phone)), 200))
            .compose(signedIn -> {
              memberIds[index] = signedIn.getJsonObject("member").getLong("id");
              handles[index] = signedIn.getJsonObject("member").getString("handle");
              // Three members in four consent to share their visits with partner shops (opt-in, the
              // overlap insight counts only them); the demo member (0) does, and can withdraw in its wallet.
              Future<JsonObject> consent = index % 4 == 3 ? Future.succeededFuture()
                  : send(HttpMethod.PUT, "/v1/members/me/consents", signedIn.getString("accessToken"),
                      new JsonObject().put("purpose", "visit_sharing").put("granted", true).put("textVersion", "v1"), 200);
              return consent.compose(c -> app.ledger().accountOf(a, AccountKind.MEMBER_WALLET, memberIds[index]));
            })
            .map(account -> {
              wallets[index] = account.orElseThrow().id();
              return null;
            }));
      }
      await(Future.all(joins));
    }

    // Three months of sales: each member has a favourite shop and sometimes visits another.
    long[] balance = new long[MEMBERS];
    Instant start = clock.instant();
    long campaignId = 0;
    for (int day = 0; day < DAYS; day++) {
      ZonedDateTime morning = start.plus(Duration.ofDays(day)).atZone(TZ).withHour(9);
      if (day == 20) {
        clock.set(morning.toInstant());
        campaignId = crossPromotion(a, shops);
      }
      // A day's sales go to the ledger together (one or two batches); a redemption only spends
      // what the member held at the start of the day.
      clock.set(morning.plusHours(3).toInstant());
      long[] spendable = balance.clone();
      int sales = 12 + random.nextInt(10);
      List<Future<?>> day_ = new ArrayList<>();
      for (int s = 0; s < sales; s++) {
        int m = random.nextInt(MEMBERS);
        int shop = random.nextInt(10) < 6 ? m % SHOPS.length : random.nextInt(SHOPS.length);
        if (spendable[m] >= 150 && random.nextInt(3) == 0) {
          long points = 50 + random.nextInt((int) Math.min(spendable[m] - 49, 200));
          spendable[m] -= points;
          balance[m] -= points;
          day_.add(app.ledger().transfer(a, UUID.randomUUID(), wallets[m], acceptance.get(shop), points, "redeem"));
        } else {
          long points = 15 + random.nextInt(120);
          balance[m] += points;
          day_.add(app.ledger().transfer(a, UUID.randomUUID(), issuance.get(shop), wallets[m], points, "earn"));
        }
      }
      await(Future.all(day_));
    }
    // The demo member holds points to spend at once.
    clock.set(realNow.minus(Duration.ofHours(2)));
    await(app.ledger().transfer(a, UUID.randomUUID(), issuance.get(0), wallets[0], 500, "earn"));
    // Its inbox tells of it (by hand: the history is not told, see pause above), with a welcome from the alliance the
    // member has not agreed to (marketing is off by default: not kept) and a coupon note, unread.
    Notifications inbox = new Notifications(app.pool(), clock, false);
    for (String[] note : new String[][] {{"points_earned", "500"}, {"marketing", "0"}, {"coupon_issued", "0"}}) {
      JsonObject data = new JsonObject().put("points", Long.parseLong(note[1])).put("shopName", SHOPS[0][0])
          .put("couponTitle", "半山书店 满 50 减 10 / ¥10 off at Hillside Books");
      await(app.pool().withTransaction(conn -> inbox.notifyMember(conn, a, memberIds[0], note[0], data, UUID.randomUUID())));
    }

    // One settlement period: the first full month of the history, run and closed.
    clock.set(realNow);
    admin = signIn(a, ADMIN);
    String month = start.atZone(TZ).plusMonths(1).format(DateTimeFormatter.ofPattern("yyyy-MM"));
    long period = call(HttpMethod.POST, prefix + "/settlement/periods", admin, new JsonObject().put("month", month), 201).getLong("id");
    call(HttpMethod.POST, prefix + "/settlement/periods/" + period + "/run", admin, new JsonObject(), 200);
    call(HttpMethod.POST, prefix + "/settlement/periods/" + period + "/close", admin, new JsonObject(), 200);
    cafeRewards(a, shops.get(0));

    // Two tiers over 90 days of points earned. The history above is ledger transfers, not till
    // sales, so members reach a tier with their first sales at a till (or the daily review).
    call(HttpMethod.PUT, prefix + "/tiers", admin, new JsonObject().put("basis", "points_earned")
        .put("windowDays", 90).put("graceDays", 14).put("levels", new JsonArray()
            .add(new JsonObject().put("nameZh", "银卡").put("nameEn", "Silver").put("threshold", 300))
            .add(new JsonObject().put("nameZh", "金卡").put("nameEn", "Gold").put("threshold", 1000).put("minShops", 2)
                .put("allianceMultiplierPermille", 1200))),
        200);
    // Perks: Gold earns ×1.2 everywhere, paid by the alliance fund; the café gives Silver (and so
    // Gold too) ×1.1 of its own.
    call(HttpMethod.PUT, prefix + "/shops/" + shops.get(0) + "/tier-perks", signIn(a, SHOPS[0][1]), new JsonObject()
        .put("levels", new JsonArray().add(new JsonObject().put("level", 1).put("multiplierPermille", 1100))), 200);

    // Welcome and birthday rewards: 50 points on joining, paid by the alliance fund (members who
    // joined before the rule get none); 100 in the birthday month, split between the shops that opt
    // in, the café and the bookshop (50 each). Three members told the admin their birthday, this
    // month: theirs are granted at once. The demo member's is left for the wallet to set.
    call(HttpMethod.PUT, prefix + "/rewards", admin, new JsonObject()
        .put("welcome", new JsonObject().put("points", 50).put("fundedBy", "alliance_fund"))
        .put("birthday", new JsonObject().put("points", 100).put("fundedBy", "shops")), 200);
    for (int shop = 0; shop < 2; shop++) {
      call(HttpMethod.PUT, prefix + "/shops/" + shops.get(shop) + "/rewards-opt-in", admin,
          new JsonObject().put("welcome", false).put("birthday", true), 200);
    }
    int thisMonth = realNow.atZone(TZ).getMonthValue();
    for (int m = 1; m <= 3; m++) {
      call(HttpMethod.PUT, prefix + "/members/" + memberIds[m] + "/birthday", admin,
          new JsonObject().put("month", thisMonth).put("day", 5 * m), 200);
    }

    long passportId = passport(a, shops);
    adjustments(a, shops.get(0), handles);
    // The history is written: members are told what happens from now on.
    await(memberEvents.skipToNow(a));

    StringBuilder out = new StringBuilder();
    out.append("Demo alliance ").append(a).append(" (梧桐街联盟): ").append(SHOPS.length).append(" shops, ").append(MEMBERS)
        .append(" members, ").append(DAYS).append(" days of history, cross-promotion #").append(campaignId)
        .append(", settlement period ").append(month).append(" closed, tiers 银卡 Silver and 金卡 Gold")
        .append(" (Gold x1.2 from the alliance fund; the café gives Silver and up x1.1).\n");
    out.append("  Points adjustments at the café: a goodwill 30 posted, a missed earn of 800 waiting on the admin's Approvals page.\n");
    out.append("  Rewards: welcome 50 points (alliance fund), birthday 100 points (split by the café and the bookshop).\n");
    out.append("  Demo sign-ins (demo only; password for all: ").append(PASSWORD).append("), alliance id ").append(a).append(":\n");
    out.append("    admin:   ").append(ADMIN).append("   -> /portal/admin.html\n");
    for (String[] shop : SHOPS) {
      out.append("    owner:   ").append(shop[1]).append("   (").append(shop[0]).append(")\n");
    }
    out.append("    cashier: demo-cafe-cashier\n");
    out.append("  The café pays double points 14:00-17:00 and 200 points on a member's first purchase there (over ¥20).\n");
    out.append("  Stamp passport #").append(passportId).append(" 街区集章: 3 of the first 4 shops (¥20 a stamp) for 300 points;")
        .append(" 12 members (the demo member too) have stamps from real sales.\n");
    out.append("    member wallet: phone ").append(DEMO_PHONE)
        .append(" on /portal/wallet.html; the sign-in code is written to this log (DEMO, NOT SENT BY SMS)\n");
    return out.toString();
  }

  /**
   * The café's own reasons to come back, live from today: double points every afternoon for three
   * months, and 200 points on a member's first purchase at the café of at least ¥20 (the history
   * above went straight to the ledger, so every demo member's first sale at the till is a first).
   */
  private void cafeRewards(long a, long cafeShop) {
    String path = "/v1/alliances/" + a + "/shops/" + cafeShop;
    String cafe = signIn(a, SHOPS[0][1]);
    java.time.LocalDate today = realNow.atZone(TZ).toLocalDate();
    call(HttpMethod.POST, path + "/promotions", cafe, new JsonObject().put("name", "下午茶双倍积分 Afternoon double points")
        .put("kind", "multiplier").put("multiplierPermille", 2000).put("windowStart", "14:00").put("windowEnd", "17:00")
        .put("startsOn", today.toString()).put("endsOn", today.plusDays(90).toString()), 201);
    call(HttpMethod.PUT, path + "/bounty", cafe, new JsonObject().put("points", 200).put("minSpendFen", 2000), 200);
  }

  /**
   * A stamp passport over the first four shops (3 stamps of ¥20 or more, 300 points: the fund pays
   * half, each shop an eighth), consented by their owners and live from a week ago for two months;
   * then real sales at a passport till of each shop, made with the members' own phone codes: the
   * demo member and eleven others, from one stamp to a completed card.
   */
  private long passport(long a, List<Long> shops) {
    String prefix = "/v1/alliances/" + a;
    String admin = signIn(a, ADMIN);
    java.time.LocalDate today = realNow.atZone(TZ).toLocalDate();
    JsonArray named = new JsonArray();
    for (int i = 0; i < 4; i++) {
      named.add(new JsonObject().put("shopId", shops.get(i)).put("basisPoints", 1250));
    }
    long id = call(HttpMethod.POST, prefix + "/passports", admin, new JsonObject().put("nameZh", "街区集章")
        .put("nameEn", "Street stamp passport").put("shops", named).put("fundBasisPoints", 5000)
        .put("stampsRequired", 3).put("minSpendFen", 2000).put("startsOn", today.minusDays(7).toString())
        .put("endsOn", today.plusDays(60).toString()).put("rewardPoints", 300), 201).getLong("id");
    List<String> tills = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String owner = signIn(a, SHOPS[i][1]);
      String shopPath = prefix + "/shops/" + shops.get(i);
      call(HttpMethod.POST, shopPath + "/passports/" + id + "/consent", owner, null, 200);
      String secret = call(HttpMethod.POST, shopPath + "/terminals", owner, new JsonObject().put("name", "集章 Passport till"),
          201).getString("enrolmentSecret");
      tills.add(call(HttpMethod.POST, "/v1/terminals/enrol", null, new JsonObject().put("enrolmentSecret", secret), 200)
          .getString("accessToken"));
    }
    // Member i (phone i + 1; 0 is the demo member) buys at shops (i + k) % 4 for k < stamps[i].
    int[] stamps = {2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3};
    long step = Lp2Code.stepOf(clock.instant());
    for (int i = 0; i < stamps.length; i++) {
      String phone = String.format("+86139%08d", i + 1);
      call(HttpMethod.POST, prefix + "/members/sign-in/code", null, new JsonObject().put("phone", phone), 202);
      String token = call(HttpMethod.POST, prefix + "/members/sign-in", null, new JsonObject().put("phone", phone)
          .put("code", codes.get(a + "/" + phone)), 200).getString("accessToken");
      JsonObject bound = call(HttpMethod.POST, "/v1/members/me/devices", token,
          new JsonObject().put("label", "集章 demo phone"), 201);
      long device = bound.getJsonObject("device").getLong("id");
      byte[] secret = Base64.getUrlDecoder().decode(bound.getString("secret"));
      for (int k = 0; k < stamps[i]; k++) {
        int shop = (i + k) % 4;
        await(sendKeyed(prefix + "/shops/" + shops.get(shop) + "/pos/accrue", tills.get(shop), UUID.randomUUID().toString(),
            new JsonObject().put("memberCode", Lp2Code.code(secret, device, step, k)).put("spendFen", 2500 + 500 * k), 200));
      }
    }
    return id;
  }

  /**
   * Points adjustments at the café, by its owner: a goodwill credit of 30 (within the threshold,
   * posted at once) and a missed earn of 800 (above the 500 threshold: pending, on the admin's
   * Approvals page).
   */
  private void adjustments(long a, long cafeShop, String[] handles) {
    String path = "/v1/alliances/" + a + "/shops/" + cafeShop + "/point-adjustments";
    String cafe = signIn(a, SHOPS[0][1]);
    await(sendKeyed(path, cafe, "demo-goodwill", new JsonObject().put("memberHandle", handles[4]).put("points", 30)
        .put("reason", "goodwill").put("note", "咖啡洒了 Spilt coffee"), 201));
    await(sendKeyed(path, cafe, "demo-missing-earn", new JsonObject().put("memberHandle", handles[5]).put("points", 800)
        .put("reason", "missing_earn").put("note", "团体订单漏积分 Group order not scanned"), 201));
  }

  private Future<JsonObject> sendKeyed(String path, String bearer, String key, JsonObject body, int status) {
    return http.request(HttpMethod.POST, path).putHeader("Authorization", "Bearer " + bearer)
        .putHeader("Idempotency-Key", key).sendJsonObject(body).map(response -> {
          if (response.statusCode() != status) {
            throw new IllegalStateException("demo seed: POST " + path + " answered " + response.statusCode() + ": "
                + response.bodyAsString());
          }
          return response.bodyAsJsonObject();
        });
  }

  /** The café offers ¥10 off at the bookshop; the bookshop's owner accepts. */
  private long crossPromotion(long a, List<Long> shops) {
    String prefix = "/v1/alliances/" + a + "/shops/";
    String cafe = signIn(a, SHOPS[0][1]);
    Instant now = clock.instant();
    JsonObject created = call(HttpMethod.POST, prefix + shops.get(0) + "/campaigns", cafe, new JsonObject()
        .put("name", "咖啡满50元 书店减10元").put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 1000))
        .put("minSpendFen", 3000).put("validFrom", now.toString()).put("validUntil", realNow.plus(Duration.ofDays(180)).toString())
        .put("inventory", 500).put("perMemberLimit", 2).put("issuingShopIds", new JsonArray().add(shops.get(0)))
        .put("honouringShopIds", new JsonArray().add(shops.get(1)))
        .put("funding", new JsonArray().add(new JsonObject().put("shopId", shops.get(0)).put("basisPoints", 7000))
            .add(new JsonObject().put("shopId", shops.get(1)).put("basisPoints", 3000)))
        .put("marketPricePoints", 200).put("shopCodes", true), 201);
    long id = created.getLong("id");
    String books = signIn(a, SHOPS[1][1]);
    call(HttpMethod.POST, prefix + shops.get(1) + "/campaigns/" + id + "/accept", books, null, 200);
    return id;
  }

  private String signIn(long alliance, String username) {
    return call(HttpMethod.POST, "/v1/alliances/" + alliance + "/staff/sign-in", null,
        new JsonObject().put("username", username).put("password", PASSWORD), 200).getString("accessToken");
  }

  private JsonObject call(HttpMethod method, String path, String bearer, JsonObject body, int status) {
    return await(send(method, path, bearer, body, status));
  }

  private Future<JsonObject> send(HttpMethod method, String path, String bearer, JsonObject body, int status) {
    HttpRequest<Buffer> request = http.request(method, path);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    return (body == null ? request.send() : request.sendJsonObject(body)).map(response -> {
      if (response.statusCode() != status) {
        throw new IllegalStateException("demo seed: " + method + " " + path + " answered " + response.statusCode() + ": "
            + response.bodyAsString());
      }
      return response.body() == null || response.body().length() == 0 ? new JsonObject() : response.bodyAsJsonObject();
    });
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("demo seed: " + e.getMessage(), e);
    }
  }

  static Path marker(LinkpointsConfig config) {
    return config.dataDir().resolve("demo-sign-ins.txt");
  }
}
