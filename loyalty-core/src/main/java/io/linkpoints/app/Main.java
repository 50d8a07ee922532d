package io.linkpoints.app;

import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.platform.Meters;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Starts the platform and says where to go. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    LinkpointsConfig config = LinkpointsConfig.fromEnv();
    if (args.length > 0 && "rotate-jwt-key".equals(args[0])) {
      rotateKey(config);
      return;
    }
    // The log's backend reads its level once, when the first logger is made: set it before any.
    System.setProperty("linkpoints.log.level", config.logLevel());
    PrometheusMeterRegistry meters = Meters.registry();
    Vertx vertx = Meters.vertx(meters);
    LinkpointsApp.start(vertx, config, Clock.systemUTC(), null, meters)
        .onSuccess(app -> {
          String base = "http://localhost:" + app.port();
          String db = app.database().embedded() != null
              ? "embedded PostgreSQL on 127.0.0.1:" + app.database().embedded().port() + " (data in "
                  + config.dataDir().resolve("postgres") + ")"
              : app.database().target().describe();
          System.out.println();
          System.out.println("Linkpoints is running.");
          System.out.println("  Open:      " + base + "/");
          System.out.println("  Health:    " + base + "/health");
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
          // SIGTERM and Ctrl-C: the app's one ordered stop (each of its steps is bounded).
          Runtime.getRuntime().addShutdownHook(new Thread(() -> app.close()
              .toCompletionStage().toCompletableFuture().orTimeout(120, java.util.concurrent.TimeUnit.SECONDS)
              .exceptionally(e -> null).join(), "linkpoints-stop"));
        })
        .onFailure(err -> {
          System.err.println("Linkpoints could not start: " + err.getMessage());
          err.printStackTrace();
          vertx.close();
          System.exit(1);
        });
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
}
