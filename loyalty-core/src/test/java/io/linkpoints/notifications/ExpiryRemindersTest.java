package io.linkpoints.notifications;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Expiry reminders on a real PostgreSQL: 30 and 7 days before a lot expires (the alliance's zone,
 * Asia/Shanghai), once per lot and threshold, a member's lots grouped into one notification, also
 * when the job runs ten times at once on two service instances of one database, and again after.
 * The clock is set relative to the lots' own expiry, whatever the alliance's policy made it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpiryRemindersTest {
  private static final int RUNS = 10;
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  private Vertx vertx;
  private ApiFixture api;
  private ApiFixture second;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    second = api.anotherInstance();
  }

  @AfterAll
  void stop() {
    second.close();
    api.close();
    await(vertx.close());
  }

  /** RUNS runs of one alliance's reminders at once, alternating between the two instances' pools. */
  private void runConcurrently(long allianceId) {
    List<Future<Integer>> runs = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      ApiFixture on = i % 2 == 0 ? api : second;
      ExpiryReminders job = new ExpiryReminders(on.app.pool(), new Notifications(on.app.pool(), api.clock, false), api.clock);
      runs.add(job.runAlliance(allianceId, 1_000));
    }
    await(Future.all(runs));
  }

  private List<JsonObject> reminders(long allianceId, Person p) {
    List<JsonObject> out = new ArrayList<>();
    for (Row r : await(api.app.pool().query("/* test */ select data from member_notification where alliance_id = "
        + allianceId + " and member_id = " + p.memberId() + " and kind = 'points_expiring' order by id").execute())) {
      out.add((JsonObject) r.getValue(0));
    }
    return out;
  }

  @Test
  void thirtyAndSevenDaysBeforeOnceEachAlsoUnderConcurrentRunsOnTwoInstances() {
    PosWorld world = new PosWorld(api, "expiry");
    Till cafe = world.shop("Cafe");
    Person ann = world.member();
    Person bob = world.member();
    world.grant(ann, cafe, 300);
    world.grant(ann, cafe, 200);
    world.grant(bob, cafe, 80);
    // Bob spends all of his: a lot with nothing left is not reminded of.
    long acceptance = await(api.app.ledger().accountOf(world.allianceId, AccountKind.MERCHANT_ACCEPTANCE, cafe.shopId()))
        .orElseThrow().id();
    await(api.app.ledger().transfer(world.allianceId, UUID.randomUUID(), world.walletId(bob), acceptance, 80, "redemption"));
    Instant expiresAt = ((java.time.OffsetDateTime) await(api.app.pool().query(
        "/* test */ select max(expires_at) from ledger_lot where alliance_id = " + world.allianceId).execute())
        .iterator().next().getValue(0)).toInstant();
    LocalDate expiresOn = LocalDate.ofInstant(expiresAt, SHANGHAI);

    // Nothing yet: the lots expire in about a year.
    runConcurrently(world.allianceId);
    assertEquals(0, reminders(world.allianceId, ann).size());

    // 20 days before: the 30-day reminder, one notification for Ann's two lots, 300 + 200 = 500 points.
    api.clock.set(expiresAt.minus(Duration.ofDays(20)));
    runConcurrently(world.allianceId);
    runConcurrently(world.allianceId);
    List<JsonObject> told = reminders(world.allianceId, ann);
    assertEquals(1, told.size(), "one 30-day reminder, however many runs: " + told);
    assertEquals(30, told.get(0).getInteger("thresholdDays"));
    assertEquals(500, told.get(0).getLong("points"));
    assertEquals(expiresOn.toString(), told.get(0).getString("expiresOn"));
    assertEquals(2, told.get(0).getJsonArray("lots").size());
    assertEquals(2, api.count("/* test */ select count(*) from expiry_reminder where alliance_id = " + world.allianceId));
    assertEquals(0, reminders(world.allianceId, bob).size(), "Bob's lot has nothing left");

    // 10 days before: still only the 30-day one (the 7-day window has not come).
    api.clock.set(expiresAt.minus(Duration.ofDays(10)));
    runConcurrently(world.allianceId);
    assertEquals(1, reminders(world.allianceId, ann).size());

    // 5 days before: the 7-day reminder, once.
    api.clock.set(expiresAt.minus(Duration.ofDays(5)));
    runConcurrently(world.allianceId);
    runConcurrently(world.allianceId);
    told = reminders(world.allianceId, ann);
    assertEquals(2, told.size(), "the 30-day and the 7-day reminder: " + told);
    assertEquals(7, told.get(1).getInteger("thresholdDays"));
    assertEquals(500, told.get(1).getLong("points"));
    assertEquals(4, api.count("/* test */ select count(*) from expiry_reminder where alliance_id = " + world.allianceId),
        "2 lots x 2 thresholds");

    // Ann reads them in her wallet (signed in again: the clock moved past her token).
    String token = api.memberSignIn(world.allianceId, world.phoneNumber(ann)).getString("accessToken");
    JsonArray items = expect(200, api.get("/v1/members/me/notifications", token)).getJsonArray("items");
    assertEquals("500 points expire soon", items.getJsonObject(0).getString("titleEn"));
    assertEquals("500 积分即将过期", items.getJsonObject(0).getString("titleZh"));
    assertEquals("expiryReminders", items.getJsonObject(0).getString("group"));
    api.assertLedgerOk();
  }
}
