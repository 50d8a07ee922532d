package io.linkpoints.passports;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.linkpoints.testing.TillTestBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Stamp passports through the till, figures by hand: consent and pauses, one stamp per shop per
 * member per local day (Shanghai), a minimum spend, distinct shops toward N, the reward split
 * between the fund and the shops by largest remainder (each part a transfer from the payer's
 * issuance account), two last stamps at two tills at once completing a card once, refunds
 * withdrawing the stamp of a card not yet complete (and not of a complete one), and a sale whose
 * stamp step did not run stamped by its rerun. Every shop earns 1 point per yuan, rounded down.
 */
class PassportTest extends TillTestBase {
  PassportTest() {
    super("passport", 2);
  }

  /** A December passport over these shops, {@code bps[i]} the share of {@code shops[i]}; the fund has the rest. */
  static JsonObject draft(List<Till> shops, int[] bps, int stamps, long minSpendFen, long reward) {
    JsonArray named = new JsonArray();
    int total = 0;
    for (int i = 0; i < shops.size(); i++) {
      named.add(new JsonObject().put("shopId", shops.get(i).shopId()).put("basisPoints", bps[i]));
      total += bps[i];
    }
    return new JsonObject().put("nameZh", "街区集章").put("nameEn", "Street stamps").put("shops", named)
        .put("fundBasisPoints", 10_000 - total).put("stampsRequired", stamps).put("minSpendFen", minSpendFen)
        .put("startsOn", "2026-12-01").put("endsOn", "2026-12-31").put("rewardPoints", reward);
  }

  private static JsonObject create(PosWorld w, JsonObject draft) {
    return expect(201, w.api.post("/v1/alliances/" + w.allianceId + "/passports", w.adminToken, draft));
  }

  private static JsonObject shopCall(PosWorld w, Till till, long passportId, String what) {
    return expect(200, w.api.post("/v1/alliances/" + w.allianceId + "/shops/" + till.shopId() + "/passports/"
        + passportId + "/" + what, till.ownerToken(), null));
  }

  /** A passport every named shop consented to: live. */
  private static long live(PosWorld w, List<Till> shops, int[] bps, int stamps, long minSpendFen, long reward) {
    long id = create(w, draft(shops, bps, stamps, minSpendFen, reward)).getLong("id");
    JsonObject last = null;
    for (Till t : shops) {
      last = shopCall(w, t, id, "consent");
    }
    assertEquals("live", last.getString("status"));
    return id;
  }

  private long stampRows(PosWorld w, long passportId, Person m) {
    return api.count("/* test */ select count(*) from passport_stamp where alliance_id = " + w.allianceId
        + " and passport_id = " + passportId + " and member_id = " + m.memberId());
  }

  private long rewards(PosWorld w) {
    return api.count("/* test */ select count(*) from ledger_transfer where alliance_id = " + w.allianceId
        + " and code = '" + Stamps.REWARD_CODE + "'");
  }

  private long completed(PosWorld w, long passportId) {
    return api.count("/* test */ select count(*) from passport_card where alliance_id = " + w.allianceId
        + " and passport_id = " + passportId + " and completed_at is not null");
  }

  private static JsonObject card(PosWorld w, Person m, long passportId) {
    for (Object o : expect(200, w.api.get("/v1/members/me/passports", m.token())).getJsonArray("items")) {
      JsonObject card = (JsonObject) o;
      if (card.getLong("passportId") == passportId) {
        return card;
      }
    }
    throw new AssertionError("no card for passport " + passportId);
  }

  private static List<Boolean> stamped(JsonObject card) {
    List<Boolean> out = new ArrayList<>();
    card.getJsonArray("shops").forEach(s -> out.add(((JsonObject) s).getBoolean("stamped")));
    return out;
  }

  private static List<Long> longs(JsonArray a) {
    List<Long> out = new ArrayList<>();
    a.forEach(x -> out.add(((Number) x).longValue()));
    return out;
  }

