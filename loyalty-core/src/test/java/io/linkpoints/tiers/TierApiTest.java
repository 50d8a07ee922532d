package io.linkpoints.tiers;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Tiers through the API on a real PostgreSQL, with figures worked out by hand: every shop earns 1
 * point per yuan (floor), Silver (银卡) at 100 points, Gold (金卡) at 300 points and 2 shops, over 30
 * days, with 7 days' grace. The clock only moves forward; a scenario that moves it first has the
 * current day reviewed ({@link #reviewToday}), so the service's own periodic review, which may run
 * meanwhile at the same clock instant, can only do what the test's call does.
 */
class TierApiTest extends TillTestBase {
  private static final int SALES = 12;
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  private int worlds;

  TierApiTest() {
    super("tiers", SALES);
  }

  /** An alliance with two shops earning 1 point per yuan and the two tiers defined. */
  private final class World {
    final PosWorld pos = new PosWorld(api, "tiers" + (++worlds));
    Till cafe = pos.shop("Cafe");
    Till books = pos.shop("Books");

    World() {
      for (Till t : List.of(cafe, books)) {
        expect(200, api.send(HttpMethod.PUT, "/v1/alliances/" + pos.allianceId + "/shops/" + t.shopId() + "/earn-rule",
            t.ownerToken(), new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor")));
      }
      expect(200, api.send(HttpMethod.PUT, tiersPath(), pos.adminToken, definitions()));
    }

    String tiersPath() {
      return "/v1/alliances/" + pos.allianceId + "/tiers";
    }

    JsonObject accrue(Till till, Person p, long spendFen) {
      return expect(200, pos.pos(till, "accrue", key(),
          new JsonObject().put("memberCode", pos.code(p)).put("spendFen", spendFen)));
    }

    JsonObject refund(Till till, String accrualId, long refundFen) {
      return expect(200, pos.pos(till, "refund", key(),
          new JsonObject().put("accrualId", accrualId).put("refundFen", refundFen)));
    }

    /** Tokens last 15 minutes of the clock: after moving it, the tills sign in again. */
    void freshTokens() {
      cafe = fresh(cafe);
      books = fresh(books);
    }

    private Till fresh(Till t) {
      JsonObject token = expect(200, api.post("/v1/terminals/token", null,
          new JsonObject().put("deviceSecret", t.deviceSecret())));
      return new Till(t.shopId(), t.ownerToken(), t.terminalId(), token.getString("accessToken"), t.deviceSecret());
    }

    /** The member's wallet view of their tier, through the API (the member's token: the clock has not moved). */
    JsonObject myTier(Person p) {
      return expect(200, api.get("/v1/members/me/tier", p.token()));
    }

    /** The same view read from the service, whatever the clock did to the member's token. */
    MemberTiers.Progress progress(Person p) {
      return await(new MemberTiers(api.app.pool(), api.clock).progress(pos.allianceId, p.memberId()));
    }

    Integer level(Person p) {
      Tier tier = progress(p).tier();
      return tier == null ? null : tier.id();
    }

    long changes(Person p) {
      return api.count("/* test */ select count(*) from member_tier_change where alliance_id = " + pos.allianceId
          + " and member_id = " + p.memberId());
    }

    Instant graceUntil(Person p) {
      return progress(p).graceUntil();
    }

    TierReview.Outcome review() {
      return await(new TierReview(api.app.pool(), api.clock).review(pos.allianceId, SHANGHAI));
    }

    /** Today's review done now, before anything changes, so no later run of today's can act on what follows. */
    void reviewToday() {
      review();
    }
  }

  private static JsonObject level(String zh, String en, long threshold, int minShops) {
    return new JsonObject().put("nameZh", zh).put("nameEn", en).put("threshold", threshold).put("minShops", minShops);
  }

  private static JsonObject definitions() {
    return new JsonObject().put("basis", "points_earned").put("windowDays", 30).put("graceDays", 7)
        .put("levels", new JsonArray().add(level("银卡", "Silver", 100, 0)).add(level("金卡", "Gold", 300, 2)));
  }

  @Test
  void onlyTheAdminDefinesTiersAndBadDefinitionsAreRefusedWithStableCodes() {
    PosWorld pos = new PosWorld(api, "tierdefs" + (++worlds));
    Till cafe = pos.shop("Cafe");
    String path = "/v1/alliances/" + pos.allianceId + "/tiers";
    Person member = pos.member();

    assertEquals("tiers_not_defined", problemCode(api.get(path, pos.adminToken)));
    assertEquals(404, api.get("/v1/members/me/tier", member.token()).statusCode());
    assertEquals(403, api.send(HttpMethod.PUT, path, cafe.ownerToken(), definitions()).statusCode());
    assertEquals(403, api.send(HttpMethod.PUT, path, cafe.token(), definitions()).statusCode());

    JsonObject decreasing = definitions().put("levels", new JsonArray().add(level("金卡", "Gold", 300, 0))
        .add(level("银卡", "Silver", 100, 0)));
    assertEquals("invalid_tiers", problemCode(api.send(HttpMethod.PUT, path, pos.adminToken, decreasing)));
    JsonObject equal = definitions().put("levels", new JsonArray().add(level("银卡", "Silver", 100, 0))
        .add(level("金卡", "Gold", 100, 0)));
    assertEquals("invalid_tiers", problemCode(api.send(HttpMethod.PUT, path, pos.adminToken, equal)));
    JsonArray eleven = new JsonArray();
    for (int i = 0; i < 11; i++) {
      eleven.add(level("级" + i, "L" + i, i * 10L, 0));
    }
    assertEquals("validation_failed", problemCode(api.send(HttpMethod.PUT, path, pos.adminToken,
        definitions().put("levels", eleven))));
    assertEquals("validation_failed", problemCode(api.send(HttpMethod.PUT, path, pos.adminToken,
        definitions().put("levels", new JsonArray()))));
    assertEquals("validation_failed", problemCode(api.send(HttpMethod.PUT, path, pos.adminToken,
        definitions().put("levels", new JsonArray().add(level("银".repeat(41), "Silver", 100, 0))))));
    assertEquals("validation_failed", problemCode(api.send(HttpMethod.PUT, path, pos.adminToken,
        definitions().put("levels", new JsonArray().add(level("银卡", "", 100, 0))))));
    assertEquals("invalid_tiers", problemCode(api.send(HttpMethod.PUT, path, pos.adminToken,
        definitions().put("levels", new JsonArray().add(level("  ", "Silver", 100, 0))))));
    assertEquals("tiers_not_defined", problemCode(api.get(path, pos.adminToken)), "nothing refused was stored");

    JsonObject stored = expect(200, api.send(HttpMethod.PUT, path, pos.adminToken, definitions()));
    assertEquals(1, stored.getLong("version"));
    JsonObject read = expect(200, api.get(path, cafe.ownerToken()));
    assertEquals(stored, read);
    assertEquals(new JsonObject().put("id", 2).put("nameZh", "金卡").put("nameEn", "Gold").put("threshold", 300)
        .put("minShops", 2), read.getJsonArray("levels").getJsonObject(1));
    assertEquals(2, expect(200, api.send(HttpMethod.PUT, path, pos.adminToken, definitions())).getLong("version"));

    PosWorld other = new PosWorld(api, "tierdefs" + (++worlds));
    assertEquals(403, api.get(path, other.adminToken).statusCode(), "another alliance's admin");
  }

  @Test
  void handComputedThresholdsAndTheAnswersCarryTheTier() {
    World w = new World();
    Person m = w.pos.member();

    JsonObject first = w.accrue(w.cafe, m, 9_999); // 99 points
    assertEquals(99, first.getLong("points"));
    assertNull(first.getValue("tier"));
    assertNull(expect(200, w.pos.pos(w.cafe, "identify", key(), new JsonObject().put("memberCode", w.pos.code(m))))
        .getValue("tier"));
    JsonObject progress = w.myTier(m);
    assertEquals(99, progress.getJsonObject("figures").getLong("points"));
    assertEquals(1, progress.getJsonObject("next").getInteger("id"));
    assertEquals(1, progress.getLong("missing"));

    JsonObject crossing = w.accrue(w.cafe, m, 100); // 1 point: 100
    assertEquals(new JsonObject().put("id", 1).put("nameZh", "银卡").put("nameEn", "Silver"),
        crossing.getJsonObject("tier"));
    assertEquals(1, expect(200, w.pos.pos(w.books, "identify", key(),
        new JsonObject().put("memberCode", w.pos.code(m)))).getJsonObject("tier").getInteger("id"));

    // 300 points, but at one shop only: Gold also wants 2 shops.
    assertEquals(1, w.accrue(w.cafe, m, 20_000).getJsonObject("tier").getInteger("id"));
    progress = w.myTier(m);
    assertEquals(new JsonObject().put("points", 300).put("spendFen", 30_099).put("shops", 1),
        progress.getJsonObject("figures"));
    assertEquals(2, progress.getJsonObject("next").getInteger("id"));
    assertEquals(0, progress.getLong("missing"));
    assertEquals(1, progress.getLong("missingShops"));

    JsonObject gold = w.accrue(w.books, m, 100); // 301 points at 2 shops
    assertEquals(2, gold.getJsonObject("tier").getInteger("id"));
    progress = w.myTier(m);
    assertNull(progress.getValue("next"));
    assertNull(progress.getValue("graceUntil"));
    assertEquals(2, w.changes(m));
    assertEquals("earned:->1,earned:1>2", api.text("/* test */ select string_agg(reason || ':'"
        + " || coalesce(from_level::text, '-') || '>' || to_level, ',' order by id) from member_tier_change"
        + " where alliance_id = " + w.pos.allianceId + " and member_id = " + m.memberId()));
  }

  @Test
  void concurrentSalesCrossingTheBoundaryMakeOneChangeAndOneHistoryRow() throws Exception {
    World w = new World();
    Person m = w.pos.member();
    w.accrue(w.cafe, m, 9_500); // 95 points: each of the sales below crosses 100 by itself
    List<Future<JsonObject>> calls = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < SALES; i++) {
      codes.add(w.pos.code(m));
    }
    for (int i = 0; i < SALES; i++) {
      ApiFixture instance = i % 2 == 0 ? api : second();
      Till till = i % 3 == 0 ? w.books : w.cafe;
      String code = codes.get(i);
      String path = "/v1/alliances/" + w.pos.allianceId + "/shops/" + till.shopId() + "/pos/accrue";
      calls.add(tills.submit(() -> expect(200, instance.send(HttpMethod.POST, path, till.token(),
          new JsonObject().put("memberCode", code).put("spendFen", 500), Map.of("Idempotency-Key", key())))));
    }
    for (Future<JsonObject> call : calls) {
      assertEquals(1, call.get().getJsonObject("tier").getInteger("id"));
    }
    assertEquals(1, w.changes(m), "one change, recorded once");
    assertEquals(1, w.level(m));
    // ... and told once (tier.changed, in the change's transaction), with the new level's names.
    var told = await(api.app.pool().preparedQuery("/* test */ select payload from outbox_event where alliance_id = $1"
        + " and member_id = $2 and type = 'tier.changed'").execute(io.vertx.sqlclient.Tuple.of(w.pos.allianceId,
        m.memberId())));
    assertEquals(1, told.size(), "one tier.changed event");
    JsonObject data = (JsonObject) told.iterator().next().getValue(0);
    assertEquals(1, data.getInteger("toLevel"));
    assertNull(data.getValue("fromLevel"), "from no tier");
    assertEquals("Silver", data.getString("levelNameEn"));
    assertEquals("银卡", data.getString("levelNameZh"));
    assertEquals(m.handle(), data.getString("member"));
  }

  /**
   * The lock itself, with no HTTP timing in between: a member below Silver under the first
   * definitions, then Silver lowered to what they have, then twelve evaluations started at once
   * (as twelve sales' would be): one change, reason definitions_changed. Without the row lock every
   * one of them read "no tier" and recorded its own change.
   */
  @Test
  void evaluationsAtOnceOfAMemberWhoNowQualifiesMakeOneChange() {
    PosWorld pos = new PosWorld(api, "tierlock" + (++worlds));
    Till cafe = pos.shop("Cafe");
    String path = "/v1/alliances/" + pos.allianceId + "/tiers";
    expect(200, api.send(HttpMethod.PUT, "/v1/alliances/" + pos.allianceId + "/shops/" + cafe.shopId() + "/earn-rule",
        cafe.ownerToken(), new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor")));
    expect(200, api.send(HttpMethod.PUT, path, pos.adminToken, definitions().put("levels",
        new JsonArray().add(level("银卡", "Silver", 200, 0)).add(level("金卡", "Gold", 300, 2)))));
    Person m = pos.member();
    JsonObject sale = expect(200, pos.pos(cafe, "accrue", key(),
        new JsonObject().put("memberCode", pos.code(m)).put("spendFen", 15_000)));
    assertNull(sale.getValue("tier"), "150 points, Silver wants 200");
    expect(200, api.send(HttpMethod.PUT, path, pos.adminToken, definitions()));

    MemberTiers tiers = new MemberTiers(api.app.pool(), api.clock);
    List<io.vertx.core.Future<java.util.Optional<Tier>>> all = new ArrayList<>();
    for (int i = 0; i < SALES; i++) {
      all.add(tiers.afterEarn(pos.allianceId, m.handle()));
    }
    for (var each : all) {
      assertEquals(1, await(each).orElseThrow().id());
    }
    assertEquals("definitions_changed:->1", api.text("/* test */ select string_agg(reason || ':'"
        + " || coalesce(from_level::text, '-') || '>' || to_level, ',' order by id) from member_tier_change"
        + " where alliance_id = " + pos.allianceId + " and member_id = " + m.memberId()));
  }

  @Test
  void refundsLowerTheFiguresAndTheDowngradeWaitsForTheGraceAndActsOnce() throws Exception {
    World w = new World();
    Person m = w.pos.member();
    String accrual = w.accrue(w.cafe, m, 10_000).getString("accrualId"); // 100 points: Silver
    w.reviewToday();
    w.refund(w.cafe, accrual, 5_001); // takes back floor(100 * 5001 / 10000) = 50
    JsonObject progress = w.myTier(m);
    assertEquals(new JsonObject().put("points", 50).put("spendFen", 4_999).put("shops", 1),
        progress.getJsonObject("figures"), "100 - floor(100 * 5001 / 10000) points, 10000 - 5001 fen");
    assertEquals(1, w.level(m), "no downgrade at once");

    api.clock.advance(Duration.ofDays(1));
    Instant day1 = api.clock.instant().truncatedTo(ChronoUnit.MICROS); // as PostgreSQL keeps it
    // Two instances reviewing at once: one grace, set once.
    List<Future<TierReview.Outcome>> both = List.of(tills.submit(w::review), tills.submit(w::review));
    for (Future<TierReview.Outcome> o : both) {
      assertEquals(0, o.get().changed());
    }
    assertEquals(day1.plus(Duration.ofDays(7)), w.graceUntil(m));
    assertEquals(1, w.level(m));
    assertEquals(1, w.changes(m));

    api.clock.advance(Duration.ofDays(6)); // a day before the grace ends
    w.review();
    assertEquals(1, w.level(m));
    assertEquals(day1.plus(Duration.ofDays(7)), w.graceUntil(m), "the grace is not restarted");

    api.clock.advance(Duration.ofDays(1)); // the grace is over
    both = List.of(tills.submit(w::review), tills.submit(w::review));
    int changed = 0;
    for (Future<TierReview.Outcome> o : both) {
      changed += o.get().changed();
    }
    assertEquals(1, changed, "two reviews at once downgrade once");
    assertNull(w.level(m));
    assertNull(w.graceUntil(m));
    assertEquals(2, w.changes(m));
    assertEquals("daily_review:1>-", api.text("/* test */ select reason || ':' || from_level || '>'"
        + " || coalesce(to_level::text, '-') from member_tier_change where alliance_id = " + w.pos.allianceId
        + " and member_id = " + m.memberId() + " order by id desc limit 1"));
    assertEquals(0, w.review().changed(), "the day's review again does nothing");
    assertEquals(2, w.changes(m));
  }

  @Test
  void theGraceIsClearedWhenTheFiguresRecover() {
    World w = new World();
    Person m = w.pos.member();
    String accrual = w.accrue(w.cafe, m, 10_000).getString("accrualId");
    w.reviewToday();
    w.refund(w.cafe, accrual, 10_000); // all 100 points back: 0
    api.clock.advance(Duration.ofDays(1));
    w.review();
    assertNotNull(w.graceUntil(m));

    w.freshTokens();
    assertEquals(1, w.accrue(w.books, m, 10_000).getJsonObject("tier").getInteger("id"));
    assertNull(w.graceUntil(m), "back at Silver's 100 points: no downgrade pending");
    api.clock.advance(Duration.ofDays(10));
    w.review();
    assertEquals(1, w.level(m));
    assertEquals(1, w.changes(m));
  }

  @Test
  void anAccrualLeavingTheWindowLowersTheFigures() {
    World w = new World();
    Person m = w.pos.member();
    w.accrue(w.cafe, m, 10_000);
    Instant earned = api.clock.instant();
    w.reviewToday();

    api.clock.set(earned.plus(Duration.ofDays(30)).minusMillis(1));
    assertEquals(100, w.progress(m).figures().points(), "still in the 30 days");
    api.clock.set(earned.plus(Duration.ofDays(30)));
    assertEquals(0, w.progress(m).figures().points(), "30 days on, out of the window");
    assertEquals(1, w.level(m));

    api.clock.advance(Duration.ofDays(1));
    w.review();
    assertNotNull(w.graceUntil(m), "below Silver now: the grace starts");
    assertEquals(1, w.level(m));
  }
}
