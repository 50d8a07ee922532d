package io.linkpoints.pos;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.linkpoints.testing.TillTestBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Daily earn caps hold when accruals of one member arrive at once, with different keys, at one
 * shop, at several shops, and at two instances of the service on one database: together they
 * earn exactly the cap, never more. Each test uses its own alliance (caps are per alliance) and
 * ends with the ledger's invariant check.
 */
class EarnCapConcurrencyTest extends TillTestBase {
  private static final int ACCRUALS = 12;
  private static final long SPEND_FOR_100_POINTS = 10_000; // 1 point per yuan

  EarnCapConcurrencyTest() {
    super("caps", ACCRUALS);
  }

  /** An accrual at this till, sent to this instance of the service. */
  private record Sale(ApiFixture instance, Till till, String code) {
  }

  private static void shopCap(PosWorld world, Till till, long cap) {
    expect(200, world.api.send(HttpMethod.PUT, "/v1/alliances/" + world.allianceId + "/shops/" + till.shopId()
        + "/earn-rule", till.ownerToken(), new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor")
        .put("dailyCapPoints", cap)));
  }

  private static void allianceCap(PosWorld world, long cap) {
    expect(200, world.api.send(HttpMethod.PATCH, "/v1/alliances/" + world.allianceId, world.adminToken,
        new JsonObject().put("memberDailyCapPoints", cap)));
  }

  /** Sends every sale at once (each on its own thread, with its own key) and returns the answers. */
  private List<JsonObject> atOnce(PosWorld world, List<Sale> sales) throws Exception {
    List<Future<JsonObject>> calls = new ArrayList<>();
    for (Sale sale : sales) {
      String path = "/v1/alliances/" + world.allianceId + "/shops/" + sale.till().shopId() + "/pos/accrue";
      Callable<JsonObject> accrue = () -> expect(200, sale.instance().send(HttpMethod.POST, path, sale.till().token(),
          new JsonObject().put("memberCode", sale.code()).put("spendFen", SPEND_FOR_100_POINTS),
          Map.of("Idempotency-Key", key())));
      calls.add(tills.submit(accrue));
    }
    List<JsonObject> answers = new ArrayList<>();
    for (Future<JsonObject> call : calls) {
      answers.add(call.get());
    }
    return answers;
  }

  private static long points(List<JsonObject> answers) {
    return answers.stream().mapToLong(a -> a.getLong("points")).sum();
  }

  private static long earnedAt(PosWorld world, Person member, Till till) {
    return world.api.count("/* test */ select coalesce(sum(points), 0) from pos_accrual where member_id = " + member.memberId()
        + " and shop_id = " + till.shopId());
  }

  @Test
  void concurrentAccrualsAtOneShopEarnExactlyTheShopCap() throws Exception {
    PosWorld world = world();
    Till cafe = world.shop("Cafe");
    shopCap(world, cafe, 150);
    Person member = world.member();
    List<Sale> sales = new ArrayList<>();
    for (int i = 0; i < ACCRUALS; i++) {
      sales.add(new Sale(api, cafe, world.code(member)));
    }
    List<JsonObject> answers = atOnce(world, sales);
    assertEquals(150, points(answers), answers.toString());
    assertEquals(150, world.available(member));
    assertEquals(150, earnedAt(world, member, cafe));
    assertTrue(answers.stream().filter(a -> a.getLong("points") < 100)
        .allMatch(a -> a.getString("limitedBy").equals("shop_daily_cap")), answers.toString());
    assertEquals(0, api.count("/* test */ select count(*) from pos_earn_reservation where member_id = " + member.memberId()),
        "every reservation gave way to its earn");
  }