  @Test
  void aCardOfThreeDifferentShopsPaysItsRewardOnceSplitBetweenTheFundAndTheShops() {
    // Monday 2026-12-07, 23:50 in Shanghai (15:50Z).
    PosWorld w = world(Instant.parse("2026-12-07T15:50:00Z"));
    Till a = w.shop("Café A");
    Till b = w.shop("Books B");
    Till c = w.shop("Bakery C");
    Till d = w.shop("Studio D");
    Person m = w.member();
    // Reward 301: fund 50%, A 25%, B 25%, C and D 0%.
    long id = create(w, draft(List.of(a, b, c, d), new int[] {2500, 2500, 0, 0}, 3, 2000, 301)).getLong("id");
    // Not live until every named shop consents: a sale stamps nothing.
    w.accrue(a, m, 3000);
    assertEquals(0, stampRows(w, id, m));
    for (Till t : List.of(a, b, c)) {
      assertEquals("awaiting_consent", shopCall(w, t, id, "consent").getString("status"));
    }
    assertEquals("live", shopCall(w, d, id, "consent").getString("status"));
    assertEquals("live", shopCall(w, d, id, "consent").getString("status"), "consenting again changes nothing");

    w.accrue(a, m, 3000); // stamp: A, Dec 7
    w.accrue(a, m, 5000); // the same shop the same local day: no second stamp
    w.accrue(b, m, 1999); // under the 20.00 yuan minimum: none
    assertEquals(1, stampRows(w, id, m));
    w.accrue(b, m, 2000); // stamp: B
    api.clock.set(Instant.parse("2026-12-07T16:05:00Z")); // 00:05 on Dec 8 in Shanghai
    w.accrue(a, m, 3000); // a new local day: a stamp row, but A counts once toward the 3
    assertEquals(3, stampRows(w, id, m));
    JsonObject card = card(w, m, id);
    assertEquals(2, card.getLong("stamps"));
    assertFalse(card.getBoolean("completed"));
    assertEquals(List.of(true, true, false, false), stamped(card));
    JsonObject before = expect(200, api.get("/v1/alliances/" + w.allianceId + "/passports/" + id, w.adminToken));
    assertEquals(List.of(1L, 1L, 0L), longs(before.getJsonObject("funnel").getJsonArray("atLeast")));
    assertEquals(0, before.getJsonObject("funnel").getLong("completed"));

    long earnedBefore = w.available(m);
    // 30 + 30 + 50 + 19 + 20 + 30 = 179 base points so far.
    assertEquals(179, earnedBefore);
    JsonObject third = w.accrue(c, m, 2500); // stamp: C, the third different shop: complete
    assertEquals(25, third.getLong("points"), "the sale's own answer is unchanged");
    // 301 × 50% = 150.5, × 25% = 75.25 twice: floors 150 + 75 + 75 = 300, the 1 left goes to the
    // largest remainder (the fund's .5): fund 151, A 75, B 75; C and D pay 0 (no transfer).
    assertEquals(179 + 25 + 301, w.available(m));
    assertEquals(3, rewards(w));
    long[] expected = {151, 75, 75};
    long[] payer = {0, a.shopId(), b.shopId()};
    for (int i = 0; i < 3; i++) {
      Transfer t = await(api.app.ledger().transferById(w.allianceId,
          Stamps.rewardTransferId(w.allianceId, id, m.memberId(), payer[i]))).orElseThrow();
      AccountKind kind = payer[i] == 0 ? AccountKind.ALLIANCE_FUND_ISSUANCE : AccountKind.MERCHANT_ISSUANCE;
      assertEquals(await(api.app.ledger().accountOf(w.allianceId, kind, payer[i])).orElseThrow().id(), t.debitAccountId());
      assertEquals(w.walletId(m), t.creditAccountId());
      assertEquals(expected[i], t.amount());
      assertEquals(Stamps.REWARD_CODE, t.code());
    }
    // After completion: no more stamps, no second reward.
    w.accrue(d, m, 9000);
    assertEquals(179 + 25 + 301 + 90, w.available(m));
    assertEquals(3, rewards(w));
    card = card(w, m, id);
    assertTrue(card.getBoolean("completed"));
    assertEquals(3, card.getLong("stamps"));
    assertEquals(List.of(true, true, true, false), stamped(card));
    JsonObject after = expect(200, api.get("/v1/alliances/" + w.allianceId + "/passports/" + id, w.adminToken));
    assertEquals(List.of(1L, 1L, 1L), longs(after.getJsonObject("funnel").getJsonArray("atLeast")));
    assertEquals(1, after.getJsonObject("funnel").getLong("completed"));
  }

