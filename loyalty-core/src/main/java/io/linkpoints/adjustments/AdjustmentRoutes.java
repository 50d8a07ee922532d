package io.linkpoints.adjustments;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.Principal;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.IdempotencyKeys;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * HTTP for points adjustments: a shop's staff (or the admin) propose and list at the shop's path;
 * the admin sets the threshold, lists the alliance's (pending) ones, approves and rejects. Who may
 * call each is the contract's {@code x-roles}, enforced by the access gate.
 */
public final class AdjustmentRoutes implements ApiRoutes {
  private final PointAdjustments adjustments;

  public AdjustmentRoutes(PointAdjustments adjustments) {
    this.adjustments = adjustments;
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "proposePointAdjustment", JsonHandlers.reply(201, ctx -> adjustments.propose(Principal.of(ctx), shop(ctx),
        AdjustmentJson.proposal(JsonHandlers.body(ctx)), key(ctx)).map(AdjustmentJson::adjustment)));
    on(b, "listShopPointAdjustments", JsonHandlers.reply(200, ctx ->
        adjustments.ofShop(alliance(ctx), shop(ctx)).map(AdjustmentJson::adjustments)));
    on(b, "listPointAdjustments", JsonHandlers.reply(200, ctx ->
        adjustments.ofAlliance(alliance(ctx), ctx.queryParams().get("status")).map(AdjustmentJson::adjustments)));
    on(b, "approvePointAdjustment", JsonHandlers.reply(200, ctx ->
        adjustments.approve(Principal.of(ctx), Params.positiveLong(ctx, "adjustmentId"))
            .map(AdjustmentJson::adjustment)));
    on(b, "rejectPointAdjustment", JsonHandlers.reply(200, ctx ->
        adjustments.reject(Principal.of(ctx), Params.positiveLong(ctx, "adjustmentId"))
            .map(AdjustmentJson::adjustment)));
    on(b, "getPointAdjustmentPolicy", JsonHandlers.reply(200, ctx ->
        adjustments.threshold(alliance(ctx)).map(AdjustmentJson::policy)));
    on(b, "setPointAdjustmentPolicy", JsonHandlers.reply(200, ctx -> adjustments.setThreshold(alliance(ctx),
        JsonHandlers.body(ctx).getLong("approvalAbovePoints")).map(AdjustmentJson::policy)));
  }

  private static String key(RoutingContext ctx) {
    String key = ctx.request().getHeader(IdempotencyKeys.HEADER);
    if (!IdempotencyKeys.valid(key)) {
      throw IdempotencyKeys.required();
    }
    return key;
  }

  private static long alliance(RoutingContext ctx) {
    return Params.positiveLong(ctx, "allianceId");
  }

  private static long shop(RoutingContext ctx) {
    return Params.positiveLong(ctx, "shopId");
  }
}
