package io.linkpoints.rewards;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.settlement.Parties;
import io.linkpoints.settlement.Periods;
import io.linkpoints.settlement.Reconciliation;
import io.linkpoints.settlement.SettlementRun;
import io.linkpoints.settlement.Statements;
import io.linkpoints.settlement.Statements.Statement;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Money follows the rewards with no special case: a month with a fund-funded welcome and a
 * shop-funded birthday, part of it spent at a third shop, settled, every statement by hand, at 2
 * fen a point. Its own service: it moves the clock into the next month to settle this one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RewardsSettlementTest {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

  private Vertx vertx;
  private ApiFixture api;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
  }

  @AfterAll
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aMonthOfRewardsSettlesByHand() {
    PosWorld w = new PosWorld(api, "rwm");
    long alliance = w.allianceId;
    await(api.app.pool().preparedQuery("/* test */ update alliance set price_per_point_fen = 2 where id = $1")
        .execute(Tuple.of(alliance)));
    long cafe = api.createShop(alliance, w.adminToken, "Cafe", "rwm-cafe").getLong("id");
    long books = api.createShop(alliance, w.adminToken, "Books", "rwm-books").getLong("id");
    long bakery = api.createShop(alliance, w.adminToken, "Bakery", "rwm-bakery").getLong("id");
    expect(200, api.send(HttpMethod.PUT, "/v1/alliances/" + alliance + "/rewards", w.adminToken, new JsonObject()
        .put("welcome", new JsonObject().put("points", 50).put("fundedBy", "alliance_fund"))
        .put("birthday", new JsonObject().put("points", 101).put("fundedBy", "shops"))));
    for (long shop : new long[] {cafe, books}) {
      expect(200, api.send(HttpMethod.PUT, "/v1/alliances/" + alliance + "/shops/" + shop + "/rewards-opt-in",
          w.adminToken, new JsonObject().put("welcome", false).put("birthday", true)));
    }
    YearMonth month = YearMonth.from(LocalDate.ofInstant(api.clock.instant(), SHANGHAI));

    // Joins: 50 from the fund. Birthday this month: 101 = 51 (café, the lower id) + 50 (books).
    Person p = w.member();
    expect(200, api.send(HttpMethod.PUT, "/v1/members/me/birthday", p.token(),
        new JsonObject().put("month", month.getMonthValue()).put("day", 1)));
    assertEquals(151, w.available(p));
    // 50 points spent at the bakery: the oldest lot first, the fund's welcome (all lots expire alike).
    long acceptance = await(api.app.ledger().openAccount(alliance, AccountKind.MERCHANT_ACCEPTANCE, bakery)).id();
    await(api.app.ledger().transfer(alliance, UUID.randomUUID(), w.walletId(p), acceptance, 50, "pos_redeem"));
    api.assertLedgerOk();

    api.clock.set(month.plusMonths(1).atDay(2).atStartOfDay(SHANGHAI).toInstant());
    Periods periods = new Periods(api.app.pool(), api.clock);
    Periods.Period period = await(new SettlementRun(api.app.pool(), api.clock).run(alliance,
        await(periods.openOrGet(alliance, month.toString())).id()));
    Statements.PeriodStatements all = await(new Statements(api.app.pool(), periods).all(alliance, period.id()));
    Map<Long, Statement> s = new HashMap<>();
    all.statements().forEach(st -> s.put(st.partyId(), st));
    // The fund issued 50 points (100 fen), all spent at the bakery: it owes the bakery 100 fen.
    assertEquals(new Statement(Parties.FUND, 50, 100, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, -100),
        s.get(Parties.FUND));
    // The café issued 51 points (102 fen), the bookshop 50 (100 fen), none spent yet: nothing owed.
    assertEquals(new Statement(cafe, 51, 102, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), s.get(cafe));
    assertEquals(new Statement(books, 50, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), s.get(books));
    // The bakery accepted 50 points (100 fen), all issued by another party: 100 fen receivable.
    assertEquals(new Statement(bakery, 0, 0, 0, 0, 50, 100, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 100), s.get(bakery));
    assertEquals(0L, all.sumOfNetFen());
    var netting = await(new Statements(api.app.pool(), periods).netting(alliance, period.id())).transfers();
    assertEquals(1, netting.size());
    assertEquals(Parties.FUND, netting.get(0).payer());
    assertEquals(bakery, netting.get(0).payee());
    assertEquals(100L, netting.get(0).amountFen());
    assertTrue(await(new Reconciliation(api.app.pool(), periods).report(alliance, period.id())).ok());
    api.assertLedgerOk();
  }
}
