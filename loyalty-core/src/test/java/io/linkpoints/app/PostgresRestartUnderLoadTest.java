package io.linkpoints.app;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.DatabaseProvisioner;
import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.EmbeddedPostgresServer;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL server the platform uses is stopped and started again while tills sell and
 * redeem. The platform comes back by itself; while the database is away every call is answered
 * at once with 503 {@code ledger_unavailable} (never a 500, never a hang); every call the tills
 * saw acknowledged is in the ledger exactly once; every call they did not is retried with its
 * key and ends in what the ledger holds; and the ledger adds up.
 */
class PostgresRestartUnderLoadTest {
  private static final int TILLS = 3;
  private static final int MEMBERS = 12;
  /** No call may take longer than this: a hang is a failure. */
  private static final int CALL_TIMEOUT_MS = 20_000;

  enum Phase { BEFORE, OUTAGE, RESTARTED, HEALTHY }

  /** One POS call as a till makes it: its key and body stay the same however often it is sent. */
  static final class Call {
    final Till till;
    final String operation;
    final String key = UUID.randomUUID().toString();
    final JsonObject body;
    volatile JsonObject answer; // the 200 body, once acknowledged

    Call(Till till, String operation, JsonObject body) {
      this.till = till;
      this.operation = operation;
      this.body = body;
    }
  }

  record Seen(int round, Phase phase, int status, String code, long millis) {
  }

  private volatile Phase phase = Phase.BEFORE;
  private volatile int round;
  private volatile boolean selling = true;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Call> acknowledged = new ConcurrentLinkedQueue<>();
  /** Calls not acknowledged when first sent (with the hold id for a redemption's commit still owed). */
  private final ConcurrentLinkedQueue<Call> unanswered = new ConcurrentLinkedQueue<>();
  private final AtomicInteger acknowledgedSinceHealthy = new AtomicInteger();

