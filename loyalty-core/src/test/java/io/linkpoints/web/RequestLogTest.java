package io.linkpoints.web;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request's id follows it through every asynchronous hop (a worker, a timer, a PostgreSQL
 * round trip), so a log line written anywhere while serving it names it; concurrent requests on
 * one event loop never see each other's. Ids a caller sends are kept when sane, replaced when not.
 */
class RequestLogTest {
  @Test
  void theIdFollowsEachRequestAcrossAsyncHopsAndIsEchoed() {
    Vertx vertx = Vertx.vertx();
    Pool pool = TestDatabase.fresh().pool(vertx, 4);
    try {
      Router router = Router.router(vertx);
      router.route().handler(RequestLog::handle);
      router.get("/hop").handler(ctx -> {
        String first = RequestLog.currentId();
        vertx.executeBlocking(() -> "on a worker")
            .compose(v -> pool.query("/* test */ select pg_sleep(0.01)").execute())
            .compose(v -> {
              Future<String> timer = Future.future(p -> vertx.setTimer(5, id -> p.complete(RequestLog.currentId())));
              return timer;
            })
            .onSuccess(afterHops -> ctx.response().end(first + " " + afterHops))
            .onFailure(ctx::fail);
      });
      HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0));
      WebClient client = WebClient.create(vertx);
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        calls.add(client.get(server.actualPort(), "localhost", "/hop").putHeader(RequestLog.HEADER, "sale-" + i).send());
      }
      for (int i = 0; i < calls.size(); i++) {
        HttpResponse<Buffer> r = await(calls.get(i));
        assertEquals("sale-" + i, r.getHeader(RequestLog.HEADER));
        assertEquals("sale-" + i + " sale-" + i, r.bodyAsString(), "the id seen before and after the hops");
      }
      // None given, or one that could smuggle anything into a log line: a fresh one.
      for (String bad : new String[] {null, "two words", "x".repeat(65), "line\u2028break"}) {
        var request = client.get(server.actualPort(), "localhost", "/hop");
        if (bad != null) {
          request.putHeader(RequestLog.HEADER, bad);
        }
        HttpResponse<Buffer> r = await(request.send());
        String id = r.getHeader(RequestLog.HEADER);
        assertNotEquals(bad, id);
        assertTrue(id.matches("[0-9a-f]{16}"), id);
        assertEquals(id + " " + id, r.bodyAsString());
      }
      assertNull(RequestLog.currentId(), "outside a request there is none");
    } finally {
      await(pool.close());
      await(vertx.close());
    }
  }
}
