package io.linkpoints.web;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request's id and its access log line. The id is the caller's {@code X-Request-Id} when it
 * is a sane token (a proxy's or a till's, so one sale can be followed across systems), else one
 * made here; it is echoed in the response and kept in the request's own Vert.x context, where
 * {@link #currentId()} finds it for every log line written while serving the request (Vert.x runs
 * each request, and the futures it composes, on a context of its own). The access line has the
 * method, the route template (never the path with its ids), the status, the duration and the kind
 * of caller; never a token, a code, a phone number or a body.
 */
public final class RequestLog {
  public static final String HEADER = "X-Request-Id";
  /** The logger of the access lines, apart from the service's own. */
  public static final String ACCESS_LOGGER = "linkpoints.access";
  private static final String ID = "linkpoints.requestId";
  private static final String ROUTE = "linkpoints.route";
  private static final String CALLER = "linkpoints.callerKind";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final Logger access = LoggerFactory.getLogger(ACCESS_LOGGER);

  private RequestLog() {
  }

  /** The router's first handler. */
  public static void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : newId();
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal internal) {
      internal.localContextData().put(ID, id);
    }
    ctx.put(ID, id);
    ctx.response().putHeader(HEADER, id);
    long started = System.nanoTime();
    ctx.addEndHandler(done -> {
      String route = ctx.get(ROUTE);
      String caller = ctx.get(CALLER);
      access.atInfo().addKeyValue("requestId", id).addKeyValue("method", ctx.request().method().name())
          .addKeyValue("route", route != null ? route : unrouted(ctx)).addKeyValue("status", ctx.response().getStatusCode())
          .addKeyValue("durationMs", (System.nanoTime() - started) / 1_000_000)
          .addKeyValue("caller", caller != null ? caller : "none")
          .log("{} {} {}", ctx.request().method().name(), route != null ? route : unrouted(ctx),
              ctx.response().getStatusCode());
    });
    ctx.next();
  }

  /** The id of the request being served on this thread's context, or null outside a request. */
  public static String currentId() {
    Context context = Vertx.currentContext();
    return context instanceof ContextInternal internal ? (String) internal.localContextData().get(ID) : null;
  }

  /** Names the route template of the request (an API operation's path, with its parameters unfilled). */
  public static void routed(RoutingContext ctx, String template) {
    ctx.put(ROUTE, template);
  }

  /** Names the kind of caller (a role, as its token says), once the gate has let it in. */
  public static void caller(RoutingContext ctx, String kind) {
    ctx.put(CALLER, kind);
  }

  /** Pages and assets outside the contract are logged by their first path segment only. */
  private static String unrouted(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    int second = path.indexOf('/', 1);
    return second > 0 ? path.substring(0, second) + "/*" : path.length() <= 64 ? path : "(long path)";
  }

  private static String newId() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }
}
