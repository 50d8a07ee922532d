package io.linkpoints.app;

import static io.linkpoints.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.linkpoints.ledger.Transfer;
import io.linkpoints.pos.Caller;
import io.linkpoints.qr.Lp2Code;
import io.linkpoints.testing.Phone;
import io.linkpoints.testing.PlatformProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole platform as an operator runs it ({@code Main}, a child JVM on a data folder of its
 * own, embedded PostgreSQL), under a load of accruals and redemptions from several tills, killed
 * with {@code kill -9} mid-load: first the Java process alone (its PostgreSQL left to fend for
 * itself), then the Java process and the postmaster together. After each kill it is started
 * again on the same folder and must be healthy without help; every acknowledged operation is in
 * the ledger exactly once; every operation left without an answer is resolved by {@code status}
 * and sent again with its key, after its member code has expired, to an answer that agrees with
 * the ledger; and the ledger's invariants hold.
 *
 * <p>Member codes are made by the test as a phone would show them near the end of their 60 s
 * (signed with the platform's own code keys from the data folder), so they expire a few seconds
 * after use and every in-flight operation is retried with an expired code.
 */
class CrashAndRestartTest {
  private static final String OPERATOR = PlatformProcess.OPERATOR;
  private static final int SHOPS = 1;
  private static final int TILLS_PER_SHOP = 4;
  private static final int WORKERS_PER_TILL = 3;
  private static final int MEMBERS = 24;
  /** Acknowledged operations per round before the kill: enough to be mid-load, few enough to stay quick. */
  private static final int OPS_BEFORE_KILL = 150;
  /** A code shown this long before the end of its life: it expires soon after the request that uses it. */
  /** Ten codes per phone and time step: enough for a round's sales of one member. */
  private static final int PHONES_PER_MEMBER = 3;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();
  private final List<Op> ops = new ArrayList<>();
  private PlatformProcess child;
  private Path data;
  private long allianceId;
  private String adminToken;
  private final List<Till> tills = new ArrayList<>();
  private final List<Member> members = new ArrayList<>();

  record Till(long shopId, long terminalId, String token) {
  }

  /**
   * A member and their phones. Codes are made for the oldest time step still accepted, so that
   * every code in flight at a crash has expired within 30 s of it: the retries then test that an
   * expired code ends as the ledger says.
   */
  record Member(long id, String handle, List<Phone> phones, Map<Long, Integer> shown) {
    synchronized String[] nextCode() {
      long step = Lp2Code.stepOf(Instant.now()) - io.linkpoints.platform.LinkpointsConfig.DEFAULT_CODE_STEP_WINDOW;
      int n = shown.merge(step, 1, Integer::sum) - 1;
      if (n >= phones.size() * Lp2Code.COUNTERS_PER_STEP) {
        throw new IllegalStateException("member " + id + " has shown all codes of step " + step);
      }
      String code = phones.get(n / Lp2Code.COUNTERS_PER_STEP).codeAt(step, n % Lp2Code.COUNTERS_PER_STEP);
      return new String[] {code, Lp2Code.stepStart(step + 1 + io.linkpoints.platform.LinkpointsConfig.DEFAULT_CODE_STEP_WINDOW).toString()};
    }
  }

  /** One POS request and what became of it. {@code status} 0: no answer (in flight when the process died). */
  static final class Op {
    final Till till;
    final String operation;
    final String key = UUID.randomUUID().toString();
    final JsonObject body;
    final Member member;
    final Instant codeExpires;
    volatile int status;
    volatile JsonObject answer;

    Op(Till till, String operation, JsonObject body, Member member, Instant codeExpires) {
      this.till = till;
      this.operation = operation;
      this.body = body;
      this.member = member;
      this.codeExpires = codeExpires;
    }

    boolean acknowledged() {
      return status >= 200 && status < 500;
    }
  }

  @Test
  void killedMidLoadItComesBackAloneAndEveryOperationEndsAsTheLedgerSays(@TempDir Path dir) throws Exception {
    data = dir.resolve("data");
    long t0 = System.nanoTime();
    child = PlatformProcess.start(data);
    System.out.printf("crash-test first start %.1f s%n", (System.nanoTime() - t0) / 1e9);
    try {
      buildWorld();
      System.out.printf("crash-test world built %.1f s%n", (System.nanoTime() - t0) / 1e9);
      round(1, false);
      round(2, true);
    } finally {
      child.destroy();
      child.stopOrphanedPostgres();
    }
  }

  private void round(int round, boolean postgresToo) throws Exception {
    int before = ops.size();
    long load = System.nanoTime();
    List<Op> inFlight = loadThenKill(postgresToo);
    long started = System.nanoTime();
    System.out.printf("crash-test round %d: load and kill %.1f s%n", round, (started - load) / 1e9);
    child = PlatformProcess.start(data);
    double secondsToHealthy = (System.nanoTime() - started) / 1e9;
    // Every code used by an operation left in flight has expired by now, or soon: wait for it.
    Instant lastCode = inFlight.stream().map(op -> op.codeExpires).filter(e -> e != null).max(Instant::compareTo)
        .orElse(Instant.EPOCH);
    until(() -> Instant.now().isAfter(lastCode.plusSeconds(1)), 40, "the codes expired");

    Map<String, Integer> resolved = new java.util.TreeMap<>();
    for (Op op : inFlight) {
      JsonObject status = getJson(child.port, "/v1/alliances/" + allianceId + "/shops/" + op.till.shopId()
          + "/pos/requests/" + op.key, op.till.token());
      String state = status.getString("state");
      HttpResponse<String> again = send(child.port, op);
      if ("completed".equals(state)) {
        assertEquals(status.getInteger("statusCode"), again.statusCode(), "a completed call answers as it was stored");
        JsonObject replayed = new JsonObject(again.body());
        replayed.remove("instance"); // a problem's instance is the path it was sent to, added to each answer
        assertEquals(status.getJsonObject("response"), replayed);
      }
      assertTrue(again.statusCode() < 500, "the retry of " + op.operation + " " + op.key + " got " + again.statusCode()
          + ": " + again.body());
      op.status = again.statusCode();
      op.answer = new JsonObject(again.body());
      resolved.merge(op.operation + " " + state + " -> " + (op.status < 300 ? "" + op.status
          : op.status + " " + op.answer.getString("code")), 1, Integer::sum);
    }
    // Every answered call of the round, sent again with its key: the same answer, nothing applied twice.
    // When PostgreSQL died too, an outcome recorded without waiting for the disk in its last
    // moments may be gone: the call is then run again, to the same ids and points, with the
    // balance as it is now.
    for (Op op : ops.subList(before, ops.size())) {
      if (inFlight.contains(op)) {
        continue;
      }
      HttpResponse<String> again = send(child.port, op);
      JsonObject body = new JsonObject(again.body());
      JsonObject first = op.answer.copy();
      boolean replayed = "true".equals(again.headers().firstValue("Idempotent-Replayed").orElse(null));
      if (postgresToo && !replayed) {
        first.remove("availablePoints");
        body.remove("availablePoints");
      }
      assertEquals(op.status, again.statusCode(), op.operation + " " + op.key + " answered again: " + again.body());
      assertEquals(first, body, op.operation + " " + op.key + " answered again");
      assertTrue(replayed || postgresToo, op.operation + " " + op.key + " was replayed from its record");
    }
    System.out.printf("crash-test round %d: in-flight resolved %.1f s after the restart%n", round,
        (System.nanoTime() - started) / 1e9);
    int checked = checkLedger();
    List<Op> answered = ops.subList(before, ops.size()).stream().filter(op -> !inFlight.contains(op)).toList();
    System.out.printf("crash-test round=%d kill=%s answered_2xx=%d answered_4xx=%d in_flight=%d checked_total=%d"
        + " seconds_to_healthy=%.1f resolved=%s%n", round, postgresToo ? "java+postgres" : "java",
        answered.stream().filter(op -> op.status < 300).count(), answered.stream().filter(op -> op.status >= 400).count(),
        inFlight.size(), checked, secondsToHealthy, resolved);
  }

  // ---- the load, and the kill

  private List<Op> loadThenKill(boolean postgresToo) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger acknowledged = new AtomicInteger();
    ConcurrentLinkedQueue<Op> done = new ConcurrentLinkedQueue<>();
    ExecutorService workers = Executors.newFixedThreadPool(tills.size() * WORKERS_PER_TILL);
    int port = child.port;
    for (Till till : tills) {
      for (int w = 0; w < WORKERS_PER_TILL; w++) {
        long seed = 31L * till.terminalId() + w + ops.size();
        workers.submit(() -> work(till, port, new Random(seed), stop, acknowledged, done));
      }
    }
    until(() -> acknowledged.get() >= OPS_BEFORE_KILL, 60, OPS_BEFORE_KILL + " operations were acknowledged");
    child.kill(postgresToo);
    stop.set(true);
    workers.shutdown();
    assertTrue(workers.awaitTermination(60, TimeUnit.SECONDS), "the tills stopped");
    ops.addAll(done);
    return done.stream().filter(op -> !op.acknowledged()).toList();
  }

  /** A till's worker: sales and redemptions until the platform stops answering (then it stops too). */
  private void work(Till till, int port, Random random, AtomicBoolean stop, AtomicInteger acknowledged,
      ConcurrentLinkedQueue<Op> done) {
    while (!stop.get()) {
      Member m = members.get(random.nextInt(members.size()));
      Op first;
      if (random.nextInt(10) < 6) {
        first = withCode(till, "accrue", m, new JsonObject().put("spendFen", 100 + random.nextInt(5000)));
      } else {
        first = withCode(till, "reserve", m, new JsonObject().put("points", 1 + random.nextInt(20)));
      }
      if (!attempt(first, port, acknowledged, done) || !"reserve".equals(first.operation) || first.status != 200) {
        if (first.status == 0) {
          return;
        }
        continue;
      }
      long held = first.answer.getLong("points");
      Op commit = new Op(till, "commit", new JsonObject().put("holdId", first.answer.getString("holdId"))
          .put("points", 1 + random.nextInt((int) held)), m, null);
      if (!attempt(commit, port, acknowledged, done) && commit.status == 0) {
        return;
      }
    }
  }

  private Op withCode(Till till, String operation, Member m, JsonObject body) {
    String[] code = m.nextCode();
    return new Op(till, operation, body.put("memberCode", code[0]), m, Instant.parse(code[1]));
  }

  /** Sends it once; true if it got a 2xx. A 5xx or no answer leaves it in flight (status 0). */
  private boolean attempt(Op op, int port, AtomicInteger acknowledged, ConcurrentLinkedQueue<Op> done) {
    done.add(op);
    try {
      HttpResponse<String> r = send(port, op);
      if (r.statusCode() >= 500) {
        return false;
      }
      op.answer = new JsonObject(r.body());
      op.status = r.statusCode();
      acknowledged.incrementAndGet();
      return r.statusCode() < 300;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private HttpResponse<String> send(int port, Op op) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/alliances/" + allianceId
            + "/shops/" + op.till.shopId() + "/pos/" + op.operation))
        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + op.till.token())
        .header("Idempotency-Key", op.key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(op.body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  // ---- the check

  /**
   * Every operation with an answer against the ledger, read straight from the platform's database:
   * a success is there once, with its amount; a refusal left nothing; each wallet's posted totals
   * are exactly the answered earns and commits; and the platform's own invariant check is green.
   */
  private int checkLedger() throws Exception {
    Map<UUID, long[]> transfers = new HashMap<>(); // id -> amount, flags, credit account
    Map<Long, long[]> wallets = new HashMap<>(); // member -> credits posted, debits posted
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + child.dbPort + "/linkpoints?user=postgres");
         Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("/* test */ select id, amount, flags, credit_account_id from ledger_transfer"
          + " where alliance_id = " + allianceId)) {
        while (rs.next()) {
          transfers.put(rs.getObject(1, UUID.class), new long[] {rs.getLong(2), rs.getInt(3), rs.getLong(4)});
        }
      }
      try (ResultSet rs = s.executeQuery("/* test */ select owner_id, credits_posted, debits_posted, id from ledger_account"
          + " where alliance_id = " + allianceId + " and kind = 'member_wallet'")) {
        while (rs.next()) {
          wallets.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4)});
        }
      }
    }
    Map<Long, long[]> expected = new HashMap<>();
    int checked = 0;
    for (Op op : ops) {
      if (!op.acknowledged()) {
        fail(op.operation + " " + op.key + " was never resolved");
      }
      Caller caller = new Caller(allianceId, op.till.shopId(), op.till.terminalId());
      long[] sums = expected.computeIfAbsent(op.member.id(), k -> new long[2]);
      boolean ok = op.status == 200;
      switch (op.operation) {
        case "accrue" -> {
          UUID id = caller.derive(op.key, "earn");
          long points = ok ? op.answer.getLong("points") : 0;
          if (points > 0) {
            long[] t = transfers.get(id);
            assertTrue(t != null && t[0] == points && t[2] == wallets.get(op.member.id())[2],
                "earn " + op.key + " of " + points + " is in the ledger: " + op.answer);
            sums[0] += points;
          } else {
            assertTrue(!transfers.containsKey(id), "refused or pointless earn " + op.key + " left nothing: " + op.answer);
          }
        }
        case "reserve" -> {
          long[] t = transfers.get(caller.derive(op.key, "hold"));
          if (ok) {
            assertTrue(t != null && t[0] == op.answer.getLong("points") && (t[1] & Transfer.PENDING) != 0,
                "hold " + op.key + " is in the ledger: " + op.answer);
          } else {
            assertTrue(t == null, "refused reserve " + op.key + " left nothing: " + op.answer);
          }
        }
        case "commit" -> {
          long[] t = transfers.get(caller.derive(op.key, "commit"));
          if (ok) {
            assertTrue(t != null && t[0] == op.answer.getLong("points"), "commit " + op.key + " is in the ledger: " + op.answer);
            sums[1] += op.answer.getLong("points");
          } else {
            assertTrue(t == null, "refused commit " + op.key + " left nothing: " + op.answer);
          }
        }
        default -> fail(op.operation);
      }
      checked++;
    }
    for (Member m : members) {
      long[] want = expected.getOrDefault(m.id(), new long[2]);
      long[] has = wallets.get(m.id());
      assertEquals(want[0], has[0], "member " + m.id() + ": posted credits are exactly the answered earns");
      assertEquals(want[1], has[1], "member " + m.id() + ": posted debits are exactly the answered commits");
    }
    JsonObject invariants = getJson(child.port, "/v1/admin/ledger/check", adminToken);
    assertTrue(invariants.getBoolean("ok"), invariants.encodePrettily());
    return checked;
  }

  // ---- the world, built through the API

  private void buildWorld() throws Exception {
    int port = child.port;
    allianceId = postJson(port, "/v1/operator/alliances", OPERATOR, new JsonObject().put("name", "Crash Street")
        .put("timeZone", "Asia/Shanghai").put("admin", new JsonObject().put("username", "crash-admin")
            .put("password", "admin-password-1")), 201).getLong("id");
    adminToken = signIn(port, "crash-admin", "admin-password-1");
    for (int s = 1; s <= SHOPS; s++) {
      long shop = postJson(port, "/v1/alliances/" + allianceId + "/shops", adminToken, new JsonObject()
          .put("name", "Shop " + s).put("owner", new JsonObject().put("username", "crash-owner" + s)
              .put("password", "owner-password-1")), 201).getLong("id");
      String owner = signIn(port, "crash-owner" + s, "owner-password-1");
      for (int t = 1; t <= TILLS_PER_SHOP; t++) {
        String secret = postJson(port, "/v1/alliances/" + allianceId + "/shops/" + shop + "/terminals", owner,
            new JsonObject().put("name", "till " + t), 201).getString("enrolmentSecret");
        JsonObject enrolled = postJson(port, "/v1/terminals/enrol", null, new JsonObject().put("enrolmentSecret", secret), 200);
        tills.add(new Till(shop, enrolled.getLong("terminalId"), enrolled.getString("accessToken")));
      }
    }
    for (int i = 0; i < MEMBERS; i++) {
      String phone = String.format("+8613700%06d", i);
      postJson(port, "/v1/alliances/" + allianceId + "/members/sign-in/code", null, new JsonObject().put("phone", phone), 202);
      String code = child.awaitLog(Pattern.compile("sign-in code for \\Q" + phone + "\\E in alliance " + allianceId
          + " is (\\S+)"));
      JsonObject signedIn = postJson(port, "/v1/alliances/" + allianceId + "/members/sign-in", null,
          new JsonObject().put("phone", phone).put("code", code), 200);
      JsonObject member = signedIn.getJsonObject("member");
      List<Phone> phones = new ArrayList<>();
      for (int p = 0; p < PHONES_PER_MEMBER; p++) {
        JsonObject bound = postJson(port, "/v1/members/me/devices", signedIn.getString("accessToken"),
            new JsonObject().put("label", "phone " + p), 201);
        phones.add(new Phone(bound.getJsonObject("device").getLong("id"),
            java.util.Base64.getUrlDecoder().decode(bound.getString("secret")), Clock.systemUTC()));
      }
      members.add(new Member(member.getLong("id"), member.getString("handle"), phones, new HashMap<>()));
    }
    // Something to spend: each member's first sale, acknowledged like any other.
    for (Member m : members) {
      Op seed = withCode(tills.get(0), "accrue", m, new JsonObject().put("spendFen", 50_000));
      HttpResponse<String> r = send(port, seed);
      assertEquals(200, r.statusCode(), r.body());
      seed.status = 200;
      seed.answer = new JsonObject(r.body());
      ops.add(seed);
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
}
