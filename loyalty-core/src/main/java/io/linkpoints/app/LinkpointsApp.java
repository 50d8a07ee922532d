package io.linkpoints.app;

import io.linkpoints.adjustments.PointAdjustments;
import io.linkpoints.adjustments.UnpostedAdjustments;
import io.linkpoints.audit.AuditLog;
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
import io.linkpoints.exits.ExitCompletion;
import io.linkpoints.notifications.ExpiryReminders;
import io.linkpoints.notifications.NotificationDeliveries;
import io.linkpoints.notifications.OutboxToMembers;
import io.linkpoints.notifications.NotifyConfig;
import io.linkpoints.notifications.VapidKeys;
import io.linkpoints.ledger.WriterOptions;
import io.linkpoints.member.DeviceSecretReseal;
import io.linkpoints.platform.DatabaseProvisioner;
import io.linkpoints.platform.FirstWriteWins;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.platform.Meters;
import io.linkpoints.platform.Migrations;
import io.linkpoints.platform.OneRunAtATime;
import io.linkpoints.platform.WebhookOptions;
import io.linkpoints.webhooks.Dispatcher;
import io.linkpoints.pos.PosHousekeeping;
import io.linkpoints.qr.DeviceKeys;
import io.linkpoints.qr.MemberCodeCheck;
import io.linkpoints.qr.WrongCodeLimits;
import io.linkpoints.rewards.RewardJob;
import io.linkpoints.tiers.TierReview;
import io.linkpoints.web.ApiDocs;
import io.linkpoints.web.ApiVerticle;
import io.linkpoints.web.OutboundTargets;
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
 * The whole service, started in order: database (embedded or configured), migrations, pools,
 * ledger notifications, ledger writer, management server, the HTTP server, then the periodic jobs;
 * stopped in the reverse order, also when start-up fails half way ({@link StartedParts}).
 * Blocking steps run on workers.
 */
public final class LinkpointsApp {
  private static final Logger log = LoggerFactory.getLogger(LinkpointsApp.class);

  private final LinkpointsConfig config;
  private final DatabaseProvisioner.Provisioned database;
  private final Pool pool;
  private final Ledger ledger;
  private final String operatorToken;
  private final Platform platform;
  private final int port;
  private final ManagementServer management;
  /** What start started, stopped by {@link #close} in reverse. */
  private final StartedParts parts;
  private final Future<DeviceSecretReseal.Outcome> firstReseal;
  private Future<Void> closing;

  private LinkpointsApp(LinkpointsConfig config, DatabaseProvisioner.Provisioned database, Pool pool,
      Ledger ledger, String operatorToken, Platform platform, int port, ManagementServer management,
      StartedParts parts, Future<DeviceSecretReseal.Outcome> firstReseal) {
    this.config = config;
    this.database = database;
    this.pool = pool;
    this.ledger = ledger;
    this.operatorToken = operatorToken;
    this.platform = platform;
    this.port = port;
    this.management = management;
    this.parts = parts;
    this.firstReseal = firstReseal;
  }

