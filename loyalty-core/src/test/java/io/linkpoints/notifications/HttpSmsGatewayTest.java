package io.linkpoints.notifications;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.ManualClock;
import io.linkpoints.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SMS gateway contract with a local gateway that checks what a real one would: the JSON body
 * and the HMAC-SHA256 signature over the timestamp and the body, computed here on its own.
 */
class HttpSmsGatewayTest {
  private static final String SECRET = "gateway-shared-secret";
  private static final Pattern SIGNATURE = Pattern.compile("^t=(\\d+),v1=([0-9a-f]{64})$");

  private Vertx vertx;
  private HttpServer gateway;
  private HttpClient http;
  private final List<JsonObject> accepted = new CopyOnWriteArrayList<>();
  private volatile int answer = 200;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    gateway = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      Matcher m = SIGNATURE.matcher(String.valueOf(req.getHeader(HttpSmsGateway.SIGNATURE_HEADER)));
      boolean signed = m.matches() && m.group(2).equals(hmac(m.group(1) + "." + body.toString(StandardCharsets.UTF_8)));
      if (!signed) {
        req.response().setStatusCode(401).end();
        return;
      }
      accepted.add(body.toJsonObject().put("t", Long.parseLong(m.group(1))));
      req.response().setStatusCode(answer).end();
    })).listen(0, "127.0.0.1"));
    http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private static String hmac(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends from an event loop, as the delivery job does: a send begun on the test's own thread may
   * see the answer arrive before its body handler is set, and wait for ever.
   */
  private io.vertx.core.Future<Void> send(HttpSmsGateway gateway, String template, Map<String, String> params) {
    io.vertx.core.Promise<Void> sent = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> gateway.send("+8613800138000", template, params).onComplete(sent));
    return sent.future();
  }

  private HttpSmsGateway sender(String secret) {
    return new HttpSmsGateway(http, "http://127.0.0.1:" + gateway.actualPort() + "/sms", secret,
        new ManualClock(Instant.parse("2026-12-07T10:00:00Z")));
  }

  @Test
  void aSignedMessageArrivesAsTheContractSays() {
    await(send(sender(SECRET), "points_expiring", Map.of("points", "500", "expiresOn", "2027-01-01")));
    assertEquals(1, accepted.size());
    JsonObject got = accepted.get(0);
    assertEquals("+8613800138000", got.getString("to"));
    assertEquals("points_expiring", got.getString("template"));
    assertEquals(new JsonObject().put("points", "500").put("expiresOn", "2027-01-01"), got.getJsonObject("params"));
    assertEquals(Instant.parse("2026-12-07T10:00:00Z").getEpochSecond(), got.getLong("t"));
  }

  @Test
  void aWrongSecretIsRefusedForGoodAndA503IsLeftToRetry() throws InterruptedException {
    Throwable wrong = Await.failure(send(sender("not-the-secret"), "x", Map.of()));
    assertInstanceOf(SmsSender.Rejected.class, wrong, "a 401 is not retried");
    answer = 503;
    Throwable busy = Await.failure(send(sender(SECRET), "x", Map.of()));
    assertTrue(!(busy instanceof SmsSender.Rejected), "a 503 is retried: " + busy);
    assertEquals(1, accepted.size());
  }
}
