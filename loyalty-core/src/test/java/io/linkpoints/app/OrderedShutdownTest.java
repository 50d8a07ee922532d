package io.linkpoints.app;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.InvariantCheck;
import io.linkpoints.ledger.InvariantReport;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Closing the service while tills are selling: requests that reached it are answered (and what
 * they answered is in the ledger), later ones find no server, and nothing in between fails.
 */
class OrderedShutdownTest {
  private static final int SALES = 40;
  private Vertx vertx;
  private ApiFixture api;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
  }

  @AfterEach
  void stop() {
    api.close(); // a second close: the same, already finished, shutdown
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void requestsInFlightAtShutdownAreAnsweredAndTheirEffectsKept() throws Exception {
    PosWorld world = new PosWorld(api, "stop");
    Till till = world.shop("Closing Time Café");
    Person member = world.member();
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < SALES; i++) {
      codes.add(world.code(member));
    }
    WebClient tills = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(api.app.port()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(SALES));
    String path = "/v1/alliances/" + world.allianceId + "/shops/" + till.shopId() + "/pos/accrue";
    List<Future<HttpResponse<Buffer>>> sales = new ArrayList<>();
    for (String code : codes) {
      sales.add(tills.post(path).putHeader("Authorization", "Bearer " + till.token())
          .putHeader("Idempotency-Key", UUID.randomUUID().toString())
          .sendJsonObject(new JsonObject().put("memberCode", code).put("spendFen", 1000)));
    }
    // Close as soon as the first sale has reached the service: the others are on their way or in it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (api.count("/* test */ select count(*) from pos_request") == 0) {
      assertTrue(System.nanoTime() < deadline, "no sale reached the service");
      Thread.sleep(5);
    }
    await(api.app.close());

    List<String> acknowledged = new ArrayList<>();
    int refusedAtTheDoor = 0;
    for (Future<HttpResponse<Buffer>> sale : sales) {
      await(sale.transform(ar -> Future.succeededFuture())); // settled, either way
      if (sale.succeeded()) {
        HttpResponse<Buffer> r = sale.result();
        assertEquals(200, r.statusCode(), "a sale in flight at shutdown: " + r.bodyAsString());
        acknowledged.add(r.bodyAsJsonObject().getString("accrualId"));
      } else {
        refusedAtTheDoor++; // never reached a server that had stopped taking requests
      }
    }
    tills.close();
    assertTrue(!acknowledged.isEmpty(), "the sale that reached the service was answered");
    assertEquals(SALES, acknowledged.size() + refusedAtTheDoor);

    // Every acknowledged sale is in the ledger, once, and the ledger adds up.
    Pool check = api.app.database().target().pool(vertx, 2);
    try {
      for (String id : acknowledged) {
        long found = await(check.preparedQuery("/* test */ select count(*) from ledger_transfer where id = $1")
            .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(id)))).iterator().next().getLong(0);
        assertEquals(1, found, "acknowledged sale " + id);
      }
      InvariantReport report = await(new InvariantCheck(check).run(null));
      assertTrue(report.ok(), report.summary());
    } finally {
      await(check.close());
    }
    System.out.printf("Ordered shutdown: %d sales sent, %d answered 200 during the shutdown, %d refused at the door%n",
        SALES, acknowledged.size(), refusedAtTheDoor);
  }
}
