package io.linkpoints.settlement;

import static io.linkpoints.settlement.StatementFigures.assertStatement;
import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Money follows a passport's reward: the fund's part is the fund's issue, each shop's part its
 * own, and settlement counts them with no special case. A month by hand, at 2 fen a point.
 */
class PassportRewardMoneyTest {
  private Vertx vertx;
  private ApiFixture api;

  @AfterEach
  void tearDown() {
    try {
      api.assertLedgerOk();
    } finally {
      api.close();
      await(vertx.close());
    }
  }

  @Test
  void theRewardsPartsAreTheFundsAndTheShopsIssueAndTheMonthSumsToZero() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    api.clock.set(Instant.parse("2026-11-10T02:00:00Z"));
    PosWorld w = new PosWorld(api, "passport-money");
    expect(200, api.send(HttpMethod.PATCH, "/v1/alliances/" + w.allianceId, w.adminToken,
        new JsonObject().put("pricePerPointFen", 2)));
    Till a = w.shop("Café A");
    Till b = w.shop("Books B");
    Till c = w.shop("Bakery C");
    // Reward 301: fund 50% (150.5), A 25% (75.25), B 25% (75.25), C 0%. Floors 150 + 75 + 75, the
    // 1 left to the largest remainder (the fund's): fund 151, A 75, B 75.
    JsonObject draft = new JsonObject().put("nameZh", "街区集章").put("nameEn", "Street stamps")
        .put("shops", new JsonArray().add(share(a, 2500)).add(share(b, 2500)).add(share(c, 0)))
        .put("fundBasisPoints", 5000).put("stampsRequired", 3).put("minSpendFen", 0)
        .put("startsOn", "2026-11-01").put("endsOn", "2026-11-30").put("rewardPoints", 301);
    long id = expect(201, api.post("/v1/alliances/" + w.allianceId + "/passports", w.adminToken, draft)).getLong("id");
    for (Till t : List.of(a, b, c)) {
      expect(200, api.post("/v1/alliances/" + w.allianceId + "/shops/" + t.shopId() + "/passports/" + id + "/consent",
          t.ownerToken(), null));
    }
    Person m = w.member();
    for (Till t : List.of(a, b, c)) {
      expect(200, w.pos(t, "accrue", key(), new JsonObject().put("memberCode", w.code(m)).put("spendFen", 1000)));
    }
    // 10 points at each shop, and the reward 301: 331.
    assertEquals(331, w.available(m));
    // All of it spent at C.
    String hold = expect(200, w.pos(c, "reserve", key(), new JsonObject().put("memberCode", w.code(m))
        .put("points", 331).put("orderRef", "all-of-it"))).getString("holdId");
    expect(200, w.pos(c, "commit", key(), new JsonObject().put("holdId", hold)));
    assertEquals(0, w.available(m));

    api.clock.set(Instant.parse("2026-12-01T02:00:00Z"));
    Periods periods = new Periods(api.app.pool(), api.clock);
    Periods.Period november = await(new SettlementRun(api.app.pool(), api.clock)
        .run(w.allianceId, await(periods.create(w.allianceId, "2026-11")).id()));
    Statements.PeriodStatements all = await(new Statements(api.app.pool(), periods).all(w.allianceId, november.id()));
    Map<Long, Statements.Statement> s = new HashMap<>();
    all.statements().forEach(statement -> s.put(statement.partyId(), statement));
    // The fund issued 151 points (302 fen), all spent at C: it owes C 302 fen.
    assertStatement("fund", s.get(Parties.FUND), "issuedPoints", 151, "issuedFen", 302,
        "redeemedElsewhereFen", 302, "payableFen", 302, "netFen", -302);
    // A and B each issued 10 + 75 = 85 points (170 fen), all spent at C: each owes C 170 fen.
    assertStatement("A", s.get(a.shopId()), "issuedPoints", 85, "issuedFen", 170,
        "redeemedElsewhereFen", 170, "payableFen", 170, "netFen", -170);
    assertStatement("B", s.get(b.shopId()), "issuedPoints", 85, "issuedFen", 170,
        "redeemedElsewhereFen", 170, "payableFen", 170, "netFen", -170);
    // C issued its own 10 (20 fen) and accepted all 331 (662 fen), 321 of them others' (642 fen):
    // 302 + 170 + 170 receivable.
    assertStatement("C", s.get(c.shopId()), "issuedPoints", 10, "issuedFen", 20, "acceptedPoints", 331,
        "acceptedFen", 662, "acceptedFromOthersFen", 642, "receivableFen", 642, "netFen", 642);
    assertEquals(0L, all.sumOfNetFen());
    assertTrue(await(new Reconciliation(api.app.pool(), periods).report(w.allianceId, november.id())).ok());
  }

  private static JsonObject share(Till t, int bps) {
    return new JsonObject().put("shopId", t.shopId()).put("basisPoints", bps);
  }
}
