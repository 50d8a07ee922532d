package io.linkpoints.pos;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.linkpoints.testing.TillTestBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A till that never learnt a reserve's outcome releases it by the reserve's key, and that release
 * may reach the server before the reserve does (or at the same moment, at another instance). The
 * reserve must not keep its hold: whatever the order, no hold stays open and exactly one void is
 * made per hold.
 */
class ReleaseByKeyTest extends TillTestBase {
  private static final int PAIRS = 50;

  private PosWorld world;
  private Till cafe;

  ReleaseByKeyTest() {
    super("release", 16);
  }

  @BeforeAll
  void oneCafe() {
    world = world();
    cafe = world.shop("Cafe");
  }

  private HttpResponse<Buffer> pos(ApiFixture instance, String operation, String key, JsonObject body) {
    return instance.send(HttpMethod.POST, "/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId() + "/pos/"
        + operation, cafe.token(), body, Map.of("Idempotency-Key", key));
  }

  /** Holds of this wallet that nothing resolved (posted, voided or timed out). */
  private long openHolds(Person member) {
    return api.count("/* test */ select count(*) from ledger_transfer h where h.flags = 1 and h.debit_account_id = "
        + world.walletId(member) + " and not exists (select 1 from ledger_transfer r where r.alliance_id = h.alliance_id"
        + " and r.pending_id = h.id)");
  }

  private long releases(Person member) {
    return api.count("/* test */ select count(*) from ledger_transfer where code = 'pos_release' and debit_account_id = "
        + world.walletId(member));
  }

  @Test
  void aReleaseByKeyBeforeItsReserveStopsTheReserve() {
    Person member = world.member();
    world.grant(member, cafe, 100);
    String reserveKey = key();
    JsonObject released = expect(200, world.pos(cafe, "release", key(), new JsonObject().put("reserveKey", reserveKey)));
    assertEquals(0, released.getLong("released"), "nothing was held yet");

    JsonObject reserve = new JsonObject().put("memberCode", world.code(member)).put("points", 70);
    HttpResponse<Buffer> late = world.pos(cafe, "reserve", reserveKey, reserve);
    assertEquals(409, late.statusCode(), late.bodyAsString());
    assertEquals("hold_released", problemCode(late));
    assertEquals(100, world.available(member), "the late reserve holds nothing");
    assertEquals(0, openHolds(member));
    assertEquals(1, releases(member), "its hold was voided at once, once");
    // Its retry gets the same answer and changes nothing; so does the till's second release.
    assertEquals("hold_released", problemCode(world.pos(cafe, "reserve", reserveKey, reserve)));
    expect(200, world.pos(cafe, "release", key(), new JsonObject().put("reserveKey", reserveKey)));
    assertEquals(100, world.available(member));
    assertEquals(1, releases(member));
    // A reserve with another key is not touched by it.
    expect(200, world.pos(cafe, "reserve", key(), new JsonObject().put("memberCode", world.code(member)).put("points", 70)));
    assertEquals(30, world.available(member));
  }

  @Test
  void reservesAndReleasesByKeyRacingOnTwoInstancesLeaveNoHoldOpen() throws Exception {
    Person member = world.member();
    world.grant(member, cafe, 10 * PAIRS);
    List<Future<HttpResponse<Buffer>>> reserves = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> releases = new ArrayList<>();
    for (int i = 0; i < PAIRS; i++) {
      String reserveKey = key();
      JsonObject reserve = new JsonObject().put("memberCode", world.code(member)).put("points", 10);
      ApiFixture reserveAt = i % 2 == 0 ? api : second();
      ApiFixture releaseAt = i % 2 == 0 ? second() : api;
      // Releases go first half the time, so both orders are tried as well as the true race.
      Future<HttpResponse<Buffer>> release = i % 4 < 2
          ? tills.submit(() -> pos(releaseAt, "release", key(), new JsonObject().put("reserveKey", reserveKey))) : null;
      reserves.add(tills.submit(() -> pos(reserveAt, "reserve", reserveKey, reserve)));
      releases.add(release != null ? release
          : tills.submit(() -> pos(releaseAt, "release", key(), new JsonObject().put("reserveKey", reserveKey))));
    }
    for (int i = 0; i < PAIRS; i++) {
      reserves.get(i).get();
      releases.get(i).get();
    }
    assertEquals(0, openHolds(member), "no hold outlives its release");
    assertEquals(10 * PAIRS, world.available(member));
    int held = 0;
    for (int i = 0; i < PAIRS; i++) {
      HttpResponse<Buffer> reserve = reserves.get(i).get();
      HttpResponse<Buffer> release = releases.get(i).get();
      assertEquals(200, release.statusCode(), release.bodyAsString());
      if (reserve.statusCode() == 200) {
        held++;
        assertEquals(10, release.bodyAsJsonObject().getLong("released"), "a hold answered was released by the till");
      } else {
        assertEquals("hold_released", problemCode(reserve), reserve.bodyAsString());
      }
    }
    assertEquals(PAIRS, releases(member), "every reserve made its hold, and each hold was voided once");
    assertTrue(held <= PAIRS);
  }
}
