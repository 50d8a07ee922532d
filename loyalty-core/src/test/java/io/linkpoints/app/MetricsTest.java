package io.linkpoints.app;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.Meters;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an operator's Prometheus scrapes from the management port: the POS calls by operation
 * and outcome, member codes by result, the ledger's transfers and batches, Vert.x's HTTP requests
 * by route template and the PostgreSQL pools, each counted exactly for a known set of sales, and
 * nothing of it on the public port; coupons issued and redeemed, settlement runs and closes by
 * outcome, counted exactly too (a retry counts nothing).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

  private Vertx vertx;
  private ApiFixture api;
  private PosWorld world;

  @BeforeAll
  void start() {
    PrometheusMeterRegistry meters = Meters.registry();
    vertx = Meters.vertx(meters);
    api = new ApiFixture(vertx, meters);
    world = new PosWorld(api, "metrics");
  }

  @AfterAll
  void stop() {
    api.close();
    await(vertx.close());
  }

  @Test
  void salesShowUpInTheMetricsExactlyAndOnlyOnTheManagementPort() {
    Till cafe = world.shop("Metrics café");
    Person member = world.member();
    Map<String, Double> before = scrape();

    String key = PosWorld.key();
    JsonObject sale = new JsonObject().put("memberCode", world.code(member)).put("spendFen", 2500);
    assertEquals(200, world.pos(cafe, "accrue", key, sale).statusCode());
    assertEquals(200, world.pos(cafe, "accrue", key, sale).statusCode(), "a retry, answered from its record");
    String used = world.code(member);
    assertEquals(200, world.pos(cafe, "reserve", PosWorld.key(), new JsonObject().put("memberCode", used)
        .put("points", 5)).statusCode());
    assertEquals(409, world.pos(cafe, "accrue", PosWorld.key(), new JsonObject().put("memberCode", used)
        .put("spendFen", 100)).statusCode());
    assertEquals(422, world.pos(cafe, "identify", PosWorld.key(), new JsonObject()
        .put("memberCode", "88000000000000000000")).statusCode());

    Map<String, Double> after = scrape();
    assertOnceEach(before, after,
        "linkpoints_pos_requests_total{operation=\"accrue\",outcome=\"ok\"}",
        "linkpoints_pos_requests_total{operation=\"accrue\",outcome=\"replayed\"}",
        "linkpoints_pos_requests_total{operation=\"reserve\",outcome=\"ok\"}",
        "linkpoints_pos_requests_total{operation=\"accrue\",outcome=\"code_already_used\"}",
        "linkpoints_pos_requests_total{operation=\"identify\",outcome=\"code_invalid\"}",
        "linkpoints_member_codes_total{result=\"code_already_used\"}",
        "linkpoints_member_codes_total{result=\"code_invalid\"}");
    assertEquals(2, delta(before, after, "linkpoints_member_codes_total{result=\"accepted\"}"));
    // The earn and the hold: two transfers committed, in at least one batch.
    assertEquals(2, delta(before, after, "linkpoints_ledger_transfers_total{code=\"ok\",result=\"committed\"}"));
    assertTrue(delta(before, after, "linkpoints_ledger_batch_commands_count") >= 1);
    assertTrue(after.containsKey("linkpoints_ledger_writer_queue"), "the writer's queue gauge");
    await(api.app.firstReseal());
    assertEquals(0.0, scrape().get("linkpoints_member_device_secrets_old_key"),
        "device secrets under older code keys, after the start's re-seal: none");

    // Vert.x's own: HTTP requests by route template (never a path with ids in it), and the pools.
    String pos = after.keySet().stream().filter(k -> k.startsWith("vertx_http_server_requests_total{")
        && k.contains("/pos/accrue") && k.contains("code=\"200\"")).findFirst().orElse(null);
    assertNotEquals(null, pos, "the accrue route's requests: " + after.keySet());
    assertFalse(after.keySet().stream().anyMatch(k -> k.startsWith("vertx_http_server") && k.matches(".*/\\d+.*")),
        "a route label with an id in it");
    assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("vertx_pool_") && k.contains("pool_name=\"main\"")),
        "the main pool's use: " + after.keySet());
    assertTrue(after.keySet().stream().anyMatch(k -> k.contains("pool_name=\"ledger-writer\"")), "the writer's pool");

    // Not on the public API's port.
    HttpResponse<Buffer> publicMetrics = await(api.http.get("/metrics").send());
    assertEquals(404, publicMetrics.statusCode());
    assertEquals("127.0.0.1", api.app.config().metricsHost());
  }

  @Test
  void couponsAndSettlementRunsAreCountedExactly() {
    Till bakery = world.shop("Metrics bakery");
    Person member = world.member();
    String campaigns = "/v1/alliances/" + world.allianceId + "/shops/" + bakery.shopId() + "/campaigns";
    long campaign = expect(201, api.post(campaigns, bakery.ownerToken(), new JsonObject().put("name", "free cookie")
        .put("benefit", new JsonObject().put("kind", "gift").put("giftName", "a cookie").put("valueFen", 500))
        .put("validFrom", api.clock.instant().minus(Duration.ofHours(1)).toString())
        .put("validUntil", api.clock.instant().plus(Duration.ofDays(7)).toString())
        .put("inventory", 5).put("shopCodes", true))).getLong("id");
    String shopCode = expect(201, api.post(campaigns + "/" + campaign + "/claim-codes", bakery.token(), null))
        .getString("code");
    String periods = "/v1/alliances/" + world.allianceId + "/settlement/periods";
    long period = expect(201, api.post(periods, world.adminToken, new JsonObject().put("month", "2000-01")))
        .getLong("id");
    Map<String, Double> before = scrape();

    // Issued once: the second claim of the same code finds the coupon already made.
    JsonObject coupon = expect(201, api.post("/v1/members/me/coupons/claim", member.token(),
        new JsonObject().put("code", shopCode)));
    assertTrue(expect(201, api.post("/v1/members/me/coupons/claim", member.token(),
        new JsonObject().put("code", shopCode))).getBoolean("alreadyClaimed"));
    // Redeemed once: reserved, committed, the commit sent again answered from its record.
    JsonObject hold = expect(200, api.send(HttpMethod.POST, "/v1/pos/coupons/reserve", bakery.token(),
        new JsonObject().put("code", coupon.getString("code")).put("spendFen", 100).put("orderRef", "M-1"),
        Map.of("Idempotency-Key", "metrics-reserve")));
    for (int i = 0; i < 2; i++) {
      expect(200, api.send(HttpMethod.POST, "/v1/pos/coupons/commit", bakery.token(),
          new JsonObject().put("holdId", hold.getString("holdId")), Map.of("Idempotency-Key", "metrics-commit")));
    }
    // A close refused before any run, a run, the close.
    assertEquals("period_not_run", problemCode(api.post(periods + "/" + period + "/close", world.adminToken, null)));
    expect(200, api.post(periods + "/" + period + "/run", world.adminToken, null));
    expect(200, api.post(periods + "/" + period + "/close", world.adminToken, null));

    Map<String, Double> after = scrape();
    assertOnceEach(before, after,
        "linkpoints_coupons_issued_total{source=\"shop_code\"}",
        "linkpoints_coupons_redeemed_total",
        "linkpoints_settlement_runs_total{outcome=\"period_not_run\",step=\"close\"}",
        "linkpoints_settlement_runs_total{outcome=\"ok\",step=\"run\"}",
        "linkpoints_settlement_runs_total{outcome=\"ok\",step=\"close\"}");
  }

  /** Every sample of the exposition, by name and labels as written. */
  private Map<String, Double> scrape() {
    WebClient client = WebClient.create(vertx);
    try {
      HttpResponse<Buffer> r = await(client.get(api.app.metricsPort(), "127.0.0.1", "/metrics").send());
      assertEquals(200, r.statusCode());
      assertTrue(r.getHeader("Content-Type").startsWith("text/plain"), r.getHeader("Content-Type"));
      Map<String, Double> samples = new HashMap<>();
      for (String line : r.bodyAsString().split("\n")) {
        Matcher m = SAMPLE.matcher(line);
        if (!line.startsWith("#") && m.matches()) {
          samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
      }
      return samples;
    } finally {
      client.close();
    }
  }

  /** Each of these series went up by exactly one between the two scrapes. */
  private static void assertOnceEach(Map<String, Double> before, Map<String, Double> after, String... series) {
    for (String one : series) {
      assertEquals(1, delta(before, after, one), one);
    }
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
    assertTrue(after.containsKey(series), series + " not among " + after.keySet());
    return after.get(series) - before.getOrDefault(series, 0.0);
  }
}