  /** Blocking start-up material, read or made on a worker: operator token, signing keys, docs. */
  private record StartupMaterial(String operatorToken, KeyRing keys, ApiDocs docs, MemberDeviceSecrets deviceSecrets,
      VapidKeys vapid, NotifyConfig notifyConfig) {
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
    // Started in the reverse of the stop's order: each part is added to `parts` as it starts,
    // so a failure at any step stops what has started (and only that) before start fails.
    StartedParts parts = new StartedParts();
    AtomicReference<DatabaseProvisioner.Provisioned> db = new AtomicReference<>();
    AtomicReference<String> schemaVersion = new AtomicReference<>();
    AtomicReference<StartupMaterial> startup = new AtomicReference<>();
    AtomicReference<Pool> mainPool = new AtomicReference<>();
    AtomicReference<Pool> bookkeepingPool = new AtomicReference<>();
    return vertx.executeBlocking(() -> DatabaseProvisioner.provision(config))
        .compose(provisioned -> {
          db.set(provisioned);
          if (provisioned.embedded() != null) {
            parts.add("embedded PostgreSQL", 60, () -> vertx.executeBlocking(() -> {
              provisioned.embedded().close();
              return null;
            }));
          }
          return Migrations.apply(vertx, provisioned.target());
        })
        .compose(applied -> {
          if (applied.executed() > 0) {
            log.info("Applied {} schema migration(s)", applied.executed());
          }
          schemaVersion.set(applied.latestKnown());
          return vertx.executeBlocking(() -> new StartupMaterial(operatorToken(config), KeyRing.loadOrCreate(config.jwtKeysDir()),
              ApiDocs.load(), MemberDeviceSecrets.loadOrCreate(config.codeKeysDir()),
              VapidKeys.loadOrCreate(config.dataDir().resolve("vapid-keys"), NotifyConfig.fromEnv(System.getenv()).vapidSubject()),
              NotifyConfig.fromEnv(System.getenv())));
        })
        .compose(material -> {
          startup.set(material);
          Pool pool = db.get().target().pool(vertx, config.dbPoolSize(), "main");
          mainPool.set(pool);
          parts.add("pool", 10, pool::close);
          Pool bookkeeping = db.get().target().withSetting("synchronous_commit", "off")
              .pool(vertx, Math.max(4, config.dbPoolSize() / 2), "bookkeeping");
          bookkeepingPool.set(bookkeeping);
          parts.add("bookkeeping pool", 10, bookkeeping::close);
          return FeedNotices.start(vertx, db.get().target().connectOptions());
        })
        .compose(notices -> {
          parts.add("ledger notifications", 10, notices::close);
          StartupMaterial material = startup.get();
          String token = material.operatorToken();
          Pool pool = mainPool.get();
          Pool bookkeeping = bookkeepingPool.get();
          Ledger ledger = new Ledger(vertx, pool, db.get().target(), clock, WriterOptions.DEFAULT, registry);
          parts.add("ledger writer", WRITER_DRAIN_SECONDS, ledger::close);
          DeviceKeys deviceKeys = new DeviceKeys(vertx, bookkeeping, material.deviceSecrets());
          Platform platform = new Platform(config, pool, ledger, clock, new TokenService(material.keys(), clock),
              new OperatorGuard(token), new PasswordHasher(vertx, config.passwordIterations()),
              codeSender != null ? codeSender : new LogSignInCodeSender(), material.docs(), material.deviceSecrets(),
              deviceKeys, new MemberCodeCheck(deviceKeys, new WrongCodeLimits(bookkeeping), clock,
                  config.codeStepWindow()),
              bookkeeping, registry, material.vapid(), material.notifyConfig());
          Wiring wiring = new Wiring(vertx, platform, schemaVersion.get());
          AtomicReference<ApiVerticle> first = new AtomicReference<>();
          return (config.metricsPort() == LinkpointsConfig.METRICS_OFF ? Future.<ManagementServer>succeededFuture(null)
                  : ManagementServer.start(vertx, registry, config.metricsHost(), config.metricsPort()))
              .compose(management -> {
                if (management != null) {
                  parts.add("management server", 5, management::close);
                }
                // Last: once it listens, requests come, and everything they need is up.
                return vertx.deployVerticle(() -> {
                  ApiVerticle verticle = wiring.verticle();
                  first.compareAndSet(null, verticle);
                  return verticle;
                }, new DeploymentOptions().setInstances(Math.max(1, Runtime.getRuntime().availableProcessors())))
                    .map(id -> {
                      parts.add("HTTP server", ApiVerticle.IN_FLIGHT_GRACE_SECONDS + 5, () -> vertx.undeploy(id));
                      DeviceSecretReseal reseal = new DeviceSecretReseal(pool, material.deviceSecrets(), registry);
                      // Webhooks: on the wall clock (retry times, and signatures the receivers check against theirs).
                      Dispatcher dispatcher = new Dispatcher(vertx, pool, config.webhooks(),
                          new OutboundTargets(config.allowPrivateTargets()), Clock.systemUTC());
                      parts.add("webhook dispatcher", 5, dispatcher::close);
                      long[] timers = startJobs(vertx, ledger, clock, wiring.coupons(), new PosHousekeeping(pool, clock),
                          reseal, new TierReview(pool, clock), new RewardJob(pool, ledger, clock),
                          wiring.deliveries(vertx), wiring.expiryReminders(), wiring.outboxToMembers(),
                          dispatcher, config.webhooks(), new UnpostedAdjustments(pool,
                              new PointAdjustments(pool, ledger, new AuditLog(pool, clock), clock), clock),
                          new ExitCompletion(pool, clock));
                      parts.add("periodic jobs", 5, () -> {
                        for (long timer : timers) {
                          vertx.cancelTimer(timer);
                        }
                        return Future.succeededFuture();
                      });
                      // In the background: after a code key rotation, moves stored secrets to the new key.
                      Future<DeviceSecretReseal.Outcome> firstReseal = reseal.runOnce()
                          .onFailure(err -> log.warn("Re-sealing member device secrets failed: {}", err.getMessage()));
                      return new LinkpointsApp(config, db.get(), pool, ledger, token, platform,
                          first.get().actualPort(), management, parts, firstReseal);
                    });
              });
        })
        // Half started: undo what did start, last first, and only then say start failed (the
        // caller may exit at once: an embedded server left running would outlive the process).
        .recover(err -> {
          log.warn("Start-up failed ({}); stopping what had started", err.getMessage());
          return parts.stopAll().compose(v -> Future.failedFuture(err));
        });
  }

