package io.linkpoints.web;

import io.linkpoints.ledger.LedgerAdminRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ServiceLoader;

/** The HTTP face of the service. One instance per event loop; all share the platform. */
public final class ApiVerticle extends VerticleBase {
  /** Bodies larger than this are refused before they are read whole. */
  public static final long MAX_BODY_BYTES = 64 * 1024;

  private final Platform platform;
  private HttpServer server;

  public ApiVerticle(Platform platform) {
    this.platform = platform;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.get("/health").handler(this::health);
    new LedgerAdminRoutes(platform.ledger(), platform.adminGuard()).mount(router);
    for (WebModule module : ServiceLoader.load(WebModule.class)) {
      module.mount(router, platform);
    }
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(FailureHandler::handle);
    server = vertx.createHttpServer(new HttpServerOptions().setPort(platform.config().port()).setHost("0.0.0.0"))
        .requestHandler(router);
    return server.listen();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void health(RoutingContext ctx) {
    long started = System.nanoTime();
    platform.pool().query("select 1").execute().onComplete(ar -> {
      JsonObject db = new JsonObject().put("status", ar.succeeded() ? "up" : "down")
          .put("latencyMs", (System.nanoTime() - started) / 1_000_000);
      if (ar.failed()) {
        db.put("error", ar.cause().getMessage());
      }
      ctx.response().setStatusCode(ar.succeeded() ? 200 : 503).putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("status", ar.succeeded() ? "up" : "down").put("database", db).encode());
    });
  }
}
