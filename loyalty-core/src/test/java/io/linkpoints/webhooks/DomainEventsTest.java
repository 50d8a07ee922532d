package io.linkpoints.webhooks;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A settlement close, a shop's suspension and a cross-promotion's proposal, acceptance and pause
 * write their events in their own transactions, once each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DomainEventsTest {
  private Vertx vertx;
  private ApiFixture api;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
  }

  @AfterAll
  void stop() {
    api.assertLedgerOk();
    api.close();
    await(vertx.close());
  }

  private List<Row> events(long alliance, String type) {
    List<Row> out = new ArrayList<>();
    await(api.app.pool().preparedQuery("/* test */ select shop_id, payload from outbox_event"
        + " where alliance_id = $1 and type = $2 order by shop_id").execute(Tuple.of(alliance, type))).forEach(out::add);
    return out;
  }

  @Test
  void closingAPeriodTellsEachShopItsNet() {
    ZoneId zone = ZoneId.of("Asia/Shanghai");
    YearMonth thisMonth = YearMonth.from(api.clock.instant().atZone(zone));
    Instant end = thisMonth.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
    api.clock.set(end.minus(Duration.ofMinutes(5)));
    ApiFixture.World w = api.world("close");
    long alliance = w.allianceId();
    long shopA = w.shopId();
    long shopB = api.createShop(alliance, w.adminToken(), "second shop", "close2-owner").getLong("id");
    long member = api.memberSignIn(alliance, "+8613800555002").getJsonObject("member").getLong("id");
    long wallet = await(api.app.ledger().accountOf(alliance, AccountKind.MEMBER_WALLET, member)).orElseThrow().id();
    long issuanceA = await(api.app.ledger().accountOf(alliance, AccountKind.MERCHANT_ISSUANCE, shopA)).orElseThrow().id();
    long acceptanceB = await(api.app.ledger().accountOf(alliance, AccountKind.MERCHANT_ACCEPTANCE, shopB)).orElseThrow()
        .id();
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), issuanceA, wallet, 300, "earn"));
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), wallet, acceptanceB, 120, "redeem"));
    String base = "/v1/alliances/" + alliance + "/settlement/periods";
    long period = expect(201, api.post(base, w.adminToken(), new JsonObject().put("month", thisMonth.toString())))
        .getLong("id");
    expect(200, api.post(base + "/" + period + "/run", w.adminToken(), null));
    assertEquals(0, events(alliance, "settlement.period_closed").size(), "a run is not a close");
    api.clock.set(end);
    expect(200, api.post(base + "/" + period + "/close", w.adminToken(), null));

    List<Row> closed = events(alliance, "settlement.period_closed");
    assertEquals(List.of(shopA, shopB), closed.stream().map(r -> r.getLong("shop_id")).toList());
    // 1 fen a point: A issued the 120 points B accepted, so A owes B 120 fen.
    assertEquals(-120L, ((JsonObject) closed.get(0).getValue("payload")).getLong("netFen"));
    assertEquals(120L, ((JsonObject) closed.get(1).getValue("payload")).getLong("netFen"));
    assertEquals(thisMonth.toString(), ((JsonObject) closed.get(1).getValue("payload")).getString("label"));
    assertEquals("period_closed", ApiFixture.problemCode(api.post(base + "/" + period + "/close", w.adminToken(), null)));
    assertEquals(2, events(alliance, "settlement.period_closed").size(), "a refused second close tells nothing");
  }

  /** Eight suspensions at once, then one more: one event (the shop's row is locked by each). */
  @Test
  void suspendingAShopTellsOnce() {
    ApiFixture.World w = api.world("susp");
    String path = "/v1/alliances/" + w.allianceId() + "/shops/" + w.shopId() + "/suspend";
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      all.add(api.http.post(path).putHeader("Authorization", "Bearer " + w.adminToken()).send());
    }
    await(Future.all(all));
    all.forEach(f -> assertEquals(200, f.result().statusCode()));
    expect(200, api.post(path, w.adminToken(), null));
    List<Row> told = events(w.allianceId(), "shop.suspended");
    assertEquals(1, told.size());
    assertEquals(w.shopId(), told.get(0).getLong("shop_id"));
  }

  /** Proposed to the shop it names, accepted and paused told to the others; accepting twice tells once. */
  @Test
  void aCrossPromotionTellsTheOtherShops() {
    io.linkpoints.testing.PosWorld w = new io.linkpoints.testing.PosWorld(api, "xp");
    io.linkpoints.testing.PosWorld.Till cafe = w.shop("XP Café");
    io.linkpoints.testing.PosWorld.Till books = w.shop("XP Books");
    String shops = "/v1/alliances/" + w.allianceId + "/shops/";
    long campaign = expect(201, api.post(shops + cafe.shopId() + "/campaigns", cafe.ownerToken(), new JsonObject()
        .put("name", "spend at the café, save at the bookshop")
        .put("benefit", new JsonObject().put("kind", "fixed_off").put("amountFen", 1000))
        .put("validFrom", api.clock.instant().minus(Duration.ofHours(1)).toString())
        .put("validUntil", api.clock.instant().plus(Duration.ofDays(30)).toString())
        .put("inventory", 100).put("perMemberLimit", 1)
        .put("issuingShopIds", new io.vertx.core.json.JsonArray().add(cafe.shopId()))
        .put("honouringShopIds", new io.vertx.core.json.JsonArray().add(books.shopId()))
        .put("funding", new io.vertx.core.json.JsonArray().add(new JsonObject().put("shopId", cafe.shopId())
            .put("basisPoints", 10000))))).getLong("id");
    List<Row> proposed = events(w.allianceId, "promotion.proposed");
    assertEquals(List.of(books.shopId()), proposed.stream().map(r -> r.getLong("shop_id")).toList());
    assertEquals(campaign, ((JsonObject) proposed.get(0).getValue("payload")).getLong("campaignId"));
    assertEquals(cafe.shopId(), ((JsonObject) proposed.get(0).getValue("payload")).getLong("byShopId"));

    String accept = shops + books.shopId() + "/campaigns/" + campaign + "/accept";
    expect(200, api.post(accept, books.ownerToken(), null));
    expect(200, api.post(accept, books.ownerToken(), null));
    List<Row> accepted = events(w.allianceId, "promotion.accepted");
    assertEquals(List.of(cafe.shopId()), accepted.stream().map(r -> r.getLong("shop_id")).toList(), "once, to the café");
    assertEquals("live", ((JsonObject) accepted.get(0).getValue("payload")).getString("status"));

    expect(200, api.post(shops + books.shopId() + "/campaigns/" + campaign + "/pause", books.ownerToken(), null));
    assertEquals(List.of(cafe.shopId()), events(w.allianceId, "promotion.paused").stream()
        .map(r -> r.getLong("shop_id")).toList());
  }
}
