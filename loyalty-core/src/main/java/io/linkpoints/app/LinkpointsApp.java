package io.linkpoints.app;

import io.linkpoints.auth.KeyRing;
import io.linkpoints.auth.LogSignInCodeSender;
import io.linkpoints.auth.MemberDeviceSecrets;
import io.linkpoints.auth.OperatorGuard;
import io.linkpoints.auth.PasswordHasher;
import io.linkpoints.auth.Secrets;
import io.linkpoints.auth.SignInCodeSender;
import io.linkpoints.auth.TokenService;
import io.linkpoints.coupons.Coupons;
import io.linkpoints.ledger.FeedNotices;
import io.linkpoints.ledger.HoldTimeouts;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LotExpiry;
import io.linkpoints.ledger.WriterOptions;
import io.linkpoints.platform.DatabaseProvisioner;
import io.linkpoints.platform.FirstWriteWins;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.platform.Meters;
import io.linkpoints.platform.Migrations;
import io.linkpoints.platform.OneRunAtATime;
import io.linkpoints.pos.PosHousekeeping;
import io.linkpoints.qr.DeviceKeys;
import io.linkpoints.qr.MemberCodeCheck;
import io.linkpoints.qr.WrongCodeLimits;
import io.linkpoints.web.ApiDocs;
import io.linkpoints.web.ApiVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service, started in order: database (embedded or configured), migrations, pool,
 * ledger and its jobs, then the HTTP server. Blocking steps run on workers.
 */
public final class LinkpointsApp {
  private static final Logger log = LoggerFactory.getLogger(LinkpointsApp.class);

  private final Vertx vertx;
  private final LinkpointsConfig config;
  private final DatabaseProvisioner.Provisioned database;
  private final Pool pool;
  private final Ledger ledger;
  private final String operatorToken;
  private final Platform platform;
  private final int port;
  private final long[] timers;
  private final String deploymentId;
  private final ManagementServer management;
  private final FeedNotices feedNotices;
  private Future<Void> closing;
  /** Steps of {@link #close} that failed or ran out of time (read once it has completed). */
  private final java.util.List<String> stepsFailed = new java.util.concurrent.CopyOnWriteArrayList<>();

  private LinkpointsApp(Vertx vertx, LinkpointsConfig config, DatabaseProvisioner.Provisioned database, Pool pool,
      Ledger ledger, String operatorToken, Platform platform, int port, long[] timers, String deploymentId,
      ManagementServer management, FeedNotices feedNotices) {
    this.vertx = vertx;
    this.config = config;
    this.database = database;
    this.pool = pool;
    this.ledger = ledger;
    this.operatorToken = operatorToken;
    this.platform = platform;
    this.port = port;
    this.timers = timers;
    this.deploymentId = deploymentId;
    this.management = management;
    this.feedNotices = feedNotices;
  }

  /** Blocking start-up material, read or made on a worker: operator token, signing keys, docs. */
  private record StartupMaterial(String operatorToken, KeyRing keys, ApiDocs docs, MemberDeviceSecrets deviceSecrets) {
  }

  public static Future<LinkpointsApp> start(Vertx vertx, LinkpointsConfig config, Clock clock) {
    return start(vertx, config, clock, null);
  }

  /** Starts the service; {@code codeSender} delivers member sign-in codes (null: the demo's log sender). */
  public static Future<LinkpointsApp> start(Vertx vertx, LinkpointsConfig config, Clock clock,
      SignInCodeSender codeSender) {
    return start(vertx, config, clock, codeSender, null);
  }

