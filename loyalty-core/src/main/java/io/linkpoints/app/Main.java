package io.linkpoints.app;

import io.linkpoints.auth.MemberDeviceSecrets;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.platform.Meters;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Starts the platform and says where to go; or runs one of the other {@link Commands}. */
public final class Main {
  /** The whole ordered stop may take this long (its steps are bounded: 15 + 15 + 10 + 10 + 60 s). */
  private static final long STOP_SECONDS = 120;

  private Main() {
  }

  public static void main(String[] args) {
    Commands.Command command;
    try {
      command = Commands.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("linkpoints: " + e.getMessage());
      System.err.print(Commands.USAGE);
      System.exit(2);
      return;
    }
    switch (command) {
      case HELP -> System.out.print(Commands.USAGE);
      case ROTATE_JWT_KEY -> rotateKey(LinkpointsConfig.fromEnv());
      case ROTATE_CODE_KEY -> rotateCodeKey(LinkpointsConfig.fromEnv());
      case RUN -> run(LinkpointsConfig.fromEnv());
      default -> throw new IllegalStateException(command.name());
    }
  }

  private static void run(LinkpointsConfig config) {
    // The log's backend reads its level once, when the first logger is made: set it before any.
    System.setProperty("linkpoints.log.level", config.logLevel());
    PrometheusMeterRegistry meters = Meters.registry();
    Vertx vertx = Meters.vertx(meters);
    Future<LinkpointsApp> started = LinkpointsApp.start(vertx, config, Clock.systemUTC(), null, meters);
    // The one stop, LinkpointsApp.close, from the one hook, registered before start-up so that a
    // SIGTERM during it still stops in order (once started). SIGTERM and Ctrl-C exit with its
    // outcome: 0 when every step was done (the JVM's own default would be 143, a failure to
    // supervisors), 1 when one failed or ran out of time.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started), "linkpoints-stop"));
    for (String signal : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(signal), s -> new Thread(() -> System.exit(stop(started) ? 0 : 1),
          "linkpoints-signal").start());
    }
    started
        .onSuccess(app -> {
          String base = "http://localhost:" + app.port();
          String db = app.database().embedded() != null
              ? "embedded PostgreSQL on 127.0.0.1:" + app.database().embedded().port() + " (data in "
                  + config.dataDir().resolve("postgres") + ")"
              : app.database().target().describe();
          System.out.println();
          System.out.println("Linkpoints is running.");
          System.out.println("  Open:      " + base + "/");
          System.out.println("  Health:    " + base + "/health/ready   (liveness: " + base + "/health/live)");
          System.out.println("  API docs:  " + base + "/docs   (contract: " + base + "/openapi.yaml)");
          System.out.println("  Operator token (creates alliances): " + app.operatorToken());
          System.out.println("    curl -X POST -H 'Authorization: Bearer " + app.operatorToken() + "' "
              + "-H 'Content-Type: application/json' " + base + "/v1/operator/alliances -d '{...}'  (README, section 'Alliances, shops, terminals and members')");
          System.out.println("  Member sign-in codes are written to this log: no SMS gateway is configured.");
          System.out.println("  Database:  " + db);
          if (app.metricsPort() >= 0) {
            System.out.println("  Metrics:   http://" + config.metricsHost() + ":" + app.metricsPort()
                + "/metrics   (Prometheus text; LINKPOINTS_METRICS_PORT, LINKPOINTS_METRICS_HOST)");
          }
          System.out.println("Stop with Ctrl-C.");
        })
        .onFailure(err -> {
          System.err.println("Linkpoints could not start: " + err.getMessage());
          err.printStackTrace();
          // Not on this event loop: exiting runs the stop hook, which must not wait on the loop it blocks.
          new Thread(() -> System.exit(1), "linkpoints-exit").start();
        });
  }

  /**
   * Waits for start-up to end, then stops the app in order ({@link LinkpointsApp#close}: the same
   * future however often asked). True when it started and every step of the stop was done in time.
   */
  private static boolean stop(Future<LinkpointsApp> started) {
    if (started.failed()) {
      return false; // nothing started: LinkpointsApp.start already undid what it had begun
    }
    try {
      return started.transform(ar -> ar.succeeded() ? ar.result().close().map(v -> ar.result().stoppedCleanly())
              : Future.succeededFuture(false))
          .toCompletionStage().toCompletableFuture().get(STOP_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LoggerFactory.getLogger(Main.class).warn("The ordered stop did not complete: {}", e.toString());
      return false;
    }
  }

  /** Adds a new token signing key; running instances pick it up when restarted, old tokens keep verifying. */
  private static void rotateKey(LinkpointsConfig config) {
    try {
      io.linkpoints.auth.KeyRing ring = io.linkpoints.auth.KeyRing.rotate(config.jwtKeysDir());
      System.out.println("New signing key " + ring.signingKid() + " in " + config.jwtKeysDir()
          + "; still verifying: " + ring.kids());
    } catch (Exception e) {
      System.err.println("Could not rotate the signing key: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Adds a new code key; restarted instances seal with it and re-seal stored secrets, old ones keep opening. */
  private static void rotateCodeKey(LinkpointsConfig config) {
    try {
      MemberDeviceSecrets ring = MemberDeviceSecrets.rotate(config.codeKeysDir());
      System.out.println("New code key " + ring.currentKeyId() + " in " + config.codeKeysDir()
          + "; still opening: " + ring.keyIds() + ". Restart the instances: they re-seal stored device secrets"
          + " and log when none remain under older keys.");
    } catch (Exception e) {
      System.err.println("Could not rotate the code key: " + e.getMessage());
      System.exit(1);
    }
  }
}