  @Test
  void badPassportsAreRefusedAndShopsSeeOnlyTheirs() {
    PosWorld w = world(Instant.parse("2026-12-07T02:00:00Z"));
    Till a = w.shop("Café A");
    Till b = w.shop("Books B");
    Till c = w.shop("Bakery C");
    String path = "/v1/alliances/" + w.allianceId + "/passports";
    JsonObject sumsWrong = draft(List.of(a, b), new int[] {5000, 5000}, 2, 0, 100).put("fundBasisPoints", 1);
    assertEquals("invalid_passport", problemCode(api.post(path, w.adminToken, sumsWrong)));
    assertEquals("invalid_passport", problemCode(api.post(path, w.adminToken,
        draft(List.of(a, b), new int[] {0, 0}, 3, 0, 100))), "3 stamps from 2 shops");
    assertEquals("invalid_passport", problemCode(api.post(path, w.adminToken,
        draft(List.of(a, b), new int[] {0, 0}, 2, 0, 100).put("endsOn", "2026-11-30"))));
    JsonObject stranger = draft(List.of(a, b), new int[] {0, 0}, 2, 0, 100);
    stranger.getJsonArray("shops").getJsonObject(1).put("shopId", 999_999_999L);
    assertEquals("unknown_shop", problemCode(api.post(path, w.adminToken, stranger)));
    assertEquals(0, api.count("/* test */ select count(*) from passport where alliance_id = " + w.allianceId));
    assertEquals(403, api.post(path, a.ownerToken(), draft(List.of(a, b), new int[] {0, 0}, 2, 0, 100)).statusCode());

    long id = create(w, draft(List.of(a, b), new int[] {0, 0}, 2, 0, 100)).getLong("id");
    assertEquals("passport_not_found", problemCode(api.post("/v1/alliances/" + w.allianceId + "/shops/" + c.shopId()
        + "/passports/" + id + "/consent", c.ownerToken(), null)));
    assertEquals(0, expect(200, api.get("/v1/alliances/" + w.allianceId + "/shops/" + c.shopId() + "/passports",
        c.ownerToken())).getJsonArray("items").size());
    assertEquals(1, expect(200, api.get("/v1/alliances/" + w.allianceId + "/shops/" + a.shopId() + "/passports",
        a.ownerToken())).getJsonArray("items").size());
    assertEquals("passport_not_found", problemCode(api.get(path + "/" + (id + 1000), w.adminToken)));
  }

  @Test
  void aPauseByAShopOrTheAdminStopsStampsUntilEachLiftsItsOwn() {
    PosWorld w = world(Instant.parse("2026-12-07T02:00:00Z"));
    Till a = w.shop("Café A");
    Till b = w.shop("Books B");
    Till c = w.shop("Bakery C");
    long id = live(w, List.of(a, b, c), new int[] {0, 0, 0}, 3, 0, 100);
    Person m = w.member();
    assertEquals("paused", shopCall(w, b, id, "pause").getString("status"));
    assertEquals("paused", expect(200, api.post("/v1/alliances/" + w.allianceId + "/passports/" + id + "/pause",
        w.adminToken, null)).getString("status"));
    w.accrue(a, m, 1000);
    assertEquals(0, stampRows(w, id, m), "paused by B and the admin: no stamp at A either");
    assertEquals("paused", expect(200, api.post("/v1/alliances/" + w.allianceId + "/passports/" + id + "/resume",
        w.adminToken, null)).getString("status"), "B's pause stays");
    w.accrue(c, m, 1000);
    assertEquals(0, stampRows(w, id, m));
    assertEquals("live", shopCall(w, b, id, "resume").getString("status"));
    w.accrue(c, m, 1000);
    assertEquals(1, stampRows(w, id, m));
  }