  /**
   * {@code meters}: the registry {@code vertx} reports into ({@link Meters#vertx}), where the
   * service adds its own; null for a Vert.x without metrics, whose app then serves its own meters only.
   */
  public static Future<LinkpointsApp> start(Vertx vertx, LinkpointsConfig config, Clock clock,
      SignInCodeSender codeSender, PrometheusMeterRegistry meters) {
    PrometheusMeterRegistry registry = meters != null ? meters : Meters.registry();
    AtomicReference<DatabaseProvisioner.Provisioned> db = new AtomicReference<>();
    AtomicReference<String> schemaVersion = new AtomicReference<>();
    return vertx.executeBlocking(() -> DatabaseProvisioner.provision(config))
        .compose(provisioned -> {
          db.set(provisioned);
          return Migrations.apply(vertx, provisioned.target());
        })
        .compose(applied -> {
          if (applied.executed() > 0) {
            log.info("Applied {} schema migration(s)", applied.executed());
          }
          schemaVersion.set(applied.latestKnown());
          return vertx.executeBlocking(() -> new StartupMaterial(operatorToken(config), KeyRing.loadOrCreate(config.jwtKeysDir()),
              ApiDocs.load(), MemberDeviceSecrets.loadOrCreate(config.codeKeysDir())));
        })
        .compose(material -> {
          String token = material.operatorToken();
          Pool pool = db.get().target().pool(vertx, config.dbPoolSize(), "main");
          Pool bookkeeping = db.get().target().withSetting("synchronous_commit", "off")
              .pool(vertx, Math.max(4, config.dbPoolSize() / 2), "bookkeeping");
          Ledger ledger = new Ledger(vertx, pool, db.get().target(), clock, WriterOptions.DEFAULT, registry);
          DeviceKeys deviceKeys = new DeviceKeys(bookkeeping, material.deviceSecrets());
          Platform platform = new Platform(config, pool, ledger, clock, new TokenService(material.keys(), clock),
              new OperatorGuard(token), new PasswordHasher(vertx, config.passwordIterations()),
              codeSender != null ? codeSender : new LogSignInCodeSender(), material.docs(), material.deviceSecrets(),
              deviceKeys, new MemberCodeCheck(deviceKeys, new WrongCodeLimits(bookkeeping), clock,
                  config.codeStepWindow()),
              bookkeeping, registry);
          Wiring wiring = new Wiring(platform, schemaVersion.get());
          AtomicReference<ApiVerticle> first = new AtomicReference<>();
          return vertx.deployVerticle(() -> {
                ApiVerticle verticle = wiring.verticle();
                first.compareAndSet(null, verticle);
                return verticle;
              }, new DeploymentOptions().setInstances(Math.max(1, Runtime.getRuntime().availableProcessors())))
              .compose(id -> (config.metricsPort() == LinkpointsConfig.METRICS_OFF ? Future.<ManagementServer>succeededFuture(null)
                  : ManagementServer.start(vertx, registry, config.metricsHost(), config.metricsPort()))
                  .compose(management -> FeedNotices.start(vertx, db.get().target().connectOptions()).map(notices -> {
                    long[] timers = startJobs(vertx, ledger, clock, wiring.coupons(), new PosHousekeeping(pool, clock));
                    return new LinkpointsApp(vertx, config, db.get(), pool, ledger, token, platform,
                        first.get().actualPort(), timers, id, management, notices);
                  })));
        })
        .onFailure(err -> {
          // Half started: the embedded server would otherwise run on until the JVM ends.
          if (db.get() != null && db.get().embedded() != null) {
            vertx.executeBlocking(() -> {
              db.get().embedded().close();
              return null;
            });
          }
        });
  }

  private static long[] startJobs(Vertx vertx, Ledger ledger, Clock clock, Coupons coupons, PosHousekeeping pos) {
    HoldTimeouts holds = new HoldTimeouts(ledger, clock);
    LotExpiry expiry = new LotExpiry(ledger, clock);
    // Each run works alliance after alliance, up to the limit in each; a tick is skipped while the last run goes on.
    long holdTimer = vertx.setPeriodic(1_000,
        new OneRunAtATime("Hold timeout run", () -> holds.runOnce(1_000)));
    long expiryTimer = vertx.setPeriodic(5_000, 60_000,
        new OneRunAtATime("Lot expiry run", () -> expiry.runOnce(1_000)));
    long couponTimer = vertx.setPeriodic(2_000, 5_000,
        new OneRunAtATime("Coupon job run", () -> coupons.runJobsOnce(1_000)));
    long posTimer = vertx.setPeriodic(10_000, 60_000, new OneRunAtATime("POS housekeeping", pos::runOnce));
    return new long[] {holdTimer, expiryTimer, couponTimer, posTimer};
  }