  private static long[] startJobs(Vertx vertx, Ledger ledger, Clock clock, Coupons coupons, PosHousekeeping pos,
      DeviceSecretReseal reseal, TierReview tierReview, RewardJob rewards, NotificationDeliveries deliveries,
      ExpiryReminders reminders, OutboxToMembers outboxToMembers, Dispatcher dispatcher,
      WebhookOptions webhooks, UnpostedAdjustments unpostedAdjustments, ExitCompletion exits) {
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
    // Again hourly: secrets sealed meanwhile by instances not yet restarted after a rotation.
    long resealTimer = vertx.setPeriodic(3_600_000,
        new OneRunAtATime("Re-sealing member device secrets", () -> reseal.runOnce().mapEmpty()));
    // Every 10 minutes: the first run after an alliance's local midnight does its day's review;
    // the others find it done (TierReview acts once per member and day, whichever instance runs it).
    long tierTimer = vertx.setPeriodic(30_000, 600_000, new OneRunAtATime("Tier review", tierReview::runOnce));
    // Every 10 minutes too: the birthdays of the month and missed welcomes, once each (RewardGrants' key).
    long rewardTimer = vertx.setPeriodic(45_000, 600_000,
        new OneRunAtATime("Reward grants", () -> rewards.runOnce(REWARD_BATCH)));
    // Push and SMS: every 2 s, up to 100 due deliveries per alliance. Expiry reminders: every 10
    // minutes (each lot and threshold is told once, whichever instance or run gets there first).
    long deliveryTimer = vertx.setPeriodic(2_000, new OneRunAtATime("Notification deliveries",
        () -> deliveries.runOnce(100)));
    long reminderTimer = vertx.setPeriodic(20_000, 600_000, new OneRunAtATime("Expiry reminders",
        () -> reminders.runOnce(1_000)));
    // Every second: the outbox's events about members into their inboxes (one instance at a time per
    // alliance, by its cursor's lock; the others skip it).
    long memberEventTimer = vertx.setPeriodic(1_000, new OneRunAtATime("Member events",
        () -> outboxToMembers.runOnce(500)));
    // Every instance sends webhooks; deliveries are claimed with SKIP LOCKED, so none is sent twice at once.
    long webhookTimer = vertx.setPeriodic(webhooks.pollInterval().toMillis(),
        new OneRunAtATime("Webhook deliveries", dispatcher::runOnce));
    // Every 30 s (and 3 s after start-up): approved adjustments whose posting was cut short, posted
    // once (the transfer id is the adjustment's) whichever instances run it at once.
    long adjustmentTimer = vertx.setPeriodic(3_000, 30_000, new OneRunAtATime("Unposted adjustments",
        () -> unpostedAdjustments.runOnce(200)));
    // Every minute: shop exits whose end date has come, each completed once (under its row's lock).
    long exitTimer = vertx.setPeriodic(15_000, 60_000, new OneRunAtATime("Shop exits", () -> exits.runOnce().mapEmpty()));
    return new long[] {holdTimer, expiryTimer, couponTimer, posTimer, resealTimer, tierTimer, rewardTimer, deliveryTimer,
        reminderTimer, memberEventTimer, webhookTimer, adjustmentTimer, exitTimer};
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

  /** The re-seal of member device secrets this instance began at start (tests wait for it). */
  public Future<DeviceSecretReseal.Outcome> firstReseal() {
    return firstReseal;
  }

  public LinkpointsConfig config() {
    return config;
  }

  public DatabaseProvisioner.Provisioned database() {
    return database;
  }

  /**
   * The one way the service stops, used by the JVM's shutdown hook (SIGTERM, Ctrl-C) and by tests,
   * in the reverse of start's order: stop the periodic jobs and taking HTTP requests, let requests
   * in flight finish (up to {@link ApiVerticle#IN_FLIGHT_GRACE_SECONDS}), close the management
   * port, write what the ledger writer has queued, close the ledger notifications and the pools,
   * and stop the embedded PostgreSQL last. Each step is bounded, and a step that
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
    return parts.stopAll().onComplete(v -> {
      if (parts.stepsFailed().isEmpty()) {
        log.info("Stopped");
      } else {
        log.warn("Stopped; these steps failed or ran out of time: {}", parts.stepsFailed());
      }
    });
  }

  /** Members the reward job grants to per alliance, per step and run. */
  private static final int REWARD_BATCH = 200;

  /** How long queued ledger commands may take to be written at shutdown. */
  private static final int WRITER_DRAIN_SECONDS = 15;

  /** Once {@link #close} has completed: whether every step of it did what it should in its time (the exit status says so). */
  public boolean stoppedCleanly() {
    return closing != null && closing.isComplete() && parts.stepsFailed().isEmpty();
  }
}