  /**
   * Ten members with one stamp of three (N - 2) and ten with two (N - 1), each then buying at two
   * other shops' tills at the same moment: exactly one reward per member (N - 2: neither may miss
   * the other's stamp; N - 1: both see a full card, one completes it).
   */
  @Test
  void twoLastStampsAtTwoTillsAtOnceCompleteEachCardOnce() throws Exception {
    PosWorld w = world(Instant.parse("2026-12-09T02:00:00Z"));
    Till a = w.shop("Café A");
    Till b = w.shop("Books B");
    Till c = w.shop("Bakery C");
    Till d = w.shop("Studio D");
    long id = live(w, List.of(a, b, c, d), new int[] {0, 0, 0, 0}, 3, 1000, 100);
    int members = 10;
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < members; i++) {
        Person m = w.member();
        w.accrue(a, m, 1000);
        List<Till> last = List.of(c, d);
        if (round == 1) {
          w.accrue(b, m, 1000);
        } else {
          last = List.of(b, c);
        }
        List<Future<JsonObject>> calls = new ArrayList<>();
        for (Till till : last) {
          String code = w.code(m);
          Callable<JsonObject> sale = () -> expect(200, w.pos(till, "accrue", key(),
              new JsonObject().put("memberCode", code).put("spendFen", 1000)));
          calls.add(tills.submit(sale));
        }
        for (Future<JsonObject> call : calls) {
          call.get();
        }
        // 10 points per sale, and the reward once (the fund pays it all: one transfer).
        long sales = round == 0 ? 3 : 4;
        assertEquals(10 * sales + 100, w.available(m), "round " + round + ", member " + i);
      }
    }
    assertEquals(2 * members, completed(w, id));
    assertEquals(2 * members, rewards(w));
    // Each completion told once (passport.completed, in the completion's transaction), with the reward.
    var told = await(api.app.pool().preparedQuery("/* test */ select count(*), count(distinct member_id),"
        + " min((payload ->> 'points')::bigint), max((payload ->> 'points')::bigint) from outbox_event"
        + " where alliance_id = $1 and type = 'passport.completed' and (payload ->> 'passportId')::bigint = $2")
        .execute(io.vertx.sqlclient.Tuple.of(w.allianceId, id))).iterator().next();
    assertEquals(2 * members, told.getLong(0), "one event per completed card");
    assertEquals(2 * members, told.getLong(1));
    assertEquals(100, told.getLong(2));
    assertEquals(100, told.getLong(3));
  }

  /**
   * The same race with its window wide open: forty members' last two sales (B and C, made while the
   * passport was paused, so not stamped yet) are stamped all at once, eighty stamp steps in flight
   * together (as eighty reruns would be). Exactly forty cards complete, each rewarded once. Seen to
   * fail without the card's row lock (Stamps.CARD without for update): 32, 36 and 29 of 40 cards
   * completed in three runs (with ten members, one run of three passed: the overlap is timing, hence 40).
   */
  @Test
  void eightyLastStampsInFlightTogetherCompleteFortyCards() {
    PosWorld w = world(Instant.parse("2026-12-09T06:00:00Z"));
    Till a = w.shop("Café A");
    Till b = w.shop("Books B");
    Till c = w.shop("Bakery C");
    long id = live(w, List.of(a, b, c), new int[] {0, 0, 0}, 3, 1000, 100);
    String passport = "/v1/alliances/" + w.allianceId + "/passports/" + id;
    List<Person> members = new ArrayList<>();
    List<Stamps.Sale> last = new ArrayList<>();
    int count = 40;
    for (int i = 0; i < count; i++) {
      Person m = w.member();
      members.add(m);
      w.accrue(a, m, 1000);
    }
    expect(200, api.post(passport + "/pause", w.adminToken, null));
    for (Person m : members) {
      for (Till t : List.of(b, c)) {
        UUID sale = UUID.fromString(w.accrue(t, m, 1000).getString("accrualId"));
        last.add(new Stamps.Sale(w.allianceId, t.shopId(), m.memberId(), w.walletId(m), sale, api.clock.instant(),
            ZoneId.of("Asia/Shanghai")));
      }
    }
    expect(200, api.post(passport + "/resume", w.adminToken, null));
    Stamps stamps = new Stamps(api.app.pool(), api.app.ledger(), api.clock);
    List<io.vertx.core.Future<Stamps.Stamped>> all = new ArrayList<>();
    last.forEach(sale -> all.add(stamps.stamp(sale)));
    await(io.vertx.core.Future.all(all));
    long completions = all.stream().mapToLong(f -> f.result().completed().size()).sum();
    assertEquals(count, completions, "one completing sale per member");
    assertEquals(count, completed(w, id));
    assertEquals(count, rewards(w));
    for (Person m : members) {
      assertEquals(3 * 10 + 100, w.available(m)); // three sales of 10 points, the reward once
    }
  }

  @Test
  void aRefundWithdrawsTheStampOfACardNotYetCompleteAndNotOfACompleteOne() {
    PosWorld w = world(Instant.parse("2026-12-10T02:00:00Z"));
    Till a = w.shop("Café A");
    Till b = w.shop("Books B");
    Till c = w.shop("Bakery C");
    long id = live(w, List.of(a, b, c), new int[] {0, 0, 0}, 3, 2000, 300);

    // Partly refunded, the net spend still at the minimum: the stamp stays; below it: withdrawn.
    Person m1 = w.member();
    String sale = w.accrue(a, m1, 3000).getString("accrualId");
    refund(w, a, sale, 1000); // net 2000 = the minimum
    assertEquals(1, stampRows(w, id, m1));
    refund(w, a, sale, 1); // net 1999
    assertEquals(0, stampRows(w, id, m1));
    assertEquals(0, card(w, m1, id).getLong("stamps"));
    // The withdrawn stamp frees the day: another sale there today stamps again.
    w.accrue(a, m1, 2000);
    assertEquals(1, stampRows(w, id, m1));

    // A full refund withdraws it too.
    Person m2 = w.member();
    String full = w.accrue(b, m2, 2500).getString("accrualId");
    assertEquals(1, stampRows(w, id, m2));
    refund(w, b, full, 2500);
    assertEquals(0, stampRows(w, id, m2));

    // A completed card keeps the refunded sale's stamp and its reward: 30 + 30 + 30 + 300 = 390,
    // the refund takes the sale's own 30 points back: 360.
    Person m3 = w.member();
    w.accrue(a, m3, 3000);
    w.accrue(b, m3, 3000);
    String last = w.accrue(c, m3, 3000).getString("accrualId");
    assertEquals(390, w.available(m3));
    refund(w, c, last, 3000);
    assertEquals(360, w.available(m3));
    assertEquals(3, stampRows(w, id, m3));
    assertTrue(card(w, m3, id).getBoolean("completed"));
    assertEquals(1, rewards(w));
  }

  private static void refund(PosWorld w, Till till, String accrualId, long fen) {
    expect(200, w.pos(till, "refund", key(), new JsonObject().put("accrualId", accrualId).put("refundFen", fen)));
  }

  /**
   * A sale whose stamp step did not run (here: it ran while the passport was paused, as a crash
   * right after the sale's earn leaves it) gets its stamp when the till sends the request again
   * with its key, completes the card and is rewarded; run once more, nothing is done twice.
   */
  @Test
  void aSaleWhoseStampStepDidNotRunIsStampedByItsRerun() {
    PosWorld w = world(Instant.parse("2026-12-11T02:00:00Z"));
    Till a = w.shop("Café A");
    Till b = w.shop("Books B");
    long id = live(w, List.of(a, b), new int[] {2000, 3000}, 2, 0, 100);
    Person m = w.member();
    w.accrue(a, m, 1000);
    String pause = "/v1/alliances/" + w.allianceId + "/passports/" + id;
    expect(200, api.post(pause + "/pause", w.adminToken, null));
    String key = key();
    JsonObject body = new JsonObject().put("memberCode", w.code(m)).put("spendFen", 1000);
    expect(200, w.pos(b, "accrue", key, body));
    assertEquals(1, stampRows(w, id, m));
    expect(200, api.post(pause + "/resume", w.adminToken, null));
    for (int run = 0; run < 2; run++) {
      cutShort(w, b, key);
      expect(200, w.pos(b, "accrue", key, body));
      assertEquals(2, stampRows(w, id, m));
      // 10 + 10, and the reward 100: fund 50, A 20, B 30.
      assertEquals(120, w.available(m), "run " + run);
      assertEquals(3, rewards(w));
      assertEquals(1, completed(w, id));
    }
  }

  /** The request's record as a crash just before its outcome was written leaves it. */
  private void cutShort(PosWorld w, Till till, String key) {
    await(api.app.pool().preparedQuery("/* test */ update pos_request set status_code = null, response = null,"
        + " completed_at = null where alliance_id = $1 and terminal_id = $2 and idempotency_key = $3")
        .execute(Tuple.of(w.allianceId, till.terminalId(), key)));
    assertEquals("in_progress", w.status(till, key).getString("state"));
  }
}