  @Test
  void concurrentAccrualsAtTwoShopsEarnExactlyTheAllianceCap() throws Exception {
    PosWorld world = world();
    Till cafe = world.shop("Cafe");
    Till books = world.shop("Books");
    allianceCap(world, 150);
    Person member = world.member();
    List<Sale> sales = new ArrayList<>();
    for (int i = 0; i < ACCRUALS; i++) {
      sales.add(new Sale(api, i % 2 == 0 ? cafe : books, world.code(member)));
    }
    List<JsonObject> answers = atOnce(world, sales);
    assertEquals(150, points(answers), answers.toString());
    assertEquals(150, world.available(member));
    assertTrue(answers.stream().filter(a -> a.getLong("points") < 100)
        .allMatch(a -> a.getString("limitedBy").equals("alliance_daily_cap")), answers.toString());
  }

  @Test
  void twoInstancesOnOneDatabaseKeepBothCaps() throws Exception {
    PosWorld world = world();
    Till cafe = world.shop("Cafe");
    Till books = world.shop("Books");
    shopCap(world, cafe, 150);
    allianceCap(world, 250);
    Person member = world.member();
    List<Sale> sales = new ArrayList<>();
    for (int i = 0; i < 2 * ACCRUALS; i++) {
      sales.add(new Sale(i % 2 == 0 ? api : second(), i % 4 < 2 ? cafe : books, world.code(member)));
    }
    List<JsonObject> answers = atOnce(world, sales);
    assertEquals(250, points(answers), answers.toString());
    assertEquals(250, world.available(member));
    assertTrue(earnedAt(world, member, cafe) <= 150, "the cafe's cap: " + earnedAt(world, member, cafe));
  }

  @Test
  void anAccrualRunAgainAfterACrashEarnsWhatItReservedOnce() throws Exception {
    PosWorld world = world();
    Till cafe = world.shop("Cafe");
    shopCap(world, cafe, 150);
    Person member = world.member();
    // A crash after the accrual was decided and reserved, before its earn reached the ledger: its
    // row and reservation are there, its request record is not.
    String crashedKey = key();
    var accrualId = new Caller(world.allianceId, cafe.shopId(), cafe.terminalId()).derive(crashedKey, "earn");
    api.count("/* test */ with a as (insert into pos_accrual (alliance_id, id, shop_id, terminal_id, member_id, spend_fen, points,"
        + " created_at) values (" + world.allianceId + ", '" + accrualId + "', " + cafe.shopId() + ", " + cafe.terminalId()
        + ", " + member.memberId() + ", " + SPEND_FOR_100_POINTS + ", 100, now()) returning 1),"
        + " r as (insert into pos_earn_reservation (alliance_id, accrual_id, member_id, shop_id, points, created_at)"
        + " values (" + world.allianceId + ", '" + accrualId + "', " + member.memberId() + ", " + cafe.shopId()
        + ", 100, now()) returning 1) select (select count(*) from a) + (select count(*) from r)");

    // Others at once see the reservation: only 50 are left for them.
    List<Sale> sales = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sales.add(new Sale(i % 2 == 0 ? api : second(), cafe, world.code(member)));
    }
    assertEquals(50, points(atOnce(world, sales)));
    assertEquals(50, world.available(member));

    // The till retries the crashed sale with its key: it earns the 100 it reserved, once.
    JsonObject sale = new JsonObject().put("memberCode", world.code(member)).put("spendFen", SPEND_FOR_100_POINTS);
    JsonObject retried = expect(200, world.pos(cafe, "accrue", crashedKey, sale));
    assertEquals(100, retried.getLong("points"));
    assertEquals(150, world.available(member));
    // Left in progress again and rerun: the same answer, nothing earned twice.
    api.count("/* test */ with u as (update pos_request set status_code = null, response = null, completed_at = null"
        + " where idempotency_key = '" + crashedKey + "' returning 1) select count(*) from u");
    JsonObject rerun = expect(200, world.pos(cafe, "accrue", crashedKey, sale));
    assertEquals(100, rerun.getLong("points"));
    assertEquals(150, world.available(member));
    assertEquals(0, api.count("/* test */ select count(*) from pos_earn_reservation where member_id = " + member.memberId()));
  }
}
