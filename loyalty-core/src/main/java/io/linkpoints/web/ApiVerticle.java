package io.linkpoints.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The HTTP face of the service. One instance per event loop. It knows no feature: the top (app)
 * hands each instance, once the contract is read, its {@link Mounts}: the gate, the hook after it
 * and the route modules.
 *
 * <p>Contract first: the routes come from openapi.yaml through the Vert.x OpenAPI RouterBuilder.
 * Every request passes, in order: the body limit, the access gate (before validation, so bad
 * credentials learn nothing), the malformed-JSON check, the Idempotency-Key check (its own code
 * rather than validation_failed), the contract's validation, the gate's confirmation, the audit
 * hook (admin and owner writes), and the operation's handler.
 */
public final class ApiVerticle extends VerticleBase {
  /** Bodies larger than this are refused before they are read whole. */
  public static final long MAX_BODY_BYTES = 64 * 1024;
  /** The one route that takes a photo (base64 in JSON, the image itself at most 2 MB) has room for it. */
  public static final String SCAN_PATH = "/v1/members/me/scan";
  public static final long MAX_SCAN_BODY_BYTES = 3 * 1024 * 1024;
  /**
   * POSTs whose route streams the body itself (a member import's file, up to 20 MB, written to disk
   * as it comes): the body handler leaves them alone.
   */
  public static final java.util.regex.Pattern STREAMED_UPLOAD =
      java.util.regex.Pattern.compile("/v1/alliances/[0-9]+/shops/[0-9]+/member-imports");
  /** At shutdown, how long requests in flight (and live feeds) may take to finish. */
  public static final long IN_FLIGHT_GRACE_SECONDS = 10;

  /** What one instance mounts: the access gate, the hook after it (the audit hook), the route modules. */
  public record Mounts(Gate gate, Handler<RoutingContext> afterGate, List<ApiRoutes> routes) {
  }

  private final int port;
  private final Health health;
  private final ApiDocs docs;
  private final Function<OpenAPIContract, Mounts> mounts;
  private HttpServer server;
  /** Set when {@link #stop} begins: answers written from then on tell the client to close the connection. */
  private volatile boolean stopping;

  /** {@code checks} decide readiness ({@code /health/ready}); {@code mounts} is called once, in {@code start()}. */
  public ApiVerticle(int port, List<HealthCheck> checks, ApiDocs docs, Function<OpenAPIContract, Mounts> mounts) {
    this.port = port;
    this.health = new Health(checks);
    this.docs = docs;
    this.mounts = mounts;
  }

  @Override
  public Future<?> start() {
    return OpenAPIContract.from(vertx, docs.routerContract()).compose(contract -> {
      Router router = buildRouter(new ValidatorCachingContract(contract));
      server = vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("0.0.0.0"))
          .requestHandler(router);
      return server.listen();
    });
  }

  private Router buildRouter(OpenAPIContract contract) {
    RequestExtractor extractor = RequestExtractor.withBodyHandler();
    RouterBuilder builder = RouterBuilder.create(vertx, contract, extractor);
    EventLoopValidation validation = new EventLoopValidation(vertx, contract, extractor);
    Mounts parts = mounts.apply(contract);
    Gate gate = parts.gate();
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    BodyHandler photo = BodyHandler.create(false).setBodyLimit(MAX_SCAN_BODY_BYTES);
    builder.rootHandler(RequestLog::handle);
    builder.rootHandler(this::closeWhenStopping);
    builder.rootHandler(ctx -> {
      if (ctx.request().method() == io.vertx.core.http.HttpMethod.POST
          && STREAMED_UPLOAD.matcher(ctx.normalizedPath()).matches()) {
        ctx.request().pause(); // held until its route streams the body itself (a member import's file)
        ctx.next();
      } else {
        (SCAN_PATH.equals(ctx.normalizedPath()) ? photo : body).handle(ctx);
      }
    });
    builder.rootHandler(gate::early);
    builder.rootHandler(JsonHandlers::refuseMalformed);
    builder.rootHandler(new IdempotencyKeys(contract)::require);
    for (OpenAPIRoute route : builder.getRoutes()) {
      // Our gate does security; the router's own would want vertx-auth handlers we do not use.
      route.setDoSecurity(false);
      String template = route.getOperation().getOpenAPIPath();
      route.addHandler(ctx -> {
        RequestLog.routed(ctx, template);
        ctx.next();
      });
      // Validation is the contract's, run on the event loop rather than a worker (EventLoopValidation),
      // except for the photo route: checking a 3 MB body takes milliseconds, so there the router's
      // own validation does it on a worker.
      if (!SCAN_PATH.equals(route.getOperation().getOpenAPIPath())) {
        route.setDoValidation(false).addHandler(validation.handler(route.getOperation()));
      }
      route.addHandler(gate::confirm).addHandler(parts.afterGate());
    }
    ApiRoutes.on(builder, "getHealthLive", health::live);
    ApiRoutes.on(builder, "getHealthReady", health::ready);
    ApiRoutes.on(builder, "getHealth", health::ready); // the older name, kept as an alias of ready
    ApiRoutes.on(builder, "getOpenApi", docs::contract);
    ApiRoutes.on(builder, "getDocs", docs::page);
    ApiRoutes.on(builder, "getDocsAsset", docs::asset);
    for (ApiRoutes routes : parts.routes()) {
      routes.mount(builder);
    }
    for (OpenAPIRoute route : builder.getRoutes()) {
      // The route's name for the access log, our validation (unless the router's), the gate, the
      // audit hook, the operation.
      if (route.getHandlers().size() < (route.doValidation() ? 4 : 5)) {
        throw new IllegalStateException("openapi.yaml operation " + route.getOperation().getOperationId()
            + " has no handler");
      }
    }
    Router router = builder.createRouter();
    for (WebModule module : ServiceLoader.load(WebModule.class)) {
      module.mount(router);
    }
    router.route().last().handler(ctx -> ctx.fail(404));
    router.route().failureHandler(FailureHandler::handle);
    return router;
  }

  /**
   * Undeploying stops taking connections and lets requests in flight finish, up to the grace
   * period: the listening socket closes at once (new connections are refused), idle connections
   * close, and busy HTTP/1.1 connections close after their current response (Vert.x drops a request
   * that arrives on one meanwhile, unread, so a till may safely send it again elsewhere).
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    return server == null ? Future.succeededFuture()
        : server.shutdown(IN_FLIGHT_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
  }

  /**
   * An answer finished during shutdown says {@code Connection: close}, so that its client opens
   * a new connection (refused here: another instance, or a retry later) instead of sending its
   * next request on one that is closing.
   */
  private void closeWhenStopping(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      if (stopping) {
        ctx.response().putHeader(io.vertx.core.http.HttpHeaders.CONNECTION, "close");
      }
    });
    ctx.next();
  }

  public int actualPort() {
    return server.actualPort();
  }
}
