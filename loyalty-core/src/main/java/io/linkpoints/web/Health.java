package io.linkpoints.web;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health/live} (the process serves: always 200) and {@code /health/ready} (200 only when
 * every {@link HealthCheck} is up, else 503; {@code /health} is an alias). The answer names each
 * check and its state and nothing more: an exception's text can carry hosts, users or SQL, so it
 * goes to the log, once per change of state, not to a public answer.
 */
final class Health {
  private static final Logger log = LoggerFactory.getLogger(Health.class);
  /** A probe that has not answered by then is down: a hung database must not hang the probe's caller. */
  static final long CHECK_TIMEOUT_MS = 2_000;

  private final List<HealthCheck> checks;
  /** Last state seen per check, on this instance's event loop only: to log changes, not every poll. */
  private final Map<String, Boolean> lastUp = new HashMap<>();

  Health(List<HealthCheck> checks) {
    this.checks = List.copyOf(checks);
  }

  void live(RoutingContext ctx) {
    answer(ctx, 200, new JsonObject().put("status", "up"));
  }

  void ready(RoutingContext ctx) {
    List<Future<Boolean>> results = new ArrayList<>(checks.size());
    for (HealthCheck check : checks) {
      results.add(probe(check));
    }
    Future.join(results).onComplete(done -> {
      JsonObject states = new JsonObject();
      boolean allUp = true;
      for (int i = 0; i < checks.size(); i++) {
        boolean up = Boolean.TRUE.equals(results.get(i).result());
        states.put(checks.get(i).name(), up ? "up" : "down");
        allUp &= up;
      }
      answer(ctx, allUp ? 200 : 503, new JsonObject().put("status", allUp ? "up" : "down").put("checks", states));
    });
  }

  private Future<Boolean> probe(HealthCheck check) {
    Future<?> probe;
    try {
      probe = check.probe().get();
    } catch (RuntimeException e) {
      probe = Future.failedFuture(e);
    }
    return probe.timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .map(ok -> seen(check.name(), true, null))
        .otherwise(err -> seen(check.name(), false, err));
  }

  private boolean seen(String name, boolean up, Throwable why) {
    Boolean before = lastUp.put(name, up);
    if (!up && !Boolean.FALSE.equals(before)) {
      log.warn("Health check {} is down: {}", name, why == null ? "" : why.getMessage());
    } else if (up && Boolean.FALSE.equals(before)) {
      log.info("Health check {} is up again", name);
    }
    return up;
  }

  private static void answer(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }
}
