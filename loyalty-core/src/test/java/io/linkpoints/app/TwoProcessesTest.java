package io.linkpoints.app;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.HoldTimeouts;
import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.EventStream;
import io.linkpoints.testing.Phone;
import io.linkpoints.testing.PlatformProcess;
import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two platform processes ({@code Main}, as an operator runs it) started at the same moment on one
 * PostgreSQL, one empty shared keys folder and one operator token, behind a round-robin proxy:
 * they agree on one signing key; a token from one is good at the other; earns and redemptions
 * at one shop spread over both reach the owner's live feed (opened through the proxy) exactly
 * once each; a hold both processes find timed out is voided once.
 */
class TwoProcessesTest {
  private static final String OPERATOR = "two-process-operator-token-0123456789";

  @TempDir
  Path dir;

  @Test
  void twoInstancesOnOneDatabaseActAsOne() throws Exception {
    DatabaseTarget db = TestDatabase.fresh();
    Path keys = dir.resolve("keys");
    Process[] processes = new Process[2];
    Path[] logs = new Path[2];
    int[] ports = new int[2];
    Vertx vertx = Vertx.vertx();
    try {
      for (int i = 0; i < 2; i++) { // both at once, on an empty keys folder
        logs[i] = dir.resolve("instance-" + i + ".log");
        processes[i] = start(db, keys, dir.resolve("data-" + i), logs[i]);
      }
      for (int i = 0; i < 2; i++) {
        ports[i] = Integer.parseInt(PlatformProcess.awaitLog(processes[i], logs[i], 0, PlatformProcess.OPEN, 90).group(1));
      }
      try (Stream<Path> files = Files.list(keys.resolve("jwt"))) {
        assertEquals(2, files.count(), "one signing key and its pointer, not one per instance");
      }
      assertTrue(Files.exists(keys.resolve("code").resolve("device-secrets.key")));

      Proxy proxy = Proxy.start(vertx, ports);
      WebClient web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost"));
      Api api = new Api(web, proxy.port);

      long alliance = api.expect(201, HttpMethod.POST, "/v1/operator/alliances", OPERATOR, new JsonObject()
          .put("name", "Two instances").put("timeZone", "Asia/Shanghai")
          .put("admin", new JsonObject().put("username", "two-admin").put("password", "admin-password-1"))).getLong("id");
      // A token signed by one instance is good at the other (asked directly, not by turns).
      String admin = new Api(web, ports[0]).expect(200, HttpMethod.POST, "/v1/alliances/" + alliance + "/staff/sign-in",
          null, new JsonObject().put("username", "two-admin").put("password", "admin-password-1")).getString("accessToken");
      new Api(web, ports[1]).expect(200, HttpMethod.GET, "/v1/alliances/" + alliance, admin, null);
      long shop = api.expect(201, HttpMethod.POST, "/v1/alliances/" + alliance + "/shops", admin, new JsonObject()
          .put("name", "Two Café").put("owner", new JsonObject().put("username", "two-owner")
              .put("password", "owner-password-1"))).getLong("id");
      String owner = api.expect(200, HttpMethod.POST, "/v1/alliances/" + alliance + "/staff/sign-in", null,
          new JsonObject().put("username", "two-owner").put("password", "owner-password-1")).getString("accessToken");
      JsonObject terminal = api.expect(201, HttpMethod.POST, "/v1/alliances/" + alliance + "/shops/" + shop + "/terminals",
          owner, new JsonObject().put("name", "till"));
      String till = api.expect(200, HttpMethod.POST, "/v1/terminals/enrol", null,
          new JsonObject().put("enrolmentSecret", terminal.getString("enrolmentSecret"))).getString("accessToken");

      // A member signs in with the code one instance logged (the demo's sender), at either.
      String phone = "+8613900007777";
      api.expect(202, HttpMethod.POST, "/v1/alliances/" + alliance + "/members/sign-in/code", null,
          new JsonObject().put("phone", phone));
      Pattern sent = Pattern.compile("sign-in code for " + Pattern.quote(phone) + " in alliance " + alliance + " is (\\d+)");
      String code = awaitEither(logs, sent);
      String member = api.expect(200, HttpMethod.POST, "/v1/alliances/" + alliance + "/members/sign-in", null,
          new JsonObject().put("phone", phone).put("code", code)).getString("accessToken");
      Codes codes = new Codes(api, member);

      String feed = "/v1/alliances/" + alliance + "/shops/" + shop + "/feed";
      String start = api.expect(200, HttpMethod.GET, feed, owner, null).getString("next");
      EventStream live = EventStream.open(vertx, proxy.port, feed + "?after=" + start, owner);

      // Earns and redemptions by turns on both instances, four at a time.
      String pos = "/v1/alliances/" + alliance + "/shops/" + shop + "/pos/";
      int earns = 16;
      int redemptions = 8;
      for (int round = 0; round < earns / 4; round++) {
        List<Future<HttpResponse<Buffer>>> sales = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          sales.add(api.send(HttpMethod.POST, pos + "accrue", till, new JsonObject().put("memberCode", codes.next())
              .put("spendFen", 1000).put("orderRef", "E-" + round + "-" + i), Map.of("Idempotency-Key", key())));
        }
        for (Future<HttpResponse<Buffer>> sale : sales) {
          Api.expect(200, await(sale));
        }
      }
      for (int round = 0; round < redemptions / 4; round++) {
        List<Future<HttpResponse<Buffer>>> holds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          holds.add(api.send(HttpMethod.POST, pos + "reserve", till,
              new JsonObject().put("memberCode", codes.next()).put("points", 5), Map.of("Idempotency-Key", key())));
        }
        List<Future<HttpResponse<Buffer>>> commits = new ArrayList<>();
        for (Future<HttpResponse<Buffer>> hold : holds) {
          String holdId = Api.expect(200, await(hold)).getString("holdId");
          commits.add(api.send(HttpMethod.POST, pos + "commit", till, new JsonObject().put("holdId", holdId),
              Map.of("Idempotency-Key", key())));
        }
        for (Future<HttpResponse<Buffer>> commit : commits) {
          Api.expect(200, await(commit));
        }
      }

