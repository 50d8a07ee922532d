package io.linkpoints.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * The operator's port, apart from the public API: {@code GET /metrics} in Prometheus' text
 * format. Bound to loopback unless LINKPOINTS_METRICS_HOST says otherwise, so the figures (shops'
 * sales counts among them) reach the operator's scraper, not the street; no token to leak.
 */
final class ManagementServer {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  private ManagementServer(HttpServer server) {
    this.server = server;
  }

  static Future<ManagementServer> start(Vertx vertx, PrometheusMeterRegistry registry, String host, int port) {
    return vertx.createHttpServer().requestHandler(req -> handle(vertx, registry, req)).listen(port, host)
        .map(ManagementServer::new);
  }

  private static void handle(Vertx vertx, PrometheusMeterRegistry registry, HttpServerRequest req) {
    if (!"/metrics".equals(req.path())) {
      req.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("only /metrics here\n");
      return;
    }
    // Rendering every series is CPU work that grows with them: a worker's, not the event loop's.
    vertx.executeBlocking(registry::scrape, false)
        .onSuccess(text -> req.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(text))
        .onFailure(err -> req.response().setStatusCode(500).end());
  }

  int port() {
    return server.actualPort();
  }

  Future<Void> close() {
    return server.close();
  }
}
