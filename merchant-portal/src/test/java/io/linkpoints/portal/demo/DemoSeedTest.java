package io.linkpoints.portal.demo;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.app.LinkpointsApp;
import io.linkpoints.ledger.InvariantCheck;
import io.linkpoints.ledger.InvariantReport;
import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo seed (asked for explicitly here; no other test seeds) builds a consistent, settled alliance. */
class DemoSeedTest {
  @Test
  void seedsFiveShopsTwoHundredMembersThreeMonthsAnAcceptedPromotionAndAClosedPeriod(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      DatabaseTarget db = TestDatabase.fresh();
      String url = "postgresql://" + db.user() + (db.password().isEmpty() ? "" : ":" + db.password()) + "@"
          + db.connectOptions().getHost() + ":" + db.connectOptions().getPort() + "/" + db.connectOptions().getDatabase();
      LinkpointsConfig config = LinkpointsConfig.fromEnv(Map.of()).withDataDir(dir).withDbUrl(url).withPort(0)
          .withPasswordIterations(ApiFixture.TEST_PASSWORD_ITERATIONS);
      assertFalse(DemoSeed.wanted(config, Map.of()), "never against a configured database");
      assertFalse(DemoSeed.wanted(LinkpointsConfig.fromEnv(Map.of("LINKPOINTS_DATA", dir.toString(), "LINKPOINTS_DEMO", "off")),
          Map.of("LINKPOINTS_DEMO", "off")), "LINKPOINTS_DEMO=off skips it");

      String printed = DemoSeed.seed(vertx, config);
      assertTrue(printed.contains("demo-admin") && printed.contains(DemoSeed.PASSWORD) && printed.contains(DemoSeed.DEMO_PHONE), printed);
      assertTrue(Files.exists(dir.resolve("demo-sign-ins.txt")));

      LinkpointsApp app = await(LinkpointsApp.start(vertx, config, Clock.systemUTC()));
      try {
        assertEquals(5L, count(app, "/* test */ select count(*) from shop"));
        assertEquals(200L, count(app, "/* test */ select count(*) from member"));
        assertEquals(1L, count(app, "/* test */ select count(*) from coupon_campaign where status = 'live'"));
        assertEquals(1L, count(app, "/* test */ select count(*) from settlement_period where status = 'closed'"));
        assertEquals(1L, count(app, "/* test */ select count(*) from shop_promotion where ended_at is null"));
        assertEquals(200L, count(app, "/* test */ select coalesce(sum(points), 0) from shop_bounty"));
        assertEquals("银卡 Silver 300,金卡 Gold 1000", text(app, "/* test */ select string_agg(name_zh || ' ' || name_en"
            + " || ' ' || threshold, ',' order by level) from tier_level"));
        assertEquals("birthday 100 shops,welcome 50 alliance_fund", text(app, "/* test */ select string_agg(kind || ' '"
            + " || points || ' ' || funded_by, ',' order by kind) from reward_rule"));
        assertEquals(2L, count(app, "/* test */ select count(*) from reward_opt_in where birthday"));
        // Three birthdays this month, 100 points each, 50 from each of the two shops that opted in.
        assertEquals(3L, count(app, "/* test */ select count(*) from reward_grant where kind = 'birthday'"
            + " and transferred_at is not null"));
        assertEquals("50,50,50,50,50,50", text(app, "/* test */ select string_agg(points::text, ',') from reward_payment"));
        assertEquals(2L, count(app, "/* test */ select count(distinct payer_id) from reward_payment"));
        assertEquals("1 null,2 1200", text(app, "/* test */ select string_agg(level || ' '"
            + " || coalesce(alliance_multiplier_permille::text, 'null'), ',' order by level) from tier_level"));
        assertEquals("1 1100", text(app, "/* test */ select string_agg(level || ' ' || multiplier_permille, ',')"
            + " from shop_tier_perk"));
        // The passport: 12 members stamped through real sales, 2 + 5 + 2·4 + 3·2 = 21 stamps, 2 cards
        // complete, each rewarded 300 (fund 150, each of the 4 shops 37.5 -> largest remainder).
        assertEquals(1L, count(app, "/* test */ select count(*) from passport"));
        assertEquals(21L, count(app, "/* test */ select count(*) from passport_stamp"));
        assertEquals(12L, count(app, "/* test */ select count(distinct member_id) from passport_stamp"));
        assertEquals(2L, count(app, "/* test */ select count(*) from passport_card where completed_at is not null"));
        assertEquals(600L, count(app, "/* test */ select coalesce(sum(amount), 0) from ledger_transfer"
            + " where code = 'passport_reward'"));
        assertTrue(count(app, "/* test */ select count(*) from ledger_transfer") > 1000);
        // Points adjustments at the café: a goodwill 30 posted, an 800 above the threshold pending.
        assertEquals("goodwill 30 posted,missing_earn 800 pending", text(app, "/* test */ select string_agg(reason || ' '"
            + " || points || ' ' || status, ',' order by id) from point_adjustment"));
        assertEquals(30L, count(app, "/* test */ select coalesce(sum(t.amount), 0) from ledger_transfer t"
            + " join point_adjustment j on j.alliance_id = t.alliance_id and j.transfer_id = t.id"));
        // The demo member's inbox: the earn and the coupon note, unread; the marketing one not kept (off by default).
        assertEquals("coupon_issued,points_earned", text(app, "/* test */ select string_agg(n.kind, ',' order by n.kind)"
            + " from member_notification n join member m on m.alliance_id = n.alliance_id and m.id = n.member_id"
            + " where m.phone = '" + DemoSeed.DEMO_PHONE + "' and n.read_at is null"));
        assertEquals(2L, count(app, "/* test */ select count(*) from member_notification"));
        long days = count(app, "/* test */ select count(distinct date_trunc('day', created_at)) from ledger_transfer");
        assertTrue(days >= 85, "history spread over days: " + days);
        assertEquals(0L, count(app, "/* test */ select coalesce(sum(net_fen), 0) from settlement_statement"));
        InvariantReport report = await(new InvariantCheck(app.pool()).run(null));
        assertTrue(report.ok(), report.summary());
      } finally {
        await(app.close());
      }
    } finally {
      await(vertx.close());
    }
  }

  private static long count(LinkpointsApp app, String sql) {
    return await(app.pool().query(sql).execute()).iterator().next().getLong(0);
  }

  private static String text(LinkpointsApp app, String sql) {
    return await(app.pool().query(sql).execute()).iterator().next().getString(0);
  }
}