      Set<String> inLedger = shopTransfers(db, alliance, shop);
      assertEquals(earns + redemptions, inLedger.size());
      waitFor(() -> live.ids().size() >= earns + redemptions, 10_000, () -> "every transfer on the feed: " + live.text());
      Thread.sleep(1_500); // anything sent twice would be here by now
      assertEquals(earns + redemptions, live.ids().size(), "each transfer once: " + live.ids());
      assertEquals(inLedger, new HashSet<>(live.ids()));

      // A commit on one instance reaches a stream open on the other by its NOTIFY, well before the
      // stream's own 5 s look.
      EventStream direct = EventStream.open(vertx, ports[0], feed + "?after=" + start, owner);
      waitFor(() -> direct.text().contains("keep-alive"), 5_000, () -> "the stream's first look");
      Thread.sleep(500);
      long committed = System.nanoTime();
      Api.expect(200, await(new Api(web, ports[1]).send(HttpMethod.POST, pos + "accrue", till, new JsonObject()
          .put("memberCode", codes.next()).put("spendFen", 4200), Map.of("Idempotency-Key", key()))));
      waitFor(() -> direct.ids().size() == earns + redemptions + 1, 2_000,
          () -> "the other instance's earn, told by NOTIFY: " + direct.text());
      assertTrue(System.nanoTime() - committed < TimeUnit.SECONDS.toNanos(2));
      direct.close();

