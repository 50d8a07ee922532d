package io.linkpoints.promotions;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.PosWorld.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.GenericPlans;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.linkpoints.ledger.AccountKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The report's statements, in the generic plans PostgreSQL caches for them, read the shop's bonus
 * rows of the range through {@code pos_accrual_shop_bonus} and everything else by key: with 8,000
 * accruals of other shops and of the café's past around the café's few sales of the range, and
 * 4,000 other transfers, no statement scans pos_accrual or the ledger's transfers or lots, nor reads
 * and throws away more than a hundred rows anywhere.
 */
class PromotionReportPlanTest {
  private static final Pattern REMOVED = Pattern.compile("Rows Removed by (Join )?Filter: (\\d+)");
  private static final String TYPES = "bigint, bigint, timestamptz, timestamptz, text";

  @Test
  void theReportReadsTheShopsBonusesOfTheRangeByIndexAmongThousandsOfOtherAccruals() {
    Vertx vertx = Vertx.vertx();
    try (ApiFixture api = new ApiFixture(vertx)) {
      PosWorld w = new PosWorld(api, "rplan");
      Till cafe = w.shop("Plan café");
      Till books = w.shop("Plan books");
      String path = "/v1/alliances/" + w.allianceId + "/shops/" + cafe.shopId();
      expect(201, api.post(path + "/promotions", cafe.ownerToken(), new JsonObject().put("name", "Plan double")
          .put("kind", "multiplier").put("multiplierPermille", 2000).put("startsOn", "2020-01-01")
          .put("endsOn", "2099-12-31")));
      expect(200, api.send(HttpMethod.PUT, path + "/bounty", cafe.ownerToken(),
          new JsonObject().put("points", 200).put("minSpendFen", 0)));
      for (int i = 0; i < 3; i++) {
        Person m = w.member();
        expect(200, w.pos(cafe, "accrue", key(), new JsonObject().put("memberCode", w.code(m)).put("spendFen", 3000)));
      }
      // 4,000 points' transfers (and lots) from the bookshop to 20 members, so that the ledger is no
      // longer small enough to read whole.
      long issuance = await(api.app.ledger().accountOf(w.allianceId, AccountKind.MERCHANT_ISSUANCE, books.shopId()))
          .orElseThrow().id();
      for (int i = 0; i < 20; i++) {
        long wallet = w.walletId(w.member());
        List<Future<?>> sent = new ArrayList<>();
        for (int j = 0; j < 200; j++) {
          sent.add(api.app.ledger().transfer(w.allianceId, UUID.randomUUID(), issuance, wallet, 1, "earn"));
        }
        await(Future.all(sent));
      }
      // 4,000 sales with a bounty each: the even ones at the bookshop in the range, the odd ones at
      // the café a year and more ago. Accrual rows only (they are what the report's range reads).
      long a = w.allianceId;
      api.count("/* test */ with s as (insert into pos_accrual (alliance_id, id, shop_id, terminal_id, member_id,"
          + " spend_fen, points, created_at) select " + a + ", md5('s' || g)::uuid,"
          + " case when g % 2 = 0 then " + books.shopId() + " else " + cafe.shopId() + " end, " + books.terminalId()
          + ", 900000000 + g, 1000, 10, case when g % 2 = 0 then now() - interval '1 minute' * g"
          + " else now() - interval '400 days' - interval '1 minute' * g end from generate_series(1, 4000) g returning 1)"
          + " select count(*) from s");
      api.count("/* test */ with b as (insert into pos_accrual (alliance_id, id, shop_id, terminal_id, member_id,"
          + " spend_fen, points, created_at, bonus_of, bonus_kind) select s.alliance_id, md5('b' || g)::uuid, s.shop_id,"
          + " s.terminal_id, s.member_id, 1000, 200, s.created_at, s.id, 'bounty'"
          + " from generate_series(1, 4000) g join pos_accrual s on s.alliance_id = " + a + " and s.id = md5('s' || g)::uuid"
          + " returning 1) select count(*) from b");
      await(api.app.pool().query("/* test */ analyze pos_accrual").execute());
      await(api.app.pool().query("/* test */ analyze ledger_transfer").execute());
      await(api.app.pool().query("/* test */ analyze ledger_account").execute());
      await(api.app.pool().query("/* test */ analyze ledger_lot").execute());

      String arguments = a + ", " + cafe.shopId() + ", now() - interval '30 days', now() + interval '1 day',"
          + " 'Asia/Shanghai'";
      for (String sql : new String[] {PromotionReport.SOURCES, PromotionReport.REDEMPTIONS, PromotionReport.DAYS}) {
        String plan = GenericPlans.of(vertx, api.app.database().target().connectOptions(), sql, TYPES,
            "(analyze, costs off, timing off)", arguments);
        assertTrue(plan.contains("pos_accrual_shop_bonus"), plan);
        assertFalse(plan.contains("Seq Scan on pos_accrual"), plan);
        assertFalse(plan.contains("Seq Scan on ledger_transfer"), plan);
        assertFalse(plan.contains("Seq Scan on ledger_lot"), plan);
        Matcher removed = REMOVED.matcher(plan);
        while (removed.find()) {
          assertTrue(Integer.parseInt(removed.group(2)) <= 100, "rows read and thrown away:\n" + plan);
        }
      }
      // The figures of the café's three sales only: 3 promotions of 30 and 3 bounties of 200.
      JsonObject report = expect(200, api.get(path + "/promotions/report", cafe.ownerToken()));
      assertEquals(2, report.getJsonArray("sources").size(), report.encode());
    } finally {
      await(vertx.close());
    }
  }
}
