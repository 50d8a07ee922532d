package io.linkpoints.privacy;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The member's consents: opt-in by default, each change a row of the history, withdrawable. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsentsTest {
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

  private HttpResponse<Buffer> choose(Person p, Object purpose, boolean granted, String version) {
    return api.send(HttpMethod.PUT, "/v1/members/me/consents", p.token(),
        new JsonObject().put("purpose", purpose).put("granted", granted).put("textVersion", version));
  }

  private static JsonObject visitSharing(JsonObject consents) {
    JsonArray current = consents.getJsonArray("consents");
    assertEquals(1, current.size());
    return current.getJsonObject(0);
  }

  @Test
  void notConsentedUntilTheMemberChoosesThenEachChangeIsARowAndTheSameChoiceTwiceIsOne() {
    PosWorld w = new PosWorld(api, "consent");
    Person m = w.member();
    JsonObject none = expect(200, api.get("/v1/members/me/consents", m.token()));
    assertFalse(visitSharing(none).getBoolean("granted"));
    assertFalse(visitSharing(none).containsKey("recordedAt"));
    assertEquals("v1", visitSharing(none).getString("currentTextVersion"));
    assertEquals(0, none.getJsonArray("history").size());

    // Withdrawing what was never granted records nothing.
    assertEquals(0, expect(200, choose(m, "visit_sharing", false, "v1")).getJsonArray("history").size());
    JsonObject granted = expect(200, choose(m, "visit_sharing", true, "v1"));
    assertTrue(visitSharing(granted).getBoolean("granted"));
    assertEquals("v1", visitSharing(granted).getString("textVersion"));
    assertEquals(1, granted.getJsonArray("history").size());
    assertEquals(1, expect(200, choose(m, "visit_sharing", true, "v1")).getJsonArray("history").size());
    JsonObject withdrawn = expect(200, choose(m, "visit_sharing", false, "v1"));
    assertFalse(visitSharing(withdrawn).getBoolean("granted"));
    JsonArray history = withdrawn.getJsonArray("history");
    assertEquals(2, history.size());
    assertTrue(history.getJsonObject(0).getBoolean("granted"));
    assertFalse(history.getJsonObject(1).getBoolean("granted"));
    assertEquals(withdrawn, expect(200, api.get("/v1/members/me/consents", m.token())));

    // Bad input changes nothing: an old or unknown text version, an unknown purpose.
    assertEquals("validation_failed", problemCode(choose(m, "visit_sharing", true, "v0")));
    assertEquals("validation_failed", problemCode(choose(m, "marketing_calls", true, "v1")));
    assertEquals(2, expect(200, api.get("/v1/members/me/consents", m.token())).getJsonArray("history").size());
    // Only the member itself: no token, another member sees only its own.
    assertEquals(401, api.get("/v1/members/me/consents", null).statusCode());
    assertEquals(0, expect(200, api.get("/v1/members/me/consents", w.member().token())).getJsonArray("history")
        .size());
    w.assertLedgerOk();
  }

  /** Without the member row's lock each of the ten saw "not granted" and recorded a row (ten rows). */
  @Test
  void tenConcurrentGrantsRecordOneRow() throws Exception {
    PosWorld w = new PosWorld(api, "consent-race");
    Person m = w.member();
    ExecutorService pool = Executors.newFixedThreadPool(10);
    try {
      List<Callable<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        calls.add(() -> choose(m, "visit_sharing", true, "v1").statusCode());
      }
      for (Future<Integer> f : pool.invokeAll(calls)) {
        assertEquals(200, f.get());
      }
    } finally {
      pool.shutdown();
    }
    JsonArray history = expect(200, api.get("/v1/members/me/consents", m.token())).getJsonArray("history");
    assertEquals(1, history.size(), history.encode());
  }
}
