package io.linkpoints.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.ValidatedRequest;

/**
 * Small helpers for JSON handlers behind the OpenAPI router (named so as not to shadow Vert.x's
 * {@code io.vertx.core.json.Json}).
 */
public final class JsonHandlers {
  private JsonHandlers() {
  }

  public static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  public static void ok(RoutingContext ctx, JsonObject body) {
    send(ctx, 200, body);
  }

  /** A handler that answers with {@code status} and the JSON its action produces, or fails with its error. */
  public static Handler<RoutingContext> reply(int status, Function<RoutingContext, Future<JsonObject>> action) {
    return ctx -> {
      Future<JsonObject> result;
      try {
        result = action.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      result.compose(body -> beforeReply(ctx, status, body).map(v -> body))
          .onSuccess(body -> send(ctx, status, body)).onFailure(ctx::fail);
    };
  }

  /**
   * Answers an action that succeeded with {@code status} and {@code body}, after the hook set before
   * the reply (the audit), for handlers whose status depends on the outcome.
   */
  public static void replyAfterHook(RoutingContext ctx, int status, JsonObject body) {
    beforeReply(ctx, status, body).onSuccess(v -> send(ctx, status, body)).onFailure(ctx::fail);
  }

  /** Set by a route handler (the audit hook) to run once the action succeeded, before the reply goes out. */
  public static final String BEFORE_REPLY = "linkpoints.beforeReply";

  public interface BeforeReply {
    Future<Void> apply(int status, JsonObject body);
  }

  private static Future<Void> beforeReply(RoutingContext ctx, int status, JsonObject body) {
    BeforeReply hook = ctx.get(BEFORE_REPLY);
    return hook == null ? Future.succeededFuture() : hook.apply(status, body);
  }

  /**
   * Root handler: a JSON body that does not parse is refused as {@code malformed_json} before the
   * schema validator sees it, so that case has its own stable code.
   */
  public static void refuseMalformed(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.toLowerCase().contains("json") && ctx.body() != null && ctx.body().length() > 0) {
      try {
        io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
      } catch (DecodeException e) {
        ctx.fail(ProblemCode.MALFORMED_JSON.refuse("the body is not valid JSON"));
        return;
      }
    }
    ctx.next();
  }

  /** The request body, already checked against the contract's schema by the OpenAPI router. */
  public static JsonObject body(RoutingContext ctx) {
    ValidatedRequest validated = ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
    if (validated == null || validated.getBody() == null || validated.getBody().isNull()) {
      return new JsonObject();
    }
    return validated.getBody().getJsonObject();
  }
}
