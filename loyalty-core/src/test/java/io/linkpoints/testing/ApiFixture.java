package io.linkpoints.testing;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.app.LinkpointsApp;
import io.linkpoints.auth.SignInCodeSender;
import io.linkpoints.ledger.InvariantCheck;
import io.linkpoints.ledger.InvariantReport;
import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.Folders;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.platform.WebhookOptions;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The whole service, started as in production (LinkpointsApp) on a fresh database and port 0,
 * with a clock the test moves, a code sender that keeps codes for the test to read, and cheap
 * password hashing. Nothing is mocked: requests go over HTTP to the real routes.
 */
public final class ApiFixture implements AutoCloseable {
  public static final int TEST_PASSWORD_ITERATIONS = 1_000;

  public final Vertx vertx;
  public final MutableClock clock;
  public final CapturedCodes codes;
  /** Its keys and operator token; deleted by {@link #close} (by the instance that made it). */
  public final Path dataDir;
  private final boolean ownsDataDir;
  private final String dbUrl;
  public final LinkpointsApp app;
  public final WebClient http;
  /** The configuration it started with: {@link #anotherInstance} starts with the same. */
  private final LinkpointsConfig config;

  /** Keeps the last code sent to each phone, as an SMS gateway would deliver it. */
  public static final class CapturedCodes implements SignInCodeSender {
    private final Map<String, String> last = new ConcurrentHashMap<>();

    @Override
    public Future<Void> send(long allianceId, String phone, String code) {
      last.put(allianceId + "/" + phone, code);
      return Future.succeededFuture();
    }

    public String last(long allianceId, String phone) {
      return last.get(allianceId + "/" + phone);
    }
  }

  public ApiFixture(Vertx vertx) {
    this(vertx, TestDatabase.fresh());
  }

  /** The service on a database of the test's own choosing (a server the test stops and starts, say). */
  public ApiFixture(Vertx vertx, DatabaseTarget db) {
    this(vertx, new MutableClock(Instant.now()), tempDir(), urlOf(db), new CapturedCodes(), null, true);
  }

  /** The service with other webhook options (retries in milliseconds, say); private targets as configured. */
  public ApiFixture(Vertx vertx, WebhookOptions webhooks) {
    this(vertx, new MutableClock(Instant.now()), tempDir(), urlOf(TestDatabase.fresh()), new CapturedCodes(), null,
        true, c -> c.withWebhooks(webhooks));
  }

  /** With the configuration changed by {@code tweak} (say, private push endpoints allowed for a local receiver). */
  public ApiFixture(Vertx vertx, java.util.function.UnaryOperator<LinkpointsConfig> tweak) {
    this(vertx, new MutableClock(Instant.now()), tempDir(), urlOf(TestDatabase.fresh()), new CapturedCodes(), null, true,
        tweak);
  }

  /** On a Vert.x that reports into {@code meters} ({@code Meters.vertx}), which the service adds its own to. */
  public ApiFixture(Vertx vertx, PrometheusMeterRegistry meters) {
    this(vertx, new MutableClock(Instant.now()), tempDir(), urlOf(TestDatabase.fresh()), new CapturedCodes(), meters, true);
  }

  private ApiFixture(Vertx vertx, MutableClock clock, Path dataDir, String dbUrl, CapturedCodes codes,
      PrometheusMeterRegistry meters, boolean ownsDataDir) {
    this(vertx, clock, dataDir, dbUrl, codes, meters, ownsDataDir, c -> c);
  }

