package io.linkpoints.webhooks;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.WebhookOptions;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.web.OutboundTargets;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Dispatchers run by the test, on a service whose own dispatcher stays quiet (its first run is an
 * hour away): several instances on one database deliver each event once and in order, and a
 * dispatcher that does not allow private targets refuses them at delivery time too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DispatcherConcurrencyTest {
  private static final WebhookOptions QUIET = WebhookOptions.DEFAULT
      .withRetries(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(5))
      .withPollInterval(Duration.ofHours(1));

  private Vertx vertx;
  private ApiFixture fx;
  private PosWorld w;
  private Receiver receiver;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    fx = new ApiFixture(vertx, c -> c.withAllowPrivateTargets(true).withWebhooks(QUIET));
    w = new PosWorld(fx, "dc");
    receiver = new Receiver(vertx, 0, (path, before) -> 200);
  }

  @AfterAll
  void stop() {
    w.assertLedgerOk();
    receiver.close();
    fx.close();
    await(vertx.close());
  }

  private JsonObject register(PosWorld.Till shop, String path) {
    JsonObject made = expect(201, fx.post("/v1/alliances/" + w.allianceId + "/webhooks", shop.ownerToken(),
        new JsonObject().put("url", receiver.url(path)).put("eventTypes", new JsonArray().add("points.earned"))));
    receiver.secrets.add(made.getString("secret"));
    return made;
  }

  /**
   * Four dispatchers (as four instances) run their claims at once, over and over, on 40 events of
   * one endpoint and 40 of another: each event arrives exactly once, and each endpoint's in the
   * order of its events. Without the claim's row lock ({@code for update of c skip locked}), two
   * dispatchers take the same delivery and the receiver counts duplicates (seen when removed).
   */
  @Test
  void fourInstancesDeliverEachEventOnceAndInOrder() throws InterruptedException {
    PosWorld.Till a = w.shop("Busy Café A");
    PosWorld.Till b = w.shop("Busy Café B");
    register(a, "/busy-a");
    register(b, "/busy-b");
    PosWorld.Person member = w.member();
    for (long points = 1; points <= 40; points++) {
      w.grant(member, a, points);
      w.grant(member, b, points);
    }
    List<Dispatcher> dispatchers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      dispatchers.add(new Dispatcher(vertx, fx.app.pool(), QUIET, new OutboundTargets(true), Clock.systemUTC()));
    }
    AtomicBoolean running = new AtomicBoolean(true);
    List<Future<Void>> loops = dispatchers.stream().map(d -> loop(d, running)).toList();
    try {
      until(() -> receiver.at("/busy-a").size() >= 40 && receiver.at("/busy-b").size() >= 40, 30,
          "80 events delivered");
      Thread.sleep(300);
    } finally {
      running.set(false);
      await(Future.join(loops).transform(x -> Future.succeededFuture()));
      dispatchers.forEach(d -> await(d.close()));
    }
    for (String path : List.of("/busy-a", "/busy-b")) {
      List<Receiver.Arrival> got = receiver.at(path);
      assertEquals(40, got.size(), path + ": each event once (" + got.stream().map(Receiver.Arrival::eventId)
          .collect(Collectors.groupingBy(x -> x, Collectors.counting())).values().stream()
          .filter(n -> n > 1).count() + " sent more than once)");
      // Granted 1, 2, ..., 40 points in that order: the events' order.
      assertEquals(LongStream.rangeClosed(1, 40).boxed().toList(),
          got.stream().map(x -> x.body().getJsonObject("data").getLong("points")).toList(), path + ": in order");
      assertTrue(got.stream().allMatch(Receiver.Arrival::signatureValid));
    }
  }

  private Future<Void> loop(Dispatcher d, AtomicBoolean running) {
    if (!running.get()) {
      return Future.succeededFuture();
    }
    return d.runOnce().transform(x -> loop(d, running));
  }

  /**
   * An endpoint registered while private targets were allowed is checked again before each
   * delivery: a dispatcher that does not allow them sends nothing and logs why; one that does sends.
   */
  @Test
  void privateTargetsAreRefusedAtDeliveryTimeToo() throws InterruptedException {
    PosWorld.Till shop = w.shop("Guarded Café");
    JsonObject endpoint = register(shop, "/guarded");
    w.grant(w.member(), shop, 11);

    Dispatcher strict = new Dispatcher(vertx, fx.app.pool(), QUIET, new OutboundTargets(false),
        Clock.systemUTC());
    try {
      assertTrue(await(strict.runOnce()) >= 1, "the delivery was attempted");
    } finally {
      await(strict.close());
    }
    assertEquals(0, receiver.at("/guarded").size(), "nothing sent to 127.0.0.1");
    String path = "/v1/alliances/" + w.allianceId + "/webhooks/" + endpoint.getString("id") + "/deliveries";
    JsonObject delivery = expect(200, fx.get(path, shop.ownerToken())).getJsonArray("items").getJsonObject(0);
    assertEquals("pending", delivery.getString("status"));
    String error = delivery.getJsonArray("log").getJsonObject(0).getString("error");
    assertTrue(error.contains("non-public address 127.0.0.1"), error);

    Thread.sleep(200); // its backoff (at most 100 ms)
    Dispatcher allowing = new Dispatcher(vertx, fx.app.pool(), QUIET, new OutboundTargets(true), Clock.systemUTC());
    try {
      until(() -> {
        await(allowing.runOnce());
        return receiver.at("/guarded").size() == 1;
      }, 10, "sent once allowed");
    } finally {
      await(allowing.close());
    }
  }
}
