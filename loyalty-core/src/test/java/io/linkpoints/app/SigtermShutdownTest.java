package io.linkpoints.app;

import static io.linkpoints.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.qr.Lp2Code;
import io.linkpoints.testing.Phone;
import io.linkpoints.testing.PlatformProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform as an operator runs it ({@code Main} in a child JVM, embedded PostgreSQL), sent
 * SIGTERM ({@code Process.destroy()}) while tills stream accruals at it. It must exit 0 within a
 * bound, having stopped in order; every request that reached it (it holds an idempotency record)
 * got an answer, 200 or a refusal the till may retry; nothing else got a 5xx it could not retry
 * or a 4xx; and after a restart on the same folder every sale answered 200 is in the ledger, once,
 * and the ledger adds up.
 */
class SigtermShutdownTest {
  /** The operator token {@link PlatformProcess} starts the platform with. */
  private static final String OPERATOR = PlatformProcess.OPERATOR;
  private static final int SENDERS = 6;
  private static final int ACKS_BEFORE_SIGTERM = 40;
  /** In-flight grace (10 s), ledger drain, pools, PostgreSQL's fast stop; far more than they take. */
  private static final int EXIT_WITHIN_SECONDS = 40;
  private static final Set<String> RETRYABLE = Set.of("unavailable", "ledger_unavailable", "ledger_busy");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();
  private long allianceId;
  private long shopId;
  private long terminalId;
  private String tillToken;
  private String adminToken;
  private final List<Phone> phones = new ArrayList<>();
  private final Map<Long, Integer> shown = new HashMap<>();

  /** One accrual as a till sends it; {@code status} 0: no HTTP answer (refused at the door, or cut). */
  static final class Sale {
    final String key = UUID.randomUUID().toString();
    final JsonObject body;
    volatile long sentNanos;
    volatile long answeredNanos;
    volatile int status;
    volatile JsonObject answer;
    volatile String failure;

    Sale(JsonObject body) {
      this.body = body;
    }
  }

