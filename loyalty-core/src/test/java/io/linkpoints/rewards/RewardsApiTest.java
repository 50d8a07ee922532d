package io.linkpoints.rewards;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Welcome and birthday rewards through the API on a real PostgreSQL, two service instances on one
 * database. Figures by hand: welcome 50 points, birthday 100 (or 101 split between two shops). A
 * test reads "this month" from the service's clock (the Shanghai month), so one that moves the clock
 * a year runs last (members' join times are the database's clock, which it does not move). The
 * service's own reward job runs meanwhile (every 10 minutes, first 45 s after start): a test asserts
 * what a run of the job leaves, which is the same whichever run did it, and "nothing to do" after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RewardsApiTest {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final int RACERS = 8;

  private Vertx vertx;
  private ApiFixture api;
  private ApiFixture second;
  private ExecutorService threads;
  private int worlds;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    second = api.anotherInstance();
    threads = Executors.newFixedThreadPool(RACERS + 4);
  }

  @AfterEach
  void ledgerStillAddsUp() {
    api.assertLedgerOk();
  }

  @AfterAll
  void stop() {
    threads.shutdown();
    second.close();
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** An alliance, its admin, and members made on demand. */
  private final class World {
    final PosWorld pos = new PosWorld(api, "rw" + (++worlds));
    final long id = pos.allianceId;

    String path(String rest) {
      return "/v1/alliances/" + id + rest;
    }

    JsonObject rules(JsonObject body) {
      return expect(200, api.send(HttpMethod.PUT, path("/rewards"), pos.adminToken, body));
    }

    /** A shop and its owner's token (no till: rewards need none). */
    long[] shop(String name) {
      String owner = "rw" + worlds + "-" + name.toLowerCase().replace(' ', '-');
      long shopId = api.createShop(id, pos.adminToken, name, owner).getLong("id");
      return new long[] {shopId};
    }

    String ownerToken(String name) {
      return api.staffToken(id, "rw" + worlds + "-" + name.toLowerCase().replace(' ', '-'), "owner-password-1");
    }

    HttpResponse<Buffer> setBirthday(Person p, int month, int day) {
      return api.send(HttpMethod.PUT, "/v1/members/me/birthday", p.token(),
          new JsonObject().put("month", month).put("day", day));
    }

    JsonObject myRewards(Person p) {
      return expect(200, api.get("/v1/members/me/rewards", p.token()));
    }

    long grants(Person p, String kind) {
      return api.count("/* test */ select count(*) from reward_grant where alliance_id = " + id + " and member_id = "
          + p.memberId() + " and kind = '" + kind + "'");
    }

    /** Points credited to the member's wallet, ever (expiry and spending do not change it). */
    long credited(Person p) {
      return await(api.app.ledger().accountOf(id, AccountKind.MEMBER_WALLET, p.memberId())).orElseThrow().creditsPosted();
    }

    long fundIssued() {
      return await(api.app.ledger().accountOf(id, AccountKind.ALLIANCE_FUND_ISSUANCE, 0))
          .map(a -> a.debitsPosted()).orElse(0L);
    }

    long shopIssued(long shopId) {
      return await(api.app.ledger().accountOf(id, AccountKind.MERCHANT_ISSUANCE, shopId))
          .map(a -> a.debitsPosted()).orElse(0L);
    }

    long rewardTransfers(Person p) {
      return api.count("/* test */ select count(*) from ledger_transfer t join ledger_account w"
          + " on w.alliance_id = t.alliance_id and w.id = t.credit_account_id"
          + " where t.alliance_id = " + id + " and w.kind = 'member_wallet' and w.owner_id = " + p.memberId()
          + " and t.code like 'reward_%'");
    }

    RewardJob.Outcome job(ApiFixture on) {
      return await(new RewardJob(on.app.pool(), on.app.ledger(), on.clock).run(id, 200));
    }
  }

  private static JsonObject rule(long points, String fundedBy) {
    return new JsonObject().put("points", points).put("fundedBy", fundedBy);
  }

  private LocalDate today() {
    return LocalDate.ofInstant(api.clock.instant(), SHANGHAI);
  }

  /** A month other than this one (and the one after, so a test does not straddle it). */
  private int otherMonth() {
    return (today().getMonthValue() + 5) % 12 + 1;
  }

  private <T> List<T> race(List<Callable<T>> tasks) throws Exception {
    List<Future<T>> started = new ArrayList<>();
    for (Callable<T> t : tasks) {
      started.add(threads.submit(t));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : started) {
      results.add(f.get());
    }
    return results;
  }

  @Test
  void theMemberSetsTheirBirthdayOnceAndASecondSetIsRefused() {
    World w = new World();
    Person p = w.pos.member();
    assertNull(w.myRewards(p).getValue("birthday"), "no birthday until the member sets one");
    int month = otherMonth();
    JsonObject set = expect(200, w.setBirthday(p, month, 14));
    assertEquals(month, set.getInteger("month"));
    assertEquals(14, set.getInteger("day"));
    assertNull(set.getValue("year"), "the year was not given and is not kept");
    assertTrue(set.getBoolean("locked"));

    HttpResponse<Buffer> again = w.setBirthday(p, month, 14);
    assertEquals(409, again.statusCode());
    assertEquals("birthday_locked", problemCode(again));
    HttpResponse<Buffer> other = w.setBirthday(p, month, 15);
    assertEquals("birthday_locked", problemCode(other));
    JsonObject mine = w.myRewards(p).getJsonObject("birthday");
    assertEquals(14, mine.getInteger("day"), "the refused sets changed nothing");

    // No such day: Feb 30 and Apr 31 are refused and change nothing; Feb 29 is a birthday.
    Person q = w.pos.member();
    assertEquals("invalid_birthday", problemCode(w.setBirthday(q, 2, 30)));
    assertEquals("invalid_birthday", problemCode(w.setBirthday(q, 4, 31)));
    assertNull(w.myRewards(q).getValue("birthday"));
    assertEquals(29, expect(200, w.setBirthday(q, 2, 29)).getInteger("day"));
  }

  @Test
  void eightConcurrentSetsOneWins() throws Exception {
    World w = new World();
    Person p = w.pos.member();
    int month = otherMonth();
    List<Callable<HttpResponse<Buffer>>> sets = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      int day = i + 1;
      // Half through each instance: the guard is in the database, not in one process.
      ApiFixture via = i % 2 == 0 ? api : second;
      sets.add(() -> via.send(HttpMethod.PUT, "/v1/members/me/birthday", p.token(),
          new JsonObject().put("month", month).put("day", day)));
    }
    List<HttpResponse<Buffer>> answers = race(sets);
    int won = 0;
    int winningDay = 0;
    for (HttpResponse<Buffer> a : answers) {
      if (a.statusCode() == 200) {
        won++;
        winningDay = a.bodyAsJsonObject().getInteger("day");
      } else {
        assertEquals(409, a.statusCode(), a.bodyAsString());
        assertEquals("birthday_locked", problemCode(a));
      }
    }
    assertEquals(1, won, "exactly one of " + RACERS + " concurrent sets wins");
    assertEquals(winningDay, w.myRewards(p).getJsonObject("birthday").getInteger("day"), "the winner's day is kept");
  }

  @Test
  void theAdminChangesABirthdayAuditedWithBeforeAndAfter() {
    World w = new World();
    Person p = w.pos.member();
    int month = otherMonth();
    expect(200, w.setBirthday(p, month, 3));
    String path = w.path("/members/" + p.memberId() + "/birthday");
    // The member cannot use the admin's route.
    assertEquals(403, api.send(HttpMethod.PUT, path, p.token(), new JsonObject().put("month", month).put("day", 4))
        .statusCode());
    JsonObject changed = expect(200, api.send(HttpMethod.PUT, path, w.pos.adminToken,
        new JsonObject().put("month", month).put("day", 4).put("year", 1990)));
    assertEquals(4, changed.getInteger("day"));
    assertEquals(1990, changed.getInteger("year"));
    assertEquals(4, w.myRewards(p).getJsonObject("birthday").getInteger("day"));
    // Still locked for the member.
    assertEquals("birthday_locked", problemCode(w.setBirthday(p, month, 5)));

    JsonObject detail = new JsonObject(api.text("/* test */ select detail from audit_log where alliance_id = " + w.id
        + " and action = '" + Birthdays.AUDIT_ACTION + "' order by seq desc limit 1"));
    assertEquals(p.memberId(), detail.getLong("memberId"));
    assertEquals(new JsonObject().put("month", month).put("day", 3).putNull("year"), detail.getJsonObject("before"));
    assertEquals(new JsonObject().put("month", month).put("day", 4).put("year", 1990), detail.getJsonObject("after"));
    assertTrue(await(new io.linkpoints.audit.AuditLog(api.app.pool(), api.clock).checkChain(w.id)).ok(),
        "the chain holds the record");

    // Unknown member: 404, nothing audited.
    long before = api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.id);
    HttpResponse<Buffer> unknown = api.send(HttpMethod.PUT, w.path("/members/999999999/birthday"), w.pos.adminToken,
        new JsonObject().put("month", 1).put("day", 1));
    assertEquals(404, unknown.statusCode());
    assertEquals("member_not_found", problemCode(unknown));
    assertEquals(before, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.id));
  }

  @Test
  void welcomeOnceAtJoinFromTheFund() {
    World w = new World();
    Person before = w.pos.member(); // joined before the welcome was on: never paid for it
    w.rules(new JsonObject().put("welcome", rule(50, "alliance_fund")));
    Person p = w.pos.member();
    assertEquals(50, w.credited(p), "the welcome is in the wallet when the join answers");
    assertEquals(50, w.fundIssued(), "from the fund's issuance account");
    JsonArray grants = w.myRewards(p).getJsonArray("grants");
    assertEquals(1, grants.size());
    assertEquals("welcome", grants.getJsonObject(0).getString("kind"));
    assertEquals(today().getYear(), grants.getJsonObject(0).getInteger("year"));
    assertTrue(grants.getJsonObject(0).getBoolean("transferred"));

    // Signing in again, the job on both instances, twice: nothing more.
    api.memberSignIn(w.id, w.pos.phoneNumber(p));
    assertEquals(new RewardJob.Outcome(0, 0, 0), w.job(api));
    assertEquals(new RewardJob.Outcome(0, 0, 0), w.job(second));
    assertEquals(50, w.credited(p));
    assertEquals(0, w.credited(before));
    assertEquals(1, w.grants(p, "welcome"));
    assertEquals(50, w.fundIssued());
    // Told once (reward.granted, with the grant row): the alliance's, not a shop's.
    var told = await(api.app.pool().preparedQuery("/* test */ select shop_id, payload from outbox_event"
        + " where alliance_id = $1 and member_id = $2 and type = 'reward.granted'")
        .execute(io.vertx.sqlclient.Tuple.of(w.id, p.memberId())));
    assertEquals(1, told.size(), "one reward.granted event");
    io.vertx.sqlclient.Row event = told.iterator().next();
    assertNull(event.getValue("shop_id"));
    assertEquals(new JsonObject().put("member", p.handle()).put("reward", "welcome").put("year", today().getYear())
        .put("points", 50).put("fundedBy", "alliance_fund"), event.getValue("payload"));
    assertEquals(0, await(api.app.pool().preparedQuery("/* test */ select count(*) from outbox_event"
        + " where alliance_id = $1 and member_id = $2").execute(io.vertx.sqlclient.Tuple.of(w.id,
        before.memberId()))).iterator().next().getLong(0), "nothing for the member who joined before");
  }

  @Test
  void welcomeByTheJoinAndByTheJobAtOnceIsOne() throws Exception {
    World w = new World();
    long cafe = w.shop("Cafe")[0];
    // Shop-funded with no shop opted in: the members join and get nothing yet...
    w.rules(new JsonObject().put("welcome", rule(60, "shops")));
    List<Person> members = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      members.add(w.pos.member());
    }
    for (Person p : members) {
      assertEquals(0, w.grants(p, "welcome"));
    }
    assertEquals(new RewardJob.Outcome(0, 0, 0), w.job(api), "no payer: the job grants nothing (and logs it)");
    // ...then the café opts in: each member is due, and the join's grant (as a retried sign-in would
    // call it) races the job on two instances.
    expect(200, api.send(HttpMethod.PUT, w.path("/shops/" + cafe + "/rewards-opt-in"), w.ownerToken("Cafe"),
        new JsonObject().put("welcome", true).put("birthday", false)));
    RewardGrants atJoin = new RewardGrants(api.app.pool(), api.app.ledger(), api.clock);
    RewardGrants atJoin2 = new RewardGrants(second.app.pool(), second.app.ledger(), second.clock);
    List<Callable<Object>> racers = new ArrayList<>();
    for (Person p : members) {
      racers.add(() -> await(atJoin.welcome(w.id, p.memberId())));
      racers.add(() -> await(atJoin2.welcome(w.id, p.memberId())));
    }
    racers.add(() -> w.job(api));
    racers.add(() -> w.job(second));
    race(racers);
    for (Person p : members) {
      assertEquals(1, w.grants(p, "welcome"), "one welcome grant");
      assertEquals(1, w.rewardTransfers(p), "one transfer");
      assertEquals(60, w.credited(p));
    }
    // 4 members x 60 points, all from the café, none from the fund.
    assertEquals(240, w.shopIssued(cafe));
    assertEquals(0, w.fundIssued());
  }

  @Test
  void birthdaySplitAmongTheShopsThatOptIn() {
    World w = new World();
    long a = w.shop("Alpha")[0];
    long b = w.shop("Beta")[0];
    long c = w.shop("Gamma")[0];
    w.rules(new JsonObject().put("birthday", rule(101, "shops")));
    expect(200, api.send(HttpMethod.PUT, w.path("/shops/" + a + "/rewards-opt-in"), w.ownerToken("Alpha"),
        new JsonObject().put("welcome", false).put("birthday", true)));
    // The admin may answer for a shop too; Gamma stays out.
    expect(200, api.send(HttpMethod.PUT, w.path("/shops/" + b + "/rewards-opt-in"), w.pos.adminToken,
        new JsonObject().put("welcome", false).put("birthday", true)));
    // An owner cannot answer for another shop.
    assertEquals(403, api.send(HttpMethod.PUT, w.path("/shops/" + c + "/rewards-opt-in"), w.ownerToken("Alpha"),
        new JsonObject().put("welcome", true).put("birthday", true)).statusCode());
    JsonObject settings = expect(200, api.get(w.path("/rewards"), w.ownerToken("Gamma")));
    assertEquals(101, settings.getJsonObject("birthday").getLong("points"));
    assertNull(settings.getValue("welcome"));
    assertEquals(2, settings.getJsonArray("optIns").size());

    Person p = w.pos.member();
    expect(200, w.setBirthday(p, today().getMonthValue(), 1));
    // 101 = 2 x 50 + 1: the lower id (Alpha, created first) pays 51, Beta 50, Gamma nothing.
    assertTrue(a < b);
    assertEquals(51, w.shopIssued(a));
    assertEquals(50, w.shopIssued(b));
    assertEquals(0, w.shopIssued(c));
    assertEquals(101, w.credited(p));
    assertEquals(2, w.rewardTransfers(p), "one transfer per paying shop");
    assertEquals(new RewardJob.Outcome(0, 0, 0), w.job(api));
    assertEquals(101, w.credited(p));
  }

  @Test
  void birthdayByTheJobOnTwoInstancesAndTheMembersOwnSetAtOnceIsOne() throws Exception {
    World w = new World();
    w.rules(new JsonObject().put("birthday", rule(100, "alliance_fund")));
    int month = today().getMonthValue();
    List<Person> members = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      members.add(w.pos.member());
    }
    List<Callable<Object>> racers = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Person p = members.get(i);
      // The members' sets through either instance, as behind a load balancer.
      ApiFixture via = i % 2 == 0 ? api : second;
      racers.add(() -> expect(200, via.send(HttpMethod.PUT, "/v1/members/me/birthday", p.token(),
          new JsonObject().put("month", month).put("day", 2))));
    }
    for (int i = 0; i < 3; i++) {
      racers.add(() -> w.job(api));
      racers.add(() -> w.job(second));
    }
    race(racers);
    for (Person p : members) {
      assertEquals(1, w.grants(p, "birthday"), "one grant");
      assertEquals(1, w.rewardTransfers(p), "one transfer");
      assertEquals(100, w.credited(p));
    }
    // 8 members x 100 points.
    assertEquals(800, w.fundIssued());
  }

  /** Last: it moves the clock a year or two on, past members' join times, which the database stamps. */
  @Test
  @Order(Integer.MAX_VALUE)
  void birthdayOncePerYearByTheJobThenAgainNextYear() {
    World w = new World();
    w.rules(new JsonObject().put("birthday", rule(100, "alliance_fund")));
    Person p = w.pos.member();
    int month = otherMonth();
    expect(200, w.setBirthday(p, month, 20));
    assertEquals(0, w.credited(p), "not the birthday month: nothing yet");
    assertEquals(new RewardJob.Outcome(0, 0, 0), w.job(api));

    // The birthday month (its 10th, noon in Shanghai), on two instances, twice each: one grant.
    LocalDate now = today();
    int year = month > now.getMonthValue() ? now.getYear() : now.getYear() + 1;
    api.clock.set(LocalDateTime.of(year, month, 10, 12, 0).atZone(SHANGHAI).toInstant());
    // (The service's own job may get there first at this instant: it can only do what this call does.)
    w.job(api);
    assertEquals(100, w.credited(p));
    assertEquals(new RewardJob.Outcome(0, 0, 0), w.job(second));
    assertEquals(new RewardJob.Outcome(0, 0, 0), w.job(api));
    assertEquals(new RewardJob.Outcome(0, 0, 0), w.job(second));
    assertEquals(100, w.credited(p));
    assertEquals(1, w.grants(p, "birthday"));

    // The same month next year: again, once. 2 x 100 = 200 from the fund.
    api.clock.set(LocalDateTime.of(year + 1, month, 10, 12, 0).atZone(SHANGHAI).toInstant());
    w.job(second);
    assertEquals(200, w.credited(p));
    assertEquals(new RewardJob.Outcome(0, 0, 0), w.job(api));
    assertEquals(200, w.credited(p));
    assertEquals(200, w.fundIssued());
    assertEquals(2, w.grants(p, "birthday"));
    assertEquals(year + "," + (year + 1), api.text("/* test */ select string_agg(year::text, ',' order by year)"
        + " from reward_grant where alliance_id = " + w.id));
  }

  @Test
  void aGrantLeftUnsentByACrashIsCompletedByTheJobOnce() {
    World w = new World();
    w.rules(new JsonObject().put("birthday", rule(100, "alliance_fund")));
    Person p = w.pos.member();
    int year = today().getYear();
    // As if the service stopped after the grant's commit and before the ledger: the row and its
    // payment, no transfer. (The member's wallet exists: the join opened it.)
    RewardGrants.Key key = new RewardGrants.Key(w.id, p.memberId(), RewardKind.BIRTHDAY, year);
    await(api.app.pool().preparedQuery("/* test */ insert into reward_grant (alliance_id, member_id, kind, year, points,"
        + " funded_by, granted_at) values ($1, $2, 'birthday', $3, 100, 'alliance_fund', now())")
        .execute(Tuple.of(w.id, p.memberId(), year)));
    await(api.app.pool().preparedQuery("/* test */ insert into reward_payment (alliance_id, member_id, kind, year,"
        + " payer_id, points, transfer_id) values ($1, $2, 'birthday', $3, 0, 100, $4)")
        .execute(Tuple.of(w.id, p.memberId(), year, RewardGrants.transferId(key, 0))));
    assertFalse(w.myRewards(p).getJsonArray("grants").getJsonObject(0).getBoolean("transferred"));
    assertEquals(0, w.credited(p));

    // (The service's own job may complete it first: then this run finds nothing left to send.)
    w.job(second);
    assertEquals(100, w.credited(p));
    assertTrue(w.myRewards(p).getJsonArray("grants").getJsonObject(0).getBoolean("transferred"));
    // Re-sent again (the mark lost, say): the ledger applies the same id once.
    await(new RewardGrants(api.app.pool(), api.app.ledger(), api.clock).send(key));
    assertEquals(new RewardJob.Outcome(0, 0, 0), w.job(api));
    assertEquals(100, w.credited(p));
    assertEquals(1, w.rewardTransfers(p));
  }
}
