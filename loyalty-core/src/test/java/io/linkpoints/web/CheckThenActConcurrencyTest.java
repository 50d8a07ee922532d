package io.linkpoints.web;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.alliance.StaffSignIn;
import io.linkpoints.auth.SignInCodes;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every "at most N" and "exactly once" check outside the ledger, hit by concurrent requests split
 * over two instances of the service on one database: each holds because the database decides it
 * in one conditional write (or under a row lock), never in a read followed by a write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckThenActConcurrencyTest {
  private static final int AT_ONCE = 12;

  private Vertx vertx;
  private ApiFixture api;
  private ApiFixture second;
  private PosWorld world;
  private Till cafe;
  private ExecutorService clients;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    second = api.anotherInstance();
    world = new PosWorld(api, "checks");
    cafe = world.shop("Cafe");
    clients = Executors.newFixedThreadPool(AT_ONCE);
  }

  @AfterEach
  void ledgerStillAddsUp() {
    world.assertLedgerOk();
  }

  @AfterAll
  void stop() {
    clients.shutdown();
    second.close();
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** Request i goes to instance i % 2; all are sent at once. Returns the count of each outcome (status or code). */
  private Map<String, Integer> atOnce(int n, Function<Integer, Callable<HttpResponse<Buffer>>> request) throws Exception {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(clients.submit(request.apply(i)));
    }
    Map<String, Integer> outcomes = new TreeMap<>();
    for (Future<HttpResponse<Buffer>> call : calls) {
      HttpResponse<Buffer> r = call.get();
      outcomes.merge(r.statusCode() < 300 ? "ok" : problemCode(r), 1, Integer::sum);
    }
    return outcomes;
  }

  private static Map<String, Integer> removeKeys(Map<String, Integer> outcomes, String... keys) {
    Map<String, Integer> rest = new TreeMap<>(outcomes);
    for (String k : keys) {
      rest.remove(k);
    }
    return rest;
  }

  private ApiFixture instance(int i) {
    return i % 2 == 0 ? api : second;
  }

  private HttpResponse<Buffer> pos(ApiFixture at, String operation, JsonObject body) {
    return at.send(HttpMethod.POST, "/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId() + "/pos/" + operation,
        cafe.token(), body, Map.of("Idempotency-Key", key()));
  }

  @Test
  void oneMemberCodeSentWithManyKeysAtOnceIsUsedOnce() throws Exception {
    Person member = world.member();
    String code = world.code(member);
    Map<String, Integer> outcomes = atOnce(AT_ONCE, i -> () -> pos(instance(i), "accrue",
        new JsonObject().put("memberCode", code).put("spendFen", 1000)));
    assertEquals(Map.of("ok", 1, "code_already_used", AT_ONCE - 1), outcomes);
    assertEquals(10, world.available(member));
  }

  @Test
  void aShopCodeOnAReceiptScannedByManyMembersAtOncePaysOne() throws Exception {
    String code = expect(200, pos(api, "claim-codes", new JsonObject().put("points", 40))).getString("claimCode");
    List<Person> members = new ArrayList<>();
    for (int i = 0; i < AT_ONCE; i++) {
      members.add(world.member());
    }
    Map<String, Integer> outcomes = atOnce(AT_ONCE, i -> () -> instance(i).post("/v1/members/me/claims",
        members.get(i).token(), new JsonObject().put("code", code)));
    assertEquals(Map.of("ok", 1, "code_already_used", AT_ONCE - 1), outcomes);
    assertEquals(40, members.stream().mapToLong(world::available).sum());
  }

  @Test
  void refundsOfOneSaleAtOnceNeverRefundMoreThanTheSale() throws Exception {
    Person member = world.member();
    JsonObject sale = expect(200, pos(api, "accrue", new JsonObject().put("memberCode", world.code(member))
        .put("spendFen", 10_000)));
    Map<String, Integer> outcomes = atOnce(AT_ONCE, i -> () -> pos(instance(i), "refund",
        new JsonObject().put("accrualId", sale.getString("accrualId")).put("refundFen", 3_000)));
    assertEquals(Map.of("ok", 3, "refund_exceeds_sale", AT_ONCE - 3), outcomes);
    assertEquals(10, world.available(member), "90 of the 100 points went back with 9,000 of the 10,000 fen");
    assertEquals(9_000, api.count("/* test */ select refunded_fen from pos_accrual where id = '" + sale.getString("accrualId") + "'"));
  }

  @Test
  void aRefundDebtIsRecoveredOnceByAccrualsAtOnce() throws Exception {
    Person member = world.member();
    JsonObject sale = expect(200, pos(api, "accrue", new JsonObject().put("memberCode", world.code(member))
        .put("spendFen", 10_000)));
    JsonObject hold = expect(200, pos(api, "reserve", new JsonObject().put("memberCode", world.code(member))
        .put("points", 80)));
    expect(200, pos(api, "commit", new JsonObject().put("holdId", hold.getString("holdId"))));
    JsonObject refund = expect(200, pos(api, "refund", new JsonObject().put("accrualId", sale.getString("accrualId"))
        .put("refundFen", 10_000)));
    assertEquals(80, refund.getLong("shortfallPoints"));
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < AT_ONCE; i++) {
      codes.add(world.code(member));
    }
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < AT_ONCE; i++) {
      ApiFixture at = instance(i);
      String code = codes.get(i);
      calls.add(clients.submit(() -> pos(at, "accrue", new JsonObject().put("memberCode", code).put("spendFen", 10_000))));
    }
    long recovered = 0;
    for (Future<HttpResponse<Buffer>> call : calls) {
      recovered += expect(200, call.get()).getLong("recoveredPoints");
    }
    assertEquals(80, recovered, "the debt is paid back once, not by every accrual that saw it");
    assertEquals(100L * AT_ONCE - 80, world.available(member));
    assertEquals(80, api.count("/* test */ select recovered_points from pos_accrual where id = '" + sale.getString("accrualId") + "'"));
    assertEquals(100, api.count("/* test */ select sum(amount) from ledger_transfer where reverses_id = '"
        + sale.getString("accrualId") + "'"));
  }

  @Test
  void wrongPasswordsAtOnceAreCheckedAtMostTheLimitAndThenLockTheUsername() throws Exception {
    String alliance = "/v1/alliances/" + world.allianceId;
    expect(201, api.post(alliance + "/shops", world.adminToken, new JsonObject().put("name", "Target")
        .put("owner", new JsonObject().put("username", "target-owner").put("password", "owner-password-1"))));
    Map<String, Integer> outcomes = atOnce(AT_ONCE, i -> () -> instance(i).post(alliance + "/staff/sign-in", null,
        new JsonObject().put("username", "target-owner").put("password", "guess-" + i)));
    assertEquals(Map.of("invalid_credentials", StaffSignIn.MAX_FAILURES, "too_many_attempts",
        AT_ONCE - StaffSignIn.MAX_FAILURES), outcomes);
    assertEquals("too_many_attempts", problemCode(second.post(alliance + "/staff/sign-in", null,
        new JsonObject().put("username", "target-owner").put("password", "owner-password-1"))));
  }

  @Test
  void guessesOfAOneTimeCodeAtOnceAreCheckedAtMostTheLimitAndTheRightCodeWorksOnce() throws Exception {
    String signIn = "/v1/alliances/" + world.allianceId + "/members/sign-in";
    String phone = "+8613700000001";
    expect(202, api.post(signIn + "/code", null, new JsonObject().put("phone", phone)));
    String code = api.codes.last(world.allianceId, phone);
    String wrong = code.equals("000000") ? "111111" : "000000";
    Map<String, Integer> guesses = atOnce(AT_ONCE, i -> () -> instance(i).post(signIn, null,
        new JsonObject().put("phone", phone).put("code", wrong)));
    // Each guess is counted before it is compared, in one update: past the limit the code is dead
    // (its count only grows), so even the right code is refused now.
    assertTrue(guesses.getOrDefault("too_many_attempts", 0) >= 1, guesses.toString());
    assertEquals(Map.of(), removeKeys(guesses, "sign_in_code_invalid", "too_many_attempts"), guesses.toString());
    assertEquals("too_many_attempts",
        problemCode(api.post(signIn, null, new JsonObject().put("phone", phone).put("code", code))));
    assertEquals(0, api.count("/* test */ select count(*) from member where phone = '" + phone + "'"));
    assertTrue(SignInCodes.MAX_ATTEMPTS < AT_ONCE);

    // A fresh code sent many times at once signs in (and joins) once: the attempts counted past
    // the limit refuse themselves but never take the code from the one that came first.
    expect(202, api.post(signIn + "/code", null, new JsonObject().put("phone", phone)));
    String fresh = api.codes.last(world.allianceId, phone);
    Map<String, Integer> tries = atOnce(AT_ONCE, i -> () -> instance(i).post(signIn, null,
        new JsonObject().put("phone", phone).put("code", fresh)));
    assertEquals(1, tries.get("ok"), tries.toString());
    assertEquals(1, api.count("/* test */ select count(*) from member where phone = '" + phone + "'"));
  }

  @Test
  void anEnrolmentSecretUsedAtOnceEnrolsOneDevice() throws Exception {
    JsonObject created = expect(201, api.post("/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId()
        + "/terminals", cafe.ownerToken(), new JsonObject().put("name", "Second till")));
    String secret = created.getString("enrolmentSecret");
    Map<String, Integer> outcomes = atOnce(AT_ONCE, i -> () -> instance(i).post("/v1/terminals/enrol", null,
        new JsonObject().put("enrolmentSecret", secret)));
    assertEquals(1, outcomes.get("ok"), outcomes.toString());
    assertTrue(outcomes.size() == 2, outcomes.toString());
  }
}
