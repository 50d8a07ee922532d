package io.linkpoints.pos;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.ledger.HoldTimeouts;
import io.linkpoints.qr.Lp2Code;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A POS request cut short by a crash (its idempotency record left without an outcome) and sent
 * again with the same key once its member code, visit or hold has expired: the answer is what the
 * ledger already holds, the one a first uninterrupted run gave. The half-done state is the one a
 * crash leaves: the request runs, then its record loses its outcome, as if the process had died
 * just before writing it; or, for a crash right after the code was used, the record and the code's
 * use are all there is.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PosRetryAfterCrashTest {
  /** Past a member code's 60 s and the 5 s of clock skew. */
  private static final Duration CODE_EXPIRED = Duration.ofMinutes(2);

  private Vertx vertx;
  private ApiFixture api;
  private PosWorld world;
  private Till cafe;
  private Till books;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    world = new PosWorld(api, "rerun");
    cafe = world.shop("Corner Café");
    books = world.shop("Bookshop");
  }

  private Instant began;

  @BeforeEach
  void rememberTheTime() {
    began = api.clock.instant();
  }

  /** Time goes back to where the test began, so the tills' 15-minute tokens stay valid for the next. */
  @AfterEach
  void ledgerStillAddsUp() {
    api.clock.set(began);
    world.assertLedgerOk();
  }

  @AfterAll
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void anAccrualWhoseEarnCommittedIsAnsweredAsEarnedAfterItsCodeExpired() {
    Person member = world.member();
    String saleKey = key();
    JsonObject sale = new JsonObject().put("memberCode", world.code(member)).put("spendFen", 3850);
    JsonObject first = expect(200, world.pos(cafe, "accrue", saleKey, sale));
    cutShort(cafe, saleKey);
    api.clock.advance(CODE_EXPIRED);

    assertEquals(first, expect(200, world.pos(cafe, "accrue", saleKey, sale)));
    assertEquals(200, world.status(cafe, saleKey).getInteger("statusCode"));
    assertEquals(1, api.count("/* test */ select count(*) from ledger_transfer where id = '" + first.getString("accrualId") + "'"));
    assertEquals(38, world.available(member));
  }

  @Test
  void anAccrualCutShortRightAfterItUsedItsCodeEarnsWhenRetriedAfterTheCodeExpired() throws Exception {
    Person member = world.member();
    String code = world.code(member);
    String saleKey = key();
    JsonObject sale = new JsonObject().put("memberCode", code).put("spendFen", 1000);
    // What the crash left: the request begun, the code used by it, nothing else.
    Lp2Code.Parsed v = Lp2Code.parse(code).orElseThrow();
    long step = Lp2Code.stepOf(api.clock.instant());
    sql("/* test */ insert into pos_request (alliance_id, terminal_id, idempotency_key, operation, fingerprint, created_at)"
        + " values ($1, $2, $3, 'accrue', $4, $5)", Tuple.of(world.allianceId, cafe.terminalId(), saleKey,
        PosRequests.fingerprint("accrue", sale), api.clock.instant().atOffset(ZoneOffset.UTC)));
    sql("/* test */ insert into member_code_use (device_id, step, counter, alliance_id, used_at, expires_at, used_by)"
        + " values ($1, $2, $3, $4, $5, $6, $7)", Tuple.of(v.deviceId(), step, v.counter(), world.allianceId,
        api.clock.instant().atOffset(ZoneOffset.UTC), api.clock.instant().plus(Duration.ofHours(73)).atOffset(ZoneOffset.UTC),
        cafe.terminalId() + ":" + saleKey));
    assertEquals("in_progress", world.status(cafe, saleKey).getString("state"));
    api.clock.advance(CODE_EXPIRED);

    JsonObject earned = expect(200, world.pos(cafe, "accrue", saleKey, sale));
    assertEquals(10, earned.getLong("points"));
    assertEquals(10, world.available(member));
    // The code is still this request's alone.
    assertEquals("code_expired", problemCode(world.pos(cafe, "accrue", key(), sale)));
  }

  @Test
  void anAccrualCutShortAfterItsRowBeforeItsEarnEarnsAsRecordedWhenRetriedAfterTheCodeExpired() throws Exception {
    Person member = world.member();
    String code = world.code(member);
    String saleKey = key();
    JsonObject sale = new JsonObject().put("memberCode", code).put("spendFen", 4200);
    // What the crash left: the request begun, the code used, the accrual's row; no earn in the ledger.
    Lp2Code.Parsed v = Lp2Code.parse(code).orElseThrow();
    long step = Lp2Code.stepOf(api.clock.instant());
    var now = api.clock.instant().atOffset(ZoneOffset.UTC);
    sql("/* test */ insert into pos_request (alliance_id, terminal_id, idempotency_key, operation, fingerprint, created_at)"
        + " values ($1, $2, $3, 'accrue', $4, $5)", Tuple.of(world.allianceId, cafe.terminalId(), saleKey,
        PosRequests.fingerprint("accrue", sale), now));
    sql("/* test */ insert into member_code_use (device_id, step, counter, alliance_id, used_at, expires_at, used_by)"
        + " values ($1, $2, $3, $4, $5, $6, $7)", Tuple.of(v.deviceId(), step, v.counter(), world.allianceId,
        api.clock.instant().atOffset(ZoneOffset.UTC), api.clock.instant().plus(Duration.ofHours(73)).atOffset(ZoneOffset.UTC),
        cafe.terminalId() + ":" + saleKey));
    java.util.UUID accrualId = new Caller(world.allianceId, cafe.shopId(), cafe.terminalId()).derive(saleKey, "earn");
    sql("/* test */ insert into pos_accrual (alliance_id, id, shop_id, terminal_id, member_id, spend_fen, points, raw_points,"
        + " limited_by, created_at) values ($1, $2, $3, $4, $5, 4200, 42, 42, 'none', $6)",
        Tuple.of(world.allianceId, accrualId, cafe.shopId(), cafe.terminalId(), member.memberId(), now));
    api.clock.advance(CODE_EXPIRED);

    JsonObject earned = expect(200, world.pos(cafe, "accrue", saleKey, sale));
    assertEquals(accrualId.toString(), earned.getString("accrualId"));
    assertEquals(42, earned.getLong("points"));
    assertEquals(42, world.available(member));
    assertEquals(1, api.count("/* test */ select count(*) from ledger_transfer where id = '" + accrualId + "'"));
  }

  @Test
  void aCappedAccrualByVisitAnswersWhatItRecordedAfterTheVisitClosed() {
    Till tea = world.shop("Capped Tea");
    expect(200, api.send(HttpMethod.PUT, "/v1/alliances/" + world.allianceId + "/shops/" + tea.shopId() + "/earn-rule",
        tea.ownerToken(), new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor").put("dailyCapPoints", 50)));
    Person member = world.member();
    String visit = expect(200, world.pos(tea, "identify", key(), new JsonObject().put("memberCode", world.code(member))))
        .getString("visitId");
    String saleKey = key();
    JsonObject sale = new JsonObject().put("visitId", visit).put("spendFen", 10000);
    JsonObject first = expect(200, world.pos(tea, "accrue", saleKey, sale));
    assertEquals(50, first.getLong("points"));
    assertEquals("shop_daily_cap", first.getString("limitedBy"));
    cutShort(tea, saleKey);
    api.clock.advance(Duration.ofMinutes(6)); // the visit has closed

    assertEquals(first, expect(200, world.pos(tea, "accrue", saleKey, sale)));
    assertEquals(50, world.available(member));

    // By code too: run again, it must not quote again (today's earnings now include its own earn).
    Person other = world.member();
    String otherKey = key();
    JsonObject byCode = new JsonObject().put("memberCode", world.code(other)).put("spendFen", 10000);
    JsonObject firstByCode = expect(200, world.pos(tea, "accrue", otherKey, byCode));
    assertEquals(50, firstByCode.getLong("points"));
    cutShort(tea, otherKey);
    api.clock.advance(CODE_EXPIRED);
    assertEquals(firstByCode, expect(200, world.pos(tea, "accrue", otherKey, byCode)));
    assertEquals(50, world.available(other));
  }

  @Test
  void anAccrualThatPaidOffADebtAnswersTheSameRecoveryWhenRunAgain() {
    Person member = world.member();
    JsonObject owedSale = expect(200, world.pos(cafe, "accrue", key(),
        new JsonObject().put("memberCode", world.code(member)).put("spendFen", 10000)));
    JsonObject hold = expect(200, world.pos(books, "reserve", key(),
        new JsonObject().put("memberCode", world.code(member)).put("points", 80)));
    expect(200, world.pos(books, "commit", key(), new JsonObject().put("holdId", hold.getString("holdId"))));
    JsonObject refund = expect(200, world.pos(cafe, "refund", key(),
        new JsonObject().put("accrualId", owedSale.getString("accrualId")).put("refundFen", 10000)));
    assertEquals(80, refund.getLong("shortfallPoints"));

    String saleKey = key();
    JsonObject sale = new JsonObject().put("memberCode", world.code(member)).put("spendFen", 10000);
    JsonObject first = expect(200, world.pos(books, "accrue", saleKey, sale));
    assertEquals(80, first.getLong("recoveredPoints"));
    assertEquals(20, first.getLong("availablePoints"));
    cutShort(books, saleKey);
    api.clock.advance(CODE_EXPIRED);

    assertEquals(first, expect(200, world.pos(books, "accrue", saleKey, sale)));
    assertEquals(20, world.available(member));
    assertEquals(80, api.count("/* test */ select recovered_points from pos_accrual where id = '" + owedSale.getString("accrualId") + "'"));
  }

  @Test
  void aPurchaseListsItsCouponAgainEvenAfterTheCampaignRanOut() {
    Till tea = world.shop("Tea House");
    Till florist = world.shop("Florist");
    String shops = "/v1/alliances/" + world.allianceId + "/shops/";
    long campaign = expect(201, api.post(shops + tea.shopId() + "/campaigns", tea.ownerToken(), new JsonObject()
        .put("name", "last one").put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 500))
        .put("minSpendFen", 2000).put("validFrom", api.clock.instant().minus(Duration.ofHours(1)).toString())
        .put("validUntil", api.clock.instant().plus(Duration.ofDays(30)).toString())
        .put("inventory", 1).put("perMemberLimit", 1).put("autoIssueMinSpendFen", 3000)
        .put("issuingShopIds", new JsonArray().add(tea.shopId()))
        .put("honouringShopIds", new JsonArray().add(florist.shopId())))).getLong("id");
    expect(200, api.post(shops + florist.shopId() + "/campaigns/" + campaign + "/accept", florist.ownerToken(), null));
    Person member = world.member();
    String saleKey = key();
    JsonObject sale = new JsonObject().put("memberCode", world.code(member)).put("spendFen", 3500).put("orderRef", "T-9");
    JsonObject first = expect(200, world.pos(tea, "accrue", saleKey, sale));
    assertEquals(1, first.getJsonArray("couponsIssued").size());
    cutShort(tea, saleKey);
    api.clock.advance(CODE_EXPIRED);

    assertEquals(first, expect(200, world.pos(tea, "accrue", saleKey, sale)), "the only coupon is still this sale's");
    assertEquals(1, api.count("/* test */ select count(*) from coupon where campaign_id = " + campaign));
  }

  @Test
  void aReserveAnswersWithItsHoldAfterTheCodeExpiredAndAfterTheHoldTimedOut() {
    Person member = world.member();
    world.grant(member, cafe, 100);
    String reserveKey = key();
    JsonObject reserve = new JsonObject().put("memberCode", world.code(member)).put("points", 70);
    JsonObject first = expect(200, world.pos(cafe, "reserve", reserveKey, reserve));
    cutShort(cafe, reserveKey);
    api.clock.advance(Duration.ofSeconds(90)); // the code has expired, the hold (120 s) has not

    assertEquals(first, expect(200, world.pos(cafe, "reserve", reserveKey, reserve)));
    assertEquals(30, world.available(member));

    cutShort(cafe, reserveKey);
    api.clock.advance(Duration.ofMinutes(2));
    await(new HoldTimeouts(api.app.ledger(), api.clock).runOnce(1000));
    assertEquals(100, world.available(member), "the hold timed out");
    JsonObject again = expect(200, world.pos(cafe, "reserve", reserveKey, reserve));
    assertEquals(first.copy().put("availablePoints", 100), again, "the hold it made, the balance as it is now");
    assertEquals(1, api.count("/* test */ select count(*) from ledger_transfer where id = '" + first.getString("holdId") + "'"));
  }

  @Test
  void commitAndReleaseAnswerFromTheLedgerAfterTheHoldTimedOut() {
    Person member = world.member();
    world.grant(member, cafe, 100);
    String toCommit = expect(200, world.pos(cafe, "reserve", key(),
        new JsonObject().put("memberCode", world.code(member)).put("points", 60))).getString("holdId");
    String toRelease = expect(200, world.pos(cafe, "reserve", key(),
        new JsonObject().put("memberCode", world.code(member)).put("points", 40))).getString("holdId");
    String commitKey = key();
    JsonObject commit = new JsonObject().put("holdId", toCommit).put("points", 50);
    JsonObject committed = expect(200, world.pos(cafe, "commit", commitKey, commit));
    String releaseKey = key();
    JsonObject release = new JsonObject().put("holdId", toRelease);
    JsonObject released = expect(200, world.pos(cafe, "release", releaseKey, release));
    cutShort(cafe, commitKey);
    cutShort(cafe, releaseKey);
    api.clock.advance(Duration.ofMinutes(5));
    await(new HoldTimeouts(api.app.ledger(), api.clock).runOnce(1000));

    assertEquals(committed, expect(200, world.pos(cafe, "commit", commitKey, commit)));
    assertEquals(released, expect(200, world.pos(cafe, "release", releaseKey, release)));
    assertEquals(50, world.available(member));
  }

  @Test
  void aRefundAnswersTheSameWhenRunAgainLater() {
    Person member = world.member();
    JsonObject accrual = expect(200, world.pos(cafe, "accrue", key(),
        new JsonObject().put("memberCode", world.code(member)).put("spendFen", 3850)));
    String refundKey = key();
    JsonObject refund = new JsonObject().put("accrualId", accrual.getString("accrualId")).put("refundFen", 1925);
    JsonObject first = expect(200, world.pos(cafe, "refund", refundKey, refund));
    cutShort(cafe, refundKey);
    api.clock.advance(Duration.ofMinutes(10));

    assertEquals(first, expect(200, world.pos(cafe, "refund", refundKey, refund)));
    assertEquals(19, world.available(member));
  }

  @Test
  void identifyAnswersWithTheSameVisitAfterTheCodeExpired() {
    Person member = world.member();
    String identifyKey = key();
    JsonObject identify = new JsonObject().put("memberCode", world.code(member));
    JsonObject first = expect(200, world.pos(cafe, "identify", identifyKey, identify));
    cutShort(cafe, identifyKey);
    api.clock.advance(CODE_EXPIRED);

    assertEquals(first, expect(200, world.pos(cafe, "identify", identifyKey, identify)));
  }

  @Test
  void anExpiredCodeIsStillRefusedToEveryOtherRequest() {
    Person member = world.member();
    String used = world.code(member);
    String unused = world.code(member);
    expect(200, world.pos(cafe, "identify", key(), new JsonObject().put("memberCode", used)));
    api.clock.advance(CODE_EXPIRED);
    for (String code : new String[] {used, unused}) {
      assertEquals("code_expired", problemCode(world.pos(cafe, "accrue", key(),
          new JsonObject().put("memberCode", code).put("spendFen", 100))));
      assertEquals("code_expired", problemCode(world.pos(cafe, "reserve", key(),
          new JsonObject().put("memberCode", code).put("points", 1))));
    }
    String forged = unused.substring(0, unused.length() - 3) + (unused.endsWith("AAA") ? "BBB" : "AAA");
    assertEquals("code_invalid", problemCode(world.pos(cafe, "accrue", key(),
        new JsonObject().put("memberCode", forged).put("spendFen", 100))));
    assertEquals(0, world.available(member));
  }

  /** The request's record as a crash just before its outcome was written leaves it: begun, no outcome. */
  private void cutShort(Till till, String key) {
    sql("/* test */ update pos_request set status_code = null, response = null, completed_at = null"
        + " where alliance_id = $1 and terminal_id = $2 and idempotency_key = $3",
        Tuple.of(world.allianceId, till.terminalId(), key));
    assertEquals("in_progress", world.status(till, key).getString("state"));
  }

  private void sql(String statement, Tuple args) {
    await(api.app.pool().preparedQuery(statement).execute(args));
  }
}