      // A hold both instances find timed out (its time moved into the past) is voided once.
      String holdId = Api.expect(200, await(api.send(HttpMethod.POST, pos + "reserve", till,
          new JsonObject().put("memberCode", codes.next()).put("points", 7), Map.of("Idempotency-Key", key()))))
          .getString("holdId");
      sql(db, "/* test */ update ledger_open_hold set timeout_at = now() - interval '1 second' where transfer_id = '" + holdId + "'");
      sql(db, "/* test */ update ledger_transfer set timeout_at = now() - interval '1 second' where id = '" + holdId + "'");
      waitFor(() -> count(db, "/* test */ select count(*) from ledger_open_hold where transfer_id = '" + holdId + "'") == 0,
          10_000, () -> "the hold timed out");
      Thread.sleep(2_500); // both instances' timeout jobs have run again since
      assertEquals(1, count(db, "/* test */ select count(*) from ledger_transfer where pending_id = '" + holdId + "'"
          + " and code = '" + HoldTimeouts.TRANSFER_CODE + "'"));
      assertEquals(1, count(db, "/* test */ select count(*) from ledger_transfer where pending_id = '" + holdId + "'"));
      assertTrue(proxy.served.get(0).get() > 5 && proxy.served.get(1).get() > 5, "both instances served: " + proxy.served);
      live.close();
      web.close();
    } finally {
      for (Process p : processes) {
        if (p != null) {
          p.destroy();
        }
      }
      for (Process p : processes) {
        if (p != null && !p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      await(vertx.close());
    }
  }

  private static Process start(DatabaseTarget db, Path keys, Path data, Path log) throws Exception {
    Files.createDirectories(data);
    return PlatformProcess.launch("384m", Map.of("LINKPOINTS_PORT", "0", "LINKPOINTS_DATA", data.toString(),
        "LINKPOINTS_DB_URL", "postgresql://" + db.user() + (db.password().isEmpty() ? "" : ":" + db.password())
            + "@" + db.connectOptions().getHost() + ":" + db.connectOptions().getPort() + "/"
            + db.connectOptions().getDatabase(),
        "LINKPOINTS_JWT_KEYS_DIR", keys.resolve("jwt").toString(),
        "LINKPOINTS_CODE_KEYS_DIR", keys.resolve("code").toString(),
        "LINKPOINTS_OPERATOR_TOKEN", OPERATOR, "LINKPOINTS_DB_POOL", "6", "LINKPOINTS_LOG_LEVEL", "info"), log);
  }

  private static String awaitEither(Path[] logs, Pattern pattern) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      for (Path log : logs) {
        Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
        if (m.find()) {
          return m.group(1);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no " + pattern + " in either log");
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }

  private static Connection connect(DatabaseTarget db) throws Exception {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  private static void sql(DatabaseTarget db, String statement) throws Exception {
    try (Connection c = connect(db)) {
      c.createStatement().execute(statement);
    }
  }

  private static long count(DatabaseTarget db, String query) {
    try (Connection c = connect(db); ResultSet rs = c.createStatement().executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ids of the shop's posted transfers, read from the database. */
  private static Set<String> shopTransfers(DatabaseTarget db, long alliance, long shop) throws Exception {
    try (Connection c = connect(db); PreparedStatement st = c.prepareStatement("/* test */ select t.id from ledger_transfer t"
        + " join ledger_account a on a.alliance_id = t.alliance_id and a.id in (t.debit_account_id, t.credit_account_id)"
        + " where t.alliance_id = ? and a.owner_id = ? and a.kind in ('merchant_issuance', 'merchant_acceptance')"
        + " and t.flags in (0, 2)")) {
      st.setLong(1, alliance);
      st.setLong(2, shop);
      Set<String> ids = new HashSet<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }

  private static void waitFor(BooleanSupplier condition, long millis, java.util.function.Supplier<String> what)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("gave up waiting for " + what.get());
      }
      Thread.sleep(50);
    }
  }

  /** Requests through one port (the proxy, or one instance), each response checked against the contract. */
  private record Api(WebClient web, int port) {
    Future<HttpResponse<Buffer>> send(HttpMethod method, String path, String bearer, JsonObject body,
        Map<String, String> headers) {
      HttpRequest<Buffer> request = web.request(method, port, "localhost", path);
      headers.forEach(request::putHeader);
      if (bearer != null) {
        request.putHeader("Authorization", "Bearer " + bearer);
      }
      return (body == null ? request.send() : request.sendJsonObject(body))
          .map(response -> ApiFixture.checked(method, path.replaceAll("\\?.*", ""), response));
    }

    JsonObject expect(int status, HttpMethod method, String path, String bearer, JsonObject body) {
      return expect(status, await(send(method, path, bearer, body, Map.of())));
    }

    static JsonObject expect(int status, HttpResponse<Buffer> response) {
      return ApiFixture.expect(status, response);
    }
  }

  /** The member's phones' codes: ten per phone per 30 s step, another phone bound when they run out. */
  private static final class Codes {
    private final Api api;
    private final String member;
    private final List<Phone> phones = new ArrayList<>();

    Codes(Api api, String member) {
      this.api = api;
      this.member = member;
    }

    String next() {
      for (Phone phone : phones) {
        var code = phone.nextCode();
        if (code.isPresent()) {
          return code.get();
        }
      }
      JsonObject bound = api.expect(201, HttpMethod.POST, "/v1/members/me/devices", member,
          new JsonObject().put("label", "phone " + (phones.size() + 1)));
      Phone phone = new Phone(bound.getJsonObject("device").getLong("id"),
          Base64.getUrlDecoder().decode(bound.getString("secret")), Clock.systemUTC());
      phones.add(phone);
      return phone.nextCode().orElseThrow();
    }
  }

  /** A round-robin reverse proxy, as a load balancer in front of the instances; responses streamed. */
  private static final class Proxy {
    final List<AtomicInteger> served = new ArrayList<>();
    private final HttpClient client;
    private final int[] backends;
    private final AtomicInteger turn = new AtomicInteger();
    int port;

    private Proxy(Vertx vertx, int[] backends) {
      this.client = vertx.createHttpClient();
      this.backends = backends;
      for (int i = 0; i < backends.length; i++) {
        served.add(new AtomicInteger());
      }
    }

    static Proxy start(Vertx vertx, int[] backends) {
      Proxy proxy = new Proxy(vertx, backends);
      HttpServer server = await(vertx.createHttpServer().requestHandler(proxy::forward).listen(0, "localhost"));
      proxy.port = server.actualPort();
      return proxy;
    }

    private void forward(HttpServerRequest in) {
      int i = Math.floorMod(turn.getAndIncrement(), backends.length);
      served.get(i).incrementAndGet();
      in.pause();
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(in.headers());
      headers.remove(HttpHeaders.CONNECTION).remove(HttpHeaders.HOST);
      client.request(new RequestOptions().setMethod(in.method()).setHost("localhost").setPort(backends[i])
              .setURI(in.uri()).setHeaders(headers))
          .compose(out -> {
            in.resume();
            return in.body().compose(out::send);
          })
          .onSuccess(back -> relay(back, in))
          .onFailure(err -> in.response().setStatusCode(502).end());
    }

    private static void relay(HttpClientResponse back, HttpServerRequest in) {
      var response = in.response().setStatusCode(back.statusCode());
      back.headers().forEach((name, value) -> {
        if (!name.equalsIgnoreCase("transfer-encoding") && !name.equalsIgnoreCase("connection")) {
          response.headers().add(name, value);
        }
      });
      if (back.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
        response.setChunked(true);
      }
      back.pipeTo(response);
    }
  }
}
