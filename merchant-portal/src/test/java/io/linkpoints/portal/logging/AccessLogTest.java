package io.linkpoints.portal.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.web.RequestLog;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The access log as a collector receives it: one JSON line per request with its id (the one the
 * till sent), method, route template, status, duration and kind of caller, and nothing secret:
 * not the terminal's token, not the member's code, not the phone number.
 */
class AccessLogTest {
  /** Encodes each event as it is logged, on the logging thread, as the console appender does. */
  private static final class JsonCapture extends AppenderBase<ILoggingEvent> {
    final List<JsonObject> lines = new CopyOnWriteArrayList<>();
    final JsonLines encoder = new JsonLines();

    @Override
    protected void append(ILoggingEvent event) {
      String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
      assertTrue(line.endsWith("\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
      lines.add(new JsonObject(line));
    }
  }

  @Test
  void aSaleLeavesOneJsonAccessLineWithItsRequestIdAndNoSecrets() throws Exception {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger access = logback.getLogger(RequestLog.ACCESS_LOGGER);
    JsonCapture capture = new JsonCapture();
    capture.setContext(logback);
    capture.encoder.setContext(logback);
    capture.encoder.start();
    capture.start();
    Level before = access.getLevel();
    access.setLevel(Level.INFO);
    access.addAppender(capture);
    Vertx vertx = Vertx.vertx();
    try (ApiFixture api = new ApiFixture(vertx)) {
      PosWorld world = new PosWorld(api, "access-log");
      PosWorld.Till till = world.shop("Logged café");
      PosWorld.Person member = world.member();
      String code = world.code(member);
      String path = "/v1/alliances/" + world.allianceId + "/shops/" + till.shopId() + "/pos/accrue";
      var answer = api.send(HttpMethod.POST, path, till.token(), new JsonObject().put("memberCode", code)
          .put("spendFen", 1800), Map.of("Idempotency-Key", PosWorld.key(), RequestLog.HEADER, "till-7-sale-42"));
      assertEquals(200, answer.statusCode());
      assertEquals("till-7-sale-42", answer.getHeader(RequestLog.HEADER));

      JsonObject line = null;
      for (int i = 0; i < 100 && line == null; i++) {
        line = capture.lines.stream().filter(l -> "till-7-sale-42".equals(l.getString("requestId"))).findFirst()
            .orElse(null);
        if (line == null) {
          Thread.sleep(20);
        }
      }
      assertTrue(line != null, "no access line for the sale among " + capture.lines);
      assertEquals("POST", line.getString("method"));
      assertEquals("/v1/alliances/{allianceId}/shops/{shopId}/pos/accrue", line.getString("route"));
      assertEquals(200, line.getInteger("status"));
      assertEquals("terminal", line.getString("caller"));
      assertTrue(line.getLong("durationMs") >= 0);
      assertEquals("INFO", line.getString("level"));
      assertEquals(RequestLog.ACCESS_LOGGER, line.getString("logger"));
      String all = capture.lines.toString();
      assertFalse(all.contains(till.token()), "a token in the access log");
      assertFalse(all.contains(code), "a member code in the access log");
      assertFalse(all.contains(world.phoneNumber(member)), "a phone number in the access log");
      assertFalse(all.contains(String.valueOf(world.allianceId) + "/shops"), "a path with ids in the access log");
    } finally {
      access.detachAppender(capture);
      access.setLevel(before);
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