  @Test
  void thePlatformRidesOutAPostgresRestartAndLosesNothingItAcknowledged(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data, false);
    int port = pg.port();
    DatabaseProvisioner.createDatabaseIfMissing(pg.jdbcUrl("postgres"), DatabaseProvisioner.DATABASE);
    String jdbc = pg.jdbcUrl(DatabaseProvisioner.DATABASE);
    Vertx vertx = Vertx.vertx();
    ApiFixture api = new ApiFixture(vertx, DatabaseTarget.fromUrl(pg.url(DatabaseProvisioner.DATABASE)));
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(api.app.port()));
    List<Thread> tillThreads = new ArrayList<>();
    try {
      PosWorld world = new PosWorld(api, "restart");
      List<Till> tills = new ArrayList<>();
      for (int i = 0; i < TILLS; i++) {
        tills.add(world.shop("Shop " + i));
      }
      List<Person> members = new ArrayList<>();
      for (int i = 0; i < MEMBERS; i++) {
        Person p = world.member();
        world.grant(p, tills.get(0), 1_000_000);
        // Bound before the load: binding needs the database, and this test's clock stands still,
        // so each phone shows its ten codes once.
        for (int phone = 0; phone < 10; phone++) {
          world.bindPhone(p, "phone " + phone);
        }
        members.add(p);
      }
      for (Till till : tills) {
        Thread t = new Thread(() -> sell(client, world, till, members), "till-" + till.shopId());
        tillThreads.add(t);
        t.start();
      }
      List<String> rounds = new ArrayList<>();
      for (String how : List.of("fast", "immediate")) {
        int ackedBefore = acknowledged.size();
        until(() -> acknowledged.size() >= ackedBefore + 30, 120, "30 calls acknowledged before stopping");
        round++;
        long stopping = System.nanoTime();
        phase = Phase.OUTAGE;
        int before = seen.size();
        if (how.equals("fast")) {
          pg.close(); // pg_ctl stop -m fast: connections cut, batches in flight included
        } else {
          kill(pg.pid(), "QUIT"); // immediate shutdown: as a crash, recovery from the WAL at the next start
          long crashed = pg.pid();
          until(() -> ProcessHandle.of(crashed).map(h -> !h.isAlive()).orElse(true), 60, "PostgreSQL is gone");
        }
        until(() -> health(client) == 503, 60, "/health says the database is down");
        until(() -> seen.size() >= before + 20 && System.nanoTime() - stopping > TimeUnit.SECONDS.toNanos(3), 60,
            "20 calls answered while the database is down, for 3 s at least");
        EmbeddedPostgresServer old = pg;
        pg = EmbeddedPostgresServer.start(data, false, port);
        old.close(); // only retires its watchdog: the folder's server is the new one
        long restarted = System.nanoTime();
        phase = Phase.RESTARTED;
        until(() -> health(client) == 200, 60, "/health says up again");
        long healthy = System.nanoTime();
        phase = Phase.HEALTHY;
        int r = round;
        rounds.add(String.format("%s stop: down %.1f s, /health up %.2f s after PostgreSQL was, outage answers %s"
                + " (slowest %d ms)", how, (restarted - stopping) / 1e9, (healthy - restarted) / 1e9,
            answers(seen.stream().filter(x -> x.round() == r && x.phase() != Phase.HEALTHY).toList()),
            seen.stream().filter(x -> x.round() == r && x.phase() == Phase.OUTAGE).mapToLong(Seen::millis).max().orElse(0)));
      }
      acknowledgedSinceHealthy.set(0);
      until(() -> acknowledgedSinceHealthy.get() >= 30, 60, "30 calls acknowledged after the restarts");
      selling = false;
      for (Thread t : tillThreads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }

      // What the tills saw: 200, or at once 503 ledger_unavailable; nothing else, and no hang.
      for (Seen s : seen) {
        assertTrue(s.status() == 200 || s.status() == 503 && "ledger_unavailable".equals(s.code()),
            "unexpected answer " + s);
        assertTrue(s.millis() < CALL_TIMEOUT_MS, "a call took " + s.millis() + " ms");
      }
      for (int r = 1; r <= round; r++) {
        int n = r;
        assertTrue(seen.stream().anyMatch(x -> x.round() == n && x.phase() == Phase.OUTAGE && x.status() == 503),
            "calls during outage " + n + " were told to retry: " + answers(List.copyOf(seen)));
      }

      // Every call not acknowledged is retried with its key until it is; redemptions then commit.
      int retried = 0;
      Call call;
      while ((call = unanswered.poll()) != null) {
        Call c = call;
        until(() -> send(client, world, c) == 200, 60, "a retry of " + c.operation + " " + c.key + " succeeds");
        retried++;
        if (c.operation.equals("reserve")) {
          commitAfterReserve(client, world, c);
        }
      }

      // Every acknowledged call, one by one, is in the ledger exactly once, for what it said.
      int checked = 0;
      try (Connection db = DriverManager.getConnection(jdbc);
           PreparedStatement transfer = db.prepareStatement(
               "/* test */ select count(*), min(amount), min(code) from ledger_transfer where id = ?")) {
        for (Call c : acknowledged) {
          String id = switch (c.operation) {
            case "accrue" -> c.answer.getString("accrualId");
            case "reserve" -> c.answer.getString("holdId");
            default -> c.answer.getString("transferId");
          };
          transfer.setObject(1, UUID.fromString(id));
          try (ResultSet rs = transfer.executeQuery()) {
            rs.next();
            assertEquals(1, rs.getLong(1), c.operation + " " + c.key + " is in the ledger once");
            assertEquals(c.answer.getLong("points").longValue(), rs.getLong(2), c.operation + " " + c.key);
          }
          checked++;
        }
        Map<String, Long> expected = new TreeMap<>();
        acknowledged.forEach(c -> expected.merge(c.operation, 1L, Long::sum));
        assertEquals(expected.getOrDefault("accrue", 0L), count(db, "pos_earn"), "no earn the tills were not told of");
        assertEquals(expected.getOrDefault("reserve", 0L), count(db, "pos_redeem"), "no hold the tills were not told of");
        assertEquals(expected.getOrDefault("commit", 0L), count(db, "pos_commit"), "no commit the tills were not told of");
      }
      api.assertLedgerOk();

      System.out.printf("PostgreSQL restart under load: %d calls answered in all; %s; %d calls retried with their"
              + " keys; %d acknowledged calls checked one by one in the ledger%n",
          seen.size(), String.join("; ", rounds), retried, checked);
    } finally {
      selling = false;
      for (Thread t : tillThreads) {
        t.join(TimeUnit.SECONDS.toMillis(60));
      }
      client.close();
      api.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
      pg.close();
    }
  }

  /**
   * One till: sales (accrue) and redemptions (reserve, then commit), one after the other. A call
   * not acknowledged is kept to be retried with its key at the end; the till then pauses a moment
   * before its next sale, as a cashier would (load shape only: nothing waits on it).
   */
  private void sell(WebClient client, PosWorld world, Till till, List<Person> members) {
    int n = 0;
    while (selling) {
      Person member = members.get(ThreadLocalRandom.current().nextInt(members.size()));
      String code = world.code(member);
      Call first = n++ % 2 == 0
          ? new Call(till, "accrue", new JsonObject().put("memberCode", code).put("spendFen", 1_000 + n))
          : new Call(till, "reserve", new JsonObject().put("memberCode", code).put("points", 1 + n % 7));
      Call failed = null;
      if (send(client, world, first) != 200) {
        failed = first;
      } else if (first.operation.equals("reserve")) {
        Call commit = new Call(till, "commit", new JsonObject().put("holdId", first.answer.getString("holdId")));
        if (send(client, world, commit) != 200) {
          failed = commit;
        }
      }
      if (failed != null) {
        unanswered.add(failed);
        pause(100);
      }
    }
  }

  private void commitAfterReserve(WebClient client, PosWorld world, Call reserve) throws InterruptedException {
    Call commit = new Call(reserve.till, "commit", new JsonObject().put("holdId", reserve.answer.getString("holdId")));
    until(() -> send(client, world, commit) == 200, 60, "the commit of a retried reserve succeeds");
  }

  /** Sends the call; returns its status (0 if none came), recording what was seen. */
  private int send(WebClient client, PosWorld world, Call call) {
    Phase sentIn = phase;
    int sentInRound = round;
    long started = System.nanoTime();
    HttpResponse<Buffer> r;
    try {
      r = await(client.post("/v1/alliances/" + world.allianceId + "/shops/" + call.till.shopId() + "/pos/" + call.operation)
          .putHeader("Authorization", "Bearer " + call.till.token()).putHeader("Idempotency-Key", call.key)
          .timeout(CALL_TIMEOUT_MS).sendJsonObject(call.body));
    } catch (RuntimeException noAnswer) {
      seen.add(new Seen(sentInRound, sentIn, 0, String.valueOf(noAnswer), (System.nanoTime() - started) / 1_000_000));
      return 0;
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    String type = r.getHeader("Content-Type");
    String code = type != null && type.startsWith("application/problem+json") ? r.bodyAsJsonObject().getString("code")
        : r.statusCode() == 200 ? null : "not problem+json: " + r.bodyAsString();
    seen.add(new Seen(sentInRound, sentIn, r.statusCode(), code, millis));
    if (r.statusCode() == 200) {
      call.answer = r.bodyAsJsonObject();
      acknowledged.add(call);
      if (sentIn == Phase.HEALTHY) {
        acknowledgedSinceHealthy.incrementAndGet();
      }
    }
    return r.statusCode();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String answers(List<Seen> calls) {
    Map<String, Integer> counts = new TreeMap<>();
    calls.forEach(s -> counts.merge(s.status() + (s.code() == null ? "" : " " + s.code()), 1, Integer::sum));
    return counts.toString();
  }

  private static void kill(long pid, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).inheritIO().start();
    assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " " + pid);
  }

  private static int health(WebClient client) {
    try {
      return await(client.get("/health").timeout(CALL_TIMEOUT_MS).send()).statusCode();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static long count(Connection db, String code) throws Exception {
    try (PreparedStatement s = db.prepareStatement("/* test */ select count(*) from ledger_transfer where code = ?")) {
      s.setString(1, code);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