  private ApiFixture(Vertx vertx, MutableClock clock, Path dataDir, String dbUrl, CapturedCodes codes,
      PrometheusMeterRegistry meters, boolean ownsDataDir, java.util.function.UnaryOperator<LinkpointsConfig> tweak) {
    this.vertx = vertx;
    this.ownsDataDir = ownsDataDir;
    this.clock = clock;
    this.dataDir = dataDir;
    this.dbUrl = dbUrl;
    this.codes = codes;
    LinkpointsConfig config = tweak.apply(LinkpointsConfig.fromEnv(Map.of()).withDataDir(dataDir).withDbUrl(dbUrl)
        .withPort(0).withPasswordIterations(TEST_PASSWORD_ITERATIONS));
    this.config = config;
    try {
      this.app = await(LinkpointsApp.start(vertx, config, clock, codes, meters));
    } catch (RuntimeException e) {
      deleteDataDir();
      throw e;
    }
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(app.port()));
  }

  /**
   * A second instance of the service on this one's database, keys folder, clock and SMS inbox, as a
   * second process behind a load balancer would be: tokens of one are good at the other. Close it
   * on its own (before this one).
   */
  public ApiFixture anotherInstance() {
    LinkpointsConfig same = config;
    return new ApiFixture(vertx, clock, dataDir, dbUrl, codes, null, false,
        c -> c.withAllowPrivateTargets(same.allowPrivateTargets()).withWebhooks(same.webhooks()));
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("linkpoints-api-test");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String urlOf(DatabaseTarget db) {
    return "postgresql://" + db.user() + (db.password().isEmpty() ? "" : ":" + db.password()) + "@"
        + db.connectOptions().getHost() + ":" + db.connectOptions().getPort() + "/" + db.connectOptions().getDatabase();
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String bearer, JsonObject body) {
    return send(method, path, bearer, body, Map.of());
  }

  /** A request with extra headers (an Idempotency-Key, say). */
  public HttpResponse<Buffer> send(HttpMethod method, String path, String bearer, JsonObject body,
      Map<String, String> headers) {
    HttpRequest<Buffer> request = http.request(method, path);
    headers.forEach(request::putHeader);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    HttpResponse<Buffer> response = await(body == null ? request.send() : request.sendJsonObject(body));
    return checked(method, path, response);
  }

  /** A POST whose body is {@code body} as {@code contentType} (a file upload), checked against the contract. */
  public HttpResponse<Buffer> postRaw(String path, String bearer, String contentType, Buffer body) {
    HttpRequest<Buffer> request = http.request(HttpMethod.POST, path).putHeader("Content-Type", contentType);
    if (bearer != null) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    return checked(HttpMethod.POST, path, await(request.sendBuffer(body)));
  }

  /** The same request without waiting, for concurrent uploads (check each with {@link #checked}). */
  public Future<HttpResponse<Buffer>> postRawAsync(String path, String bearer, String contentType, Buffer body) {
    return http.request(HttpMethod.POST, path).putHeader("Content-Type", contentType)
        .putHeader("Authorization", "Bearer " + bearer).sendBuffer(body);
  }

  /** Fails the test when the response is not what openapi.yaml says (see {@link ContractCheck}). */
  public static HttpResponse<Buffer> checked(HttpMethod method, String path, HttpResponse<Buffer> response) {
    ContractCheck.shared().check(method, path, response.statusCode(), response.getHeader("Content-Type"),
        response.body());
    return response;
  }

  public HttpResponse<Buffer> get(String path, String bearer) {
    return send(HttpMethod.GET, path, bearer, null);
  }

  public HttpResponse<Buffer> post(String path, String bearer, JsonObject body) {
    return send(HttpMethod.POST, path, bearer, body);
  }

  /** The response's JSON after checking its status; fails the test with the body otherwise. */
  public static JsonObject expect(int status, HttpResponse<Buffer> response) {
    if (response.statusCode() != status) {
      throw new AssertionError("expected " + status + " but got " + response.statusCode() + ": " + response.bodyAsString());
    }
    return response.body() == null || response.body().length() == 0 ? new JsonObject() : response.bodyAsJsonObject();
  }

  /** The stable problem code of a problem+json response. */
  public static String problemCode(HttpResponse<Buffer> response) {
    String type = response.getHeader("Content-Type");
    if (type == null || !type.startsWith("application/problem+json")) {
      throw new AssertionError("not problem+json (" + type + "): " + response.statusCode() + " " + response.bodyAsString());
    }
    return response.bodyAsJsonObject().getString("code");
  }

  // --- building a world through the API, as a real operator, admin and owner would ---

  public record World(long allianceId, String adminToken, long shopId, String ownerToken) {
  }

  public JsonObject createAlliance(String name, String adminUsername) {
    return expect(201, post("/v1/operator/alliances", app.operatorToken(), new JsonObject()
        .put("name", name).put("timeZone", "Asia/Shanghai")
        .put("admin", new JsonObject().put("username", adminUsername).put("password", "admin-password-1"))));
  }

  public String staffToken(long allianceId, String username, String password) {
    return expect(200, post("/v1/alliances/" + allianceId + "/staff/sign-in", null,
        new JsonObject().put("username", username).put("password", password))).getString("accessToken");
  }

  public JsonObject createShop(long allianceId, String adminToken, String name, String ownerUsername) {
    return expect(201, post("/v1/alliances/" + allianceId + "/shops", adminToken, new JsonObject().put("name", name)
        .put("owner", new JsonObject().put("username", ownerUsername).put("password", "owner-password-1"))));
  }

  /** An alliance with its admin signed in, and one shop with its owner signed in. */
  public World world(String prefix) {
    long alliance = createAlliance(prefix + " alliance", prefix + "-admin").getLong("id");
    String admin = staffToken(alliance, prefix + "-admin", "admin-password-1");
    long shop = createShop(alliance, admin, prefix + " shop", prefix + "-owner").getLong("id");
    String owner = staffToken(alliance, prefix + "-owner", "owner-password-1");
    return new World(alliance, admin, shop, owner);
  }

  /** Joins (or signs in) a member by phone, reading the code the way its phone would. */
  public JsonObject memberSignIn(long allianceId, String phone) {
    expect(202, post("/v1/alliances/" + allianceId + "/members/sign-in/code", null, new JsonObject().put("phone", phone)));
    return expect(200, post("/v1/alliances/" + allianceId + "/members/sign-in", null,
        new JsonObject().put("phone", phone).put("code", codes.last(allianceId, phone))));
  }

  /** Every ledger invariant, across all alliances of this database. */
  public void assertLedgerOk() {
    InvariantReport report = await(new InvariantCheck(app.pool()).run(null));
    assertTrue(report.ok(), report.summary());
  }

  public long count(String sql) {
    return await(app.pool().query(sql).execute()).iterator().next().getLong(0);
  }

  /** The first column of the first row, as text. */
  public String text(String sql) {
    return await(app.pool().query(sql).execute()).iterator().next().getValue(0).toString();
  }

  @Override
  public void close() {
    http.close();
    try {
      await(app.close());
    } finally {
      deleteDataDir();
    }
  }

  /** Each fixture made one of these in /tmp and left it: 60 folders a run. */
  private void deleteDataDir() {
    if (!ownsDataDir) {
      return;
    }
    try {
      Folders.deleteTree(dataDir);
    } catch (java.io.IOException e) {
      System.err.println("Could not delete the test's data folder " + dataDir + ": " + e.getMessage());
    }
  }
}