  /**
   * The configured operator token, or the one kept in the data folder (generated on first start).
   * A data folder from before the rename keeps its {@code admin-token} file working.
   */
  private static String operatorToken(LinkpointsConfig config) throws Exception {
    if (config.operatorToken().isPresent()) {
      return config.operatorToken().get();
    }
    Path file = config.dataDir().resolve("operator-token");
    Path legacy = config.dataDir().resolve("admin-token");
    for (Path existing : new Path[] {file, legacy}) {
      if (Files.exists(existing)) {
        return Files.readString(existing, StandardCharsets.UTF_8).trim();
      }
    }
    // Instances starting at once on one shared folder agree on the first token written.
    return FirstWriteWins.create(file, Secrets.randomToken(32) + "\n").trim();
  }

  public int port() {
    return port;
  }

  /** The management port (GET /metrics), or -1 when there is none (LINKPOINTS_METRICS_PORT=off). */
  public int metricsPort() {
    return management == null ? -1 : management.port();
  }

  public Pool pool() {
    return pool;
  }

  public Ledger ledger() {
    return ledger;
  }

  /** The platform operator's bearer token: it may create alliances with their first admin, nothing else. */
  public String operatorToken() {
    return operatorToken;
  }

  public Platform platform() {
    return platform;
  }

  public LinkpointsConfig config() {
    return config;
  }

  public DatabaseProvisioner.Provisioned database() {
    return database;
  }

  /**
   * The one way the service stops, used by the JVM's shutdown hook (SIGTERM, Ctrl-C) and by tests,
   * in this order: stop taking HTTP requests and the periodic jobs, let requests in flight finish
   * (up to {@link ApiVerticle#IN_FLIGHT_GRACE_SECONDS}), write what the ledger writer has queued,
   * close the pools, and stop the embedded PostgreSQL last. Each step is bounded, and a step that
   * fails does not keep the next from running. Called again, it returns the same future.
   */
  public synchronized Future<Void> close() {
    if (closing == null) {
      closing = stopInOrder();
    }
    return closing;
  }

  private Future<Void> stopInOrder() {
    log.info("Stopping: no new requests; finishing those in flight");
    for (long timer : timers) {
      vertx.cancelTimer(timer);
    }
    return step("HTTP server", vertx.undeploy(deploymentId), ApiVerticle.IN_FLIGHT_GRACE_SECONDS + 5)
        .compose(v -> step("management server", management == null ? Future.succeededFuture() : management.close(), 5))
        .compose(v -> step("ledger writer", ledger.close(), WRITER_DRAIN_SECONDS))
        .compose(v -> step("ledger notifications", feedNotices.close(), 10))
        .compose(v -> step("bookkeeping pool", platform.bookkeepingPool().close(), 10))
        .compose(v -> step("pool", pool.close(), 10))
        .compose(v -> step("embedded PostgreSQL", vertx.executeBlocking(() -> {
          if (database.embedded() != null) {
            database.embedded().close();
          }
          return null;
        }), 60))
        .onComplete(v -> {
          if (stepsFailed.isEmpty()) {
            log.info("Stopped");
          } else {
            log.warn("Stopped; these steps failed or ran out of time: {}", stepsFailed);
          }
        });
  }

  /** How long queued ledger commands may take to be written at shutdown. */
  private static final int WRITER_DRAIN_SECONDS = 15;

  private Future<Void> step(String what, Future<?> step, long timeoutSeconds) {
    return step.timeout(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS).<Void>mapEmpty().recover(err -> {
      log.warn("Stopping the {}: {}", what, err.getMessage());
      stepsFailed.add(what);
      return Future.succeededFuture();
    });
  }

  /** Once {@link #close} has completed: whether every step of it did what it should in its time (the exit status says so). */
  public boolean stoppedCleanly() {
    return closing != null && closing.isComplete() && stepsFailed.isEmpty();
  }
}
