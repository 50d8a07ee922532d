package io.linkpoints.pos;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.GenericPlans;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The member lookup every sale makes (member code → member, wallet, the shop's accounts) finds the
 * wallet by its owner in the index, in the plan PostgreSQL caches for it: not by scanning the
 * alliance's wallets until the member's turns up, which made sales slower as an alliance grew.
 */
class PosMemberPlanTest {
  private static final Pattern REMOVED = Pattern.compile("Rows Removed by (Join )?Filter: (\\d+)");

  @Test
  void theCachedPlanSeeksTheWalletByOwnerForTheLastOfManyMembers() {
    Vertx vertx = Vertx.vertx();
    try (ApiFixture api = new ApiFixture(vertx)) {
      PosWorld world = new PosWorld(api, "plans");
      Till till = world.shop("Plans café");
      List<Person> people = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        people.add(world.member());
      }
      Person last = people.get(people.size() - 1);
      String arguments = world.allianceId + ", " + till.shopId() + ", " + world.phone(last).deviceId
          + ", 59000000, 0, now() + interval '1 day', 'plan-test', now(), now(), " + till.terminalId();
      // Alone (a rerun's lookup), and as part of a sale's opening statement, with its idempotency record.
      assertSeeksByOwner(genericPlan(vertx, api.app.database().target().connectOptions(), PosMembers.BY_CODE,
          BY_CODE_TYPES, arguments));
      String opening = genericPlan(vertx, api.app.database().target().connectOptions(), PosMembers.OPEN_BY_CODE,
          BY_CODE_TYPES + ", text, text, text", arguments + ", 'plan-key', 'accrue', 'fingerprint'");
      assertSeeksByOwner(opening);
      assertTrue(opening.contains("pos_request"), opening);
    } finally {
      await(vertx.close());
    }
  }

  private static final String BY_CODE_TYPES =
      "bigint, bigint, bigint, bigint, smallint, timestamptz, text, timestamptz, timestamptz, bigint";

  private static void assertSeeksByOwner(String plan) {
    assertTrue(plan.contains("member_wallet"), plan);
    Matcher removed = REMOVED.matcher(plan);
    while (removed.find()) {
      assertTrue(Integer.parseInt(removed.group(2)) <= 1, "rows scanned and thrown away:\n" + plan);
    }
    assertFalse(plan.contains("Seq Scan on ledger_account"), plan);
  }

  private static String genericPlan(Vertx vertx, PgConnectOptions options, String sql, String types, String arguments) {
    return GenericPlans.of(vertx, options, sql, types, "(analyze, costs off, timing off)", arguments);
  }
}
