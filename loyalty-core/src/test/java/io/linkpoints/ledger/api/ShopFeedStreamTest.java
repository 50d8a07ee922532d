package io.linkpoints.ledger.api;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.EventStream;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The owner's live feed hears of a transfer when the ledger commits it, not at its next look:
 * the stream's own re-reads are five seconds apart, so an event that arrives well within that
 * came by the writer's announcement. Another shop's transfer is never in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShopFeedStreamTest {
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
    await(vertx.close());
  }

  @Test
  void aCommittedTransferReachesTheOpenStreamWithoutWaitingForAPoll() throws Exception {
    PosWorld world = new PosWorld(api, "feed");
    PosWorld.Till cafe = world.shop("Feed Café");
    PosWorld.Till books = world.shop("Feed Books");
    PosWorld.Person member = world.member();
    String feed = "/v1/alliances/" + world.allianceId + "/shops/" + cafe.shopId() + "/feed";
    EventStream seen = EventStream.open(vertx, api.app.port(), feed, cafe.ownerToken());
    waitFor(() -> seen.text().contains("keep-alive"), 10_000, "the stream's first look");
    Thread.sleep(500); // let that first read finish: what comes next can only come by announcement

    world.grant(member, books, 41); // another shop's: never in this feed
    world.grant(member, cafe, 77);
    waitFor(() -> seen.text().contains("\"points\":77"), 3_000, "the café's transfer, announced");
    assertTrue(seen.text().contains("\"kind\":\"issued\""), seen.text());
    assertFalse(seen.text().contains("\"points\":41"), seen.text());
    seen.close();
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, long millis, String what)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("gave up waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