  @Test
  void sigtermMidStreamAnswersWhatReachedItKeepsWhatItAcknowledgedAndExitsZero(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    PlatformProcess child = PlatformProcess.start(data);
    try {
      buildWorld(child);
      ConcurrentLinkedQueue<Sale> sales = new ConcurrentLinkedQueue<>();
      AtomicInteger acknowledged = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> tills = new ArrayList<>();
      for (int i = 0; i < SENDERS; i++) {
        Thread t = new Thread(() -> sell(child.port, sales, acknowledged, stop), "till-" + i);
        tills.add(t);
        t.start();
      }
      until(() -> acknowledged.get() >= ACKS_BEFORE_SIGTERM, 60,
          ACKS_BEFORE_SIGTERM + " sales acknowledged");

      long sigterm = System.nanoTime();
      child.process.destroy(); // SIGTERM
      boolean exited = child.process.waitFor(EXIT_WITHIN_SECONDS, TimeUnit.SECONDS);
      double exitSeconds = (System.nanoTime() - sigterm) / 1e9;
      stop.set(true);
      for (Thread t : tills) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
      assertTrue(exited, "the platform exited within " + EXIT_WITHIN_SECONDS + " s of SIGTERM");
      String log = Files.readString(child.log);
      assertEquals(0, child.process.exitValue(), "exit status after SIGTERM:\n" + tail(log));
      int stopping = log.lastIndexOf("Stopping: no new requests");
      assertTrue(stopping >= 0 && log.indexOf("Stopped", stopping + 10) > stopping, "stopped in order:\n" + tail(log));
      assertFalse(log.contains("these steps failed"), tail(log));

      // What the tills saw: 200; a refusal they may retry; or no answer (the door was shut).
      Map<String, Integer> seen = new TreeMap<>();
      int answeredAfterSigterm = 0;
      for (Sale s : sales) {
        String what = s.status == 0 ? "no answer" : s.status == 200 ? "200"
            : s.status + " " + (s.answer == null ? "?" : s.answer.getString("code"));
        seen.merge(what, 1, Integer::sum);
        assertTrue(s.status == 0 || s.status == 200
            || s.status >= 500 && s.answer != null && RETRYABLE.contains(s.answer.getString("code")),
            "a sale got " + what + ": " + s.answer);
        if (s.status == 200 && s.answeredNanos > sigterm) {
          answeredAfterSigterm++;
        }
      }
      assertTrue(answeredAfterSigterm > 0, "sales in flight at SIGTERM were answered: " + seen);

      // Restarted on the same folder: every 200 is in the ledger once; what reached it was answered.
      PlatformProcess again = PlatformProcess.start(data);
      try (Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + again.dbPort
          + "/linkpoints?user=postgres");
           PreparedStatement transfer = db.prepareStatement(
               "/* test */ select count(*), min(amount) from ledger_transfer where alliance_id = ? and id = ?");
           PreparedStatement request = db.prepareStatement(
               "/* test */ select count(*) from pos_request where alliance_id = ? and terminal_id = ? and idempotency_key = ?")) {
        int checked = 0;
        for (Sale s : sales) {
          if (s.status == 200 && s.answer.getLong("points") > 0) {
            transfer.setLong(1, allianceId);
            transfer.setObject(2, UUID.fromString(s.answer.getString("accrualId")));
            try (ResultSet rs = transfer.executeQuery()) {
              rs.next();
              assertEquals(1, rs.getLong(1), "acknowledged sale " + s.key + " is in the ledger once");
              assertEquals(s.answer.getLong("points").longValue(), rs.getLong(2), "sale " + s.key);
            }
            checked++;
          }
          if (s.status == 0) {
            request.setLong(1, allianceId);
            request.setLong(2, terminalId);
            request.setString(3, s.key);
            try (ResultSet rs = request.executeQuery()) {
              rs.next();
              assertEquals(0, rs.getLong(1), "sale " + s.key + " reached the service yet got no answer ("
                  + s.failure + ")");
            }
          }
        }
        assertTrue(checked >= ACKS_BEFORE_SIGTERM, "acknowledged sales with points checked: " + checked);
        JsonObject invariants = getJson(again.port, "/v1/admin/ledger/check", adminToken);
        assertTrue(invariants.getBoolean("ok"), invariants.encodePrettily());
        System.out.printf("SIGTERM mid-stream: exit 0 in %.1f s; %d sales sent: %s; %d answered 200 after SIGTERM;"
            + " %d acknowledged sales found in the ledger after a restart%n", exitSeconds, sales.size(), seen,
            answeredAfterSigterm, checked);
      } finally {
        again.destroy();
        again.stopOrphanedPostgres();
      }
    } finally {
      if (child.process.isAlive()) {
        child.destroy();
      }
      child.stopOrphanedPostgres();
    }
  }

  /** A till: accruals one after another, each with a fresh member code, until the platform is gone. */
  private void sell(int port, ConcurrentLinkedQueue<Sale> sales, AtomicInteger acknowledged, AtomicBoolean stop) {
    while (!stop.get()) {
      Sale sale = new Sale(new JsonObject().put("memberCode", nextCode()).put("spendFen", 5_000));
      sales.add(sale);
      sale.sentNanos = System.nanoTime();
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/alliances/" + allianceId + "/shops/" + shopId + "/pos/accrue"))
            .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + tillToken)
            .header("Idempotency-Key", sale.key).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(sale.body.encode())).build(), HttpResponse.BodyHandlers.ofString());
        sale.answeredNanos = System.nanoTime();
        sale.answer = r.body().isEmpty() ? null : new JsonObject(r.body());
        sale.status = r.statusCode();
        if (r.statusCode() == 200) {
          acknowledged.incrementAndGet();
        }
      } catch (IOException e) {
        sale.failure = e.toString();
        return; // the platform is going: a till would queue the sale and retry it later
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** A code of the member's phones for now or the next 30 s step (both accepted), each used once. */
  private synchronized String nextCode() {
    long step = Lp2Code.stepOf(Instant.now());
    for (long s = step; s <= step + 1; s++) {
      int n = shown.merge(s, 1, Integer::sum) - 1;
      if (n < phones.size() * Lp2Code.COUNTERS_PER_STEP) {
        return phones.get(n / Lp2Code.COUNTERS_PER_STEP).codeAt(s, n % Lp2Code.COUNTERS_PER_STEP);
      }
    }
    throw new IllegalStateException("the member's phones have shown all their codes for now");
  }

  private void buildWorld(PlatformProcess child) throws Exception {
    int port = child.port;
    allianceId = postJson(port, "/v1/operator/alliances", OPERATOR, new JsonObject().put("name", "Closing Street")
        .put("timeZone", "Asia/Shanghai").put("admin", new JsonObject().put("username", "term-admin")
            .put("password", "admin-password-1")), 201).getLong("id");
    adminToken = signIn(port, "term-admin", "admin-password-1");
    shopId = postJson(port, "/v1/alliances/" + allianceId + "/shops", adminToken, new JsonObject()
        .put("name", "Last Orders").put("owner", new JsonObject().put("username", "term-owner")
            .put("password", "owner-password-1")), 201).getLong("id");
    String owner = signIn(port, "term-owner", "owner-password-1");
    String secret = postJson(port, "/v1/alliances/" + allianceId + "/shops/" + shopId + "/terminals", owner,
        new JsonObject().put("name", "till"), 201).getString("enrolmentSecret");
    JsonObject enrolled = postJson(port, "/v1/terminals/enrol", null, new JsonObject().put("enrolmentSecret", secret), 200);
    terminalId = enrolled.getLong("terminalId");
    tillToken = enrolled.getString("accessToken");
    String phone = "+8613900000001";
    postJson(port, "/v1/alliances/" + allianceId + "/members/sign-in/code", null, new JsonObject().put("phone", phone), 202);
    String code = child.awaitLog(Pattern.compile("sign-in code for \\Q" + phone + "\\E in alliance " + allianceId
        + " is (\\S+)"));
    String member = postJson(port, "/v1/alliances/" + allianceId + "/members/sign-in", null,
        new JsonObject().put("phone", phone).put("code", code), 200).getString("accessToken");
    for (int p = 0; p < io.linkpoints.member.MemberDevices.MAX_ACTIVE; p++) {
      JsonObject bound = postJson(port, "/v1/members/me/devices", member, new JsonObject().put("label", "phone " + p), 201);
      phones.add(new Phone(bound.getJsonObject("device").getLong("id"),
          Base64.getUrlDecoder().decode(bound.getString("secret")), Clock.systemUTC()));
    }
  }

  private String signIn(int port, String username, String password) throws Exception {
    return postJson(port, "/v1/alliances/" + allianceId + "/staff/sign-in", null,
        new JsonObject().put("username", username).put("password", password), 200).getString("accessToken");
  }

  private JsonObject postJson(int port, String path, String token, JsonObject body, int expected) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(expected, r.statusCode(), path + ": " + r.body());
    return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
  }

  private JsonObject getJson(int port, String path, String token) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return new JsonObject(r.body());
  }

  private static String tail(String log) {
    return log.substring(Math.max(0, log.length() - 4_000));
  }
}
