package io.linkpoints.settlement;

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
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Points adjustments in a month's statements, through the API, at 2 fen a point: a goodwill credit,
 * a debit that takes another shop's lots, and a correction of a sale, each its own category
 * ({@code point_adjustment}, {@code point_adjustment_reversal}) and its own statement line
 * (adjusted points and fen), while the money moves as for any points: the shop whose lots the debit
 * took pays the debiting shop. Figures worked out by hand below; they sum to zero and reconcile.
 */
class PointAdjustmentsSettleTest {
  private Vertx vertx;
  private ApiFixture api;
  private PosWorld w;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
  }

  @AfterEach
  void stop() {
    try {
      api.assertLedgerOk();
    } finally {
      api.close();
      await(vertx.close());
    }
  }

  private String path(String rest) {
    return "/v1/alliances/" + w.allianceId + rest;
  }

  private void at(String instant) {
    api.clock.set(Instant.parse(instant));
  }

  private JsonObject adjust(Till shop, Person m, long points, String reason, String accrualId) {
    JsonObject body = new JsonObject().put("memberHandle", m.handle()).put("points", points).put("reason", reason)
        .put("note", "settle test");
    if (accrualId != null) {
      body.put("accrualId", accrualId);
    }
    JsonObject a = expect(201, api.send(HttpMethod.POST, path("/shops/" + shop.shopId() + "/point-adjustments"),
        shop.ownerToken(), body, Map.of("Idempotency-Key", key())));
    assertEquals("posted", a.getString("status"));
    return a;
  }

  @Test
  void aCreditADebitOfAnotherShopsLotsAndACorrectionAreTheirOwnLinesAndMoveMoneyAsPoints() {
    at("2026-12-02T02:00:00Z");
    w = new PosWorld(api, "adjsettle");
    expect(200, api.send(HttpMethod.PATCH, path(""), w.adminToken, new JsonObject().put("pricePerPointFen", 2)));
    Till a = w.shop("Café A");
    Till b = w.shop("Books B");
    for (Till t : new Till[] {a, b}) {
      expect(200, api.send(HttpMethod.PUT, path("/shops/" + t.shopId() + "/earn-rule"), t.ownerToken(),
          new JsonObject().put("pointsPerYuan", 1).put("rounding", "floor")));
    }
    Person ann = w.member();

    // 10:00 Ann spends ¥100 at B: B's lot of 100 (the oldest; all December lots expire together).
    expect(200, w.pos(b, "accrue", key(), new JsonObject().put("memberCode", w.code(ann)).put("spendFen", 10_000)));
    // 10:01 A's owner: a goodwill credit of 40, A's lot (A pays for it, as for an earn).
    at("2026-12-02T02:01:00Z");
    JsonObject goodwill = adjust(a, ann, 40, "goodwill", null);
    // 10:02 Ann spends ¥60 at A: A's lot of 60.
    at("2026-12-02T02:02:00Z");
    String sale = expect(200, w.pos(a, "accrue", key(), new JsonObject().put("memberCode", w.code(ann))
        .put("spendFen", 6_000))).getString("accrualId");
    // 10:03 A's owner takes 120 back ("other"): oldest lots first, B's 100 and 20 of A's goodwill 40.
    at("2026-12-02T02:03:00Z");
    JsonObject debit = adjust(a, ann, -120, "other", null);
    // 10:04 A corrects its sale by 25: a reversal of the sale, from the sale's own lot.
    at("2026-12-02T02:04:00Z");
    JsonObject correction = adjust(a, ann, -25, "correction_of_sale", sale);
    // 10:05 Ann redeems 10 at B: the rest of A's goodwill lot (20 left, the oldest): A pays B 20 fen.
    at("2026-12-02T02:05:00Z");
    String hold = expect(200, w.pos(b, "reserve", key(), new JsonObject().put("memberCode", w.code(ann))
        .put("points", 10))).getString("holdId");
    expect(200, w.pos(b, "commit", key(), new JsonObject().put("holdId", hold)));
    assertEquals(100 + 40 + 60 - 120 - 25 - 10, w.available(ann));

    // January 1, 00:30 in Shanghai: the month is over.
    at("2026-12-31T16:30:00Z");
    String admin = api.staffToken(w.allianceId, "adjsettle-admin", "admin-password-1");
    String periods = path("/settlement/periods");
    long period = expect(201, api.post(periods, admin, new JsonObject().put("month", "2026-12"))).getLong("id");
    expect(200, api.post(periods + "/" + period + "/run", admin, null));
    Statements.PeriodStatements all = await(new Statements(api.app.pool(), new Periods(api.app.pool(), api.clock))
        .all(w.allianceId, period));
    Map<Long, Statements.Statement> s = new HashMap<>();
    all.statements().forEach(st -> s.put(st.partyId(), st));
    // By hand, at 2 fen a point.
    // A: issued 60 (its sale), 120 fen. Adjusted: +40 − (100 + 20) − 25 = −105 points, −210 fen (the
    //    debit's 100 of B's points are A's adjustment too: they went back into A's issuance).
    //    Money: B pays A 200 for its 100 points the debit took (accepted from others, as an earn
    //    reversal of another shop's lots); A pays B 20 for its goodwill points redeemed at B.
    //    Receivable 200, payable 20, net +180.
    // B: issued 100, 200 fen; accepted 10 points, 20 fen, all from A; its points taken elsewhere 200 fen.
    //    Receivable 20, payable 200, net −180.
    StatementFigures.assertStatement("A", s.get(a.shopId()), "issuedPoints", 60, "issuedFen", 120,
        "adjustedPoints", -105, "adjustedFen", -210, "acceptedFromOthersFen", 200, "redeemedElsewhereFen", 20,
        "receivableFen", 200, "payableFen", 20, "netFen", 180);
    StatementFigures.assertStatement("B", s.get(b.shopId()), "issuedPoints", 100, "issuedFen", 200,
        "acceptedPoints", 10, "acceptedFen", 20, "acceptedFromOthersFen", 20, "redeemedElsewhereFen", 200,
        "receivableFen", 20, "payableFen", 200, "netFen", -180);
    StatementFigures.assertStatement("fund", s.get(Parties.FUND));
    assertEquals(0L, all.sumOfNetFen());
    JsonObject reconciliation = expect(200, api.get(periods + "/" + period + "/reconciliation", admin));
    assertTrue(reconciliation.getBoolean("ok"), reconciliation.encodePrettily());

    // The items carry the adjustments' transfer ids: one credit item, and one item per lot taken back.
    List<String> credit = items(admin, periods, period, "point_adjustment");
    assertEquals(List.of(line(a, a, 40, 80, goodwill)), credit);
    List<String> reversals = items(admin, periods, period, "point_adjustment_reversal");
    reversals.sort(null);
    List<String> expected = new ArrayList<>(List.of(line(b, a, 100, 200, debit), line(a, a, 20, 40, debit),
        line(a, a, 25, 50, correction)));
    expected.sort(null);
    assertEquals(expected, reversals);
    // No adjustment is an earn any more: the only earns are the two sales.
    assertEquals(2, items(admin, periods, period, "earn").size());
    assertEquals(0, items(admin, periods, period, "earn_reversal").size());
    // The matrix: B owes A 200, A owes B 20.
    assertEquals(List.of(b.shopId() + ">" + a.shopId() + ":200", a.shopId() + ">" + b.shopId() + ":20").stream()
        .sorted().toList(), await(new Statements(api.app.pool(), new Periods(api.app.pool(), api.clock))
            .matrixRows(w.allianceId, period)).stream().map(o -> o.payer() + ">" + o.payee() + ":" + o.amountFen())
            .sorted().toList());

    // The lines in the statements' export and in A's own statement.
    String csv = api.get(periods + "/" + period + "/statements/export?format=csv", admin).bodyAsString();
    String[] lines = csv.split("\r?\n");
    List<String> header = List.of(lines[0].split(","));
    String rowOfA = java.util.Arrays.stream(lines).filter(l -> l.split(",")[1].equals(String.valueOf(a.shopId())))
        .findFirst().orElseThrow();
    assertEquals("-105", rowOfA.split(",")[header.indexOf("adjusted_points")], csv);
    assertEquals("-210", rowOfA.split(",")[header.indexOf("adjusted_fen")], csv);
    String ownerOfA = api.staffToken(w.allianceId, "adjsettle-owner1", "owner-password-1");
    JsonObject own = expect(200, api.get(path("/shops/" + a.shopId() + "/settlement/periods/" + period + "/statement"),
        ownerOfA)).getJsonObject("statement");
    assertEquals(-105, own.getLong("adjustedPoints"));
    assertEquals(60, own.getLong("issuedPoints"));
  }

  private static String line(Till payer, Till payee, long points, long fen, JsonObject adjustment) {
    return payer.shopId() + ">" + payee.shopId() + " " + points + " pts " + fen + " fen " + adjustment.getString("transferId");
  }

  private List<String> items(String admin, String periods, long period, String category) {
    List<String> out = new ArrayList<>();
    for (Object o : expect(200, api.get(periods + "/" + period + "/items?category=" + category, admin))
        .getJsonArray("items")) {
      JsonObject i = (JsonObject) o;
      assertEquals(category, i.getString("category"));
      out.add(i.getLong("payerId") + ">" + i.getLong("payeeId") + " " + i.getLong("points") + " pts "
          + i.getLong("amountFen") + " fen " + i.getString("transferId"));
    }
    return out;
  }
}
