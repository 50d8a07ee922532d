package io.linkpoints.qr;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.Phone;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every way an LP2 member code is refused, over HTTP on the real service: replays, changed digits,
 * another device's key, revoked devices (by member, owner and admin), old codes, racing tills,
 * guessing, another alliance. Each test has tills of its own (the wrong-code limit is per terminal)
 * and ends by checking that nothing moved and the ledger adds up.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemberCodeRefusalsTest {
  private Vertx vertx;
  private ApiFixture api;
  private PosWorld world;
  private Till shop;
  private Till till;
  private Till otherTill;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    world = new PosWorld(api, "codes");
    shop = world.shop("Noodle Bar");
  }

  @BeforeEach
  void freshTills() {
    till = world.terminal(shop.shopId(), shop.ownerToken(), "till " + key().substring(0, 8));
    otherTill = world.terminal(shop.shopId(), shop.ownerToken(), "till " + key().substring(0, 8));
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
  void aReplayedCodeIsAlreadyUsed() {
    Person member = world.member();
    String code = world.code(member);
    expect(200, accrue(till, code, 1000));
    assertRefused("code_already_used", 409, accrue(till, code, 1000));
    assertRefused("code_already_used", 409, accrue(otherTill, code, 1000));
    assertRefused("code_already_used", 409, identify(otherTill, code));
    assertEquals(10, world.available(member), "one sale's points, once");
  }

  @Test
  void aChangedDigitIsInvalidAndTheGenuineCodeStillWorksOnce() {
    Person member = world.member();
    String good = world.code(member);
    // The MAC's first and last digits, the counter, the step digit: each changed alone.
    for (int at : new int[] {12, 19, 11, 10}) {
      String changed = good.substring(0, at) + (char) ('0' + (good.charAt(at) - '0' + 1) % 10) + good.substring(at + 1);
      assertRefused("code_invalid", 422, accrue(till, changed, 1000));
    }
    assertRefused("code_invalid", 422, accrue(till, good.substring(0, 19), 1000));
    assertRefused("code_invalid", 422, accrue(till, "LP1:" + good, 1000));
    assertRefused("code_invalid", 422, accrue(till, good.replace('8', '８'), 1000));
    assertEquals(0, world.available(member));
    expect(200, accrue(till, good, 1000));
    assertEquals(10, world.available(member));
  }

  @Test
  void aCodeMadeWithAnotherDevicesKeyIsInvalid() {
    Person member = world.member();
    Phone first = world.phone(member);
    Phone second = world.bindPhone(member, "second phone");
    long step = io.linkpoints.qr.Lp2Code.stepOf(api.clock.instant());
    String forged = Lp2Code.code(second.secret(), first.deviceId, step, 0);
    assertRefused("code_invalid", 422, accrue(till, forged, 1000));
    Person stranger = world.member();
    String strangers = Lp2Code.code(world.phone(stranger).secret(), first.deviceId, step, 1);
    assertRefused("code_invalid", 422, accrue(till, strangers, 1000));
    assertEquals(0, world.available(member));
    assertEquals(0, world.available(stranger));
  }

  @Test
  void aDeviceRevokedByTheMemberTheOwnerOrTheAdminMakesNoMoreCodes() {
    Person member = world.member();
    Phone kept = world.phone(member);
    Phone lost = world.bindPhone(member, "lost");
    Phone sold = world.bindPhone(member, "sold");
    Phone stolen = world.bindPhone(member, "stolen");
    String lostCode = lost.nextCode().orElseThrow();
    String soldCode = sold.nextCode().orElseThrow();
    String stolenCode = stolen.nextCode().orElseThrow();

    // The member, from the phone they kept.
    JsonObject byMember = expect(200, api.send(HttpMethod.DELETE, "/v1/members/me/devices/" + lost.deviceId, member.token(), null));
    assertEquals("member", byMember.getString("revokedBy"));
    // The owner, finding the member by phone at their request.
    JsonObject found = expect(200, api.post("/v1/alliances/" + world.allianceId + "/shops/" + shop.shopId()
        + "/member-devices/search", shop.ownerToken(), new JsonObject().put("phone", phoneOf(member))));
    assertEquals(member.memberId(), found.getLong("memberId"));
    assertEquals(4, found.getJsonArray("items").size());
    assertEquals("owner", expect(200, api.send(HttpMethod.DELETE, "/v1/alliances/" + world.allianceId + "/shops/"
        + shop.shopId() + "/member-devices/" + sold.deviceId, shop.ownerToken(), null)).getString("revokedBy"));
    // The admin.
    assertEquals("admin", expect(200, api.send(HttpMethod.DELETE, "/v1/alliances/" + world.allianceId
        + "/member-devices/" + stolen.deviceId, world.adminToken, null)).getString("revokedBy"));

    for (String code : List.of(lostCode, soldCode, stolenCode)) {
      assertRefused("code_invalid", 422, accrue(till, code, 1000));
      assertRefused("code_invalid", 422, identify(otherTill, code));
    }
    assertEquals(0, world.available(member));
    expect(200, accrue(till, kept.nextCode().orElseThrow(), 1000));
    assertEquals(10, world.available(member), "the member's other phone still works");
    // Revoking twice answers the same, and the audit log has the staff's revocations.
    assertEquals(byMember.getString("revokedAt"), expect(200, api.send(HttpMethod.DELETE, "/v1/members/me/devices/"
        + lost.deviceId, member.token(), null)).getString("revokedAt"));
    assertEquals(2, api.count("/* test */ select count(*) from audit_log where alliance_id = " + world.allianceId
        + " and action in ('revokeShopMemberDevice', 'revokeAllianceMemberDevice')"));
  }

  @Test
  void onlyCodesOfTheStepsAroundNowAreAccepted() {
    Person member = world.member();
    Phone phone = world.phone(member);
    long now = Lp2Code.stepOf(api.clock.instant());
    expect(200, accrue(till, phone.codeAt(now - 1, 7), 1000));
    expect(200, accrue(till, phone.codeAt(now + 1, 7), 1000));
    assertRefused("code_expired", 422, accrue(till, phone.codeAt(now - 2, 7), 1000));
    assertRefused("code_invalid", 422, accrue(till, phone.codeAt(now + 2, 7), 1000));
    // A code shown, then presented two minutes later.
    String shown = world.code(member);
    api.clock.advance(Duration.ofMinutes(2));
    try {
      assertRefused("code_expired", 422, accrue(till, shown, 1000));
      assertRefused("code_expired", 422, identify(till, shown));
    } finally {
      api.clock.advance(Duration.ofMinutes(-2));
    }
    assertEquals(20, world.available(member));
  }

  @Test
  void twentyConcurrentPresentationsOfOneCodeAtTwoTillsAcceptOne() throws Exception {
    Person member = world.member();
    String code = world.code(member);
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Till at = i % 2 == 0 ? till : otherTill;
        calls.add(pool.submit((Callable<HttpResponse<Buffer>>) () -> accrue(at, code, 1000)));
      }
      Map<String, Integer> outcomes = new TreeMap<>();
      for (Future<HttpResponse<Buffer>> call : calls) {
        HttpResponse<Buffer> r = call.get();
        outcomes.merge(r.statusCode() == 200 ? "accepted" : problemCode(r), 1, Integer::sum);
      }
      assertEquals(Map.of("accepted", 1, "code_already_used", 19), outcomes);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(10, world.available(member));
    assertEquals(1, api.count("/* test */ select count(*) from pos_accrual where member_id = " + member.memberId()));
  }

  @Test
  void aThousandGuessesForOneDeviceAreLimitedAndNoneAccepted() throws Exception {
    Person member = world.member();
    Phone target = world.phone(member);
    Phone spare = world.bindPhone(member, "spare");
    long step = Lp2Code.stepOf(api.clock.instant());
    Random random = new Random(12);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    Map<String, Integer> outcomes = new TreeMap<>();
    try {
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        String guess = String.format("88%08d%d%d%08d", target.deviceId, step % 10, random.nextInt(10), random.nextInt(100_000_000));
        calls.add(pool.submit((Callable<HttpResponse<Buffer>>) () -> accrue(till, guess, 1000)));
      }
      for (Future<HttpResponse<Buffer>> call : calls) {
        HttpResponse<Buffer> r = call.get();
        assertNotEquals(200, r.statusCode(), "a guess was accepted");
        outcomes.merge(problemCode(r), 1, Integer::sum);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(Map.of("code_invalid", WrongCodeLimits.PER_DEVICE, "too_many_attempts", 1000 - WrongCodeLimits.PER_DEVICE),
        outcomes);
    // Now even the device's genuine code waits for the window to end, at any till...
    String genuine = target.nextCode().orElseThrow();
    String saleKey = key();
    JsonObject sale = new JsonObject().put("memberCode", genuine).put("spendFen", 1000)
        .put("offline", true).put("scannedAt", api.clock.instant().toString());
    assertRefused("too_many_attempts", 429, world.pos(otherTill, "accrue", saleKey, sale));
    // ...but the member's other phone is not locked (at a till that did not guess).
    expect(200, accrue(otherTill, spare.nextCode().orElseThrow(), 1000));
    assertEquals(10, world.available(member));
    // The window over, the same sale sent again with the same key is served: a retryable refusal
    // (429) is never recorded as the key's answer (the code read then, sent now: an offline accrual).
    api.clock.advance(Duration.ofMinutes(10));
    try {
      expect(200, world.pos(otherTill, "accrue", saleKey, sale));
    } finally {
      api.clock.advance(Duration.ofMinutes(-10));
    }
    assertEquals(20, world.available(member));
  }

  @Test
  void aCodeFromAnotherAllianceIsInvalidHere() {
    PosWorld other = new PosWorld(api, "elsewhere");
    Person theirs = other.member();
    String code = other.code(theirs);
    assertRefused("code_invalid", 422, accrue(till, code, 1000));
    assertRefused("code_invalid", 422, identify(till, code));
    // Still good where it belongs.
    Till theirTill = other.shop("Their shop");
    expect(200, other.pos(theirTill, "accrue", key(), new JsonObject().put("memberCode", code).put("spendFen", 1000)));
    assertEquals(10, other.available(theirs));
  }

  private HttpResponse<Buffer> accrue(Till at, String code, long spendFen) {
    return world.pos(at, "accrue", key(), new JsonObject().put("memberCode", code).put("spendFen", spendFen));
  }

  private HttpResponse<Buffer> identify(Till at, String code) {
    return world.pos(at, "identify", key(), new JsonObject().put("memberCode", code));
  }

  private String phoneOf(Person p) {
    return world.phoneNumber(p);
  }

  private static void assertRefused(String code, int status, HttpResponse<Buffer> r) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, problemCode(r));
  }
}
