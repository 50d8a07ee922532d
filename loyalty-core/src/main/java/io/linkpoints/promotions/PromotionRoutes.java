package io.linkpoints.promotions;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * HTTP for a shop's promotions and bounty. Who may call each operation is in openapi.yaml
 * ({@code x-roles}: as for the shop's earn rule, writes by the owner or the admin) and enforced by
 * the access gate; every query is scoped by the path's alliance and shop, so another shop's
 * promotion id is {@code 404 promotion_not_found} here.
 */
public final class PromotionRoutes implements ApiRoutes {
  private final Promotions promotions;
  private final Bounties bounties;
  private final PromotionReport report;

  public PromotionRoutes(Promotions promotions, Bounties bounties, PromotionReport report) {
    this.promotions = promotions;
    this.bounties = bounties;
    this.report = report;
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "listPromotions", JsonHandlers.reply(200, ctx ->
        promotions.list(alliance(ctx), shop(ctx)).map(PromotionJson::promotions)));
    on(b, "createPromotion", JsonHandlers.reply(201, ctx ->
        promotions.create(alliance(ctx), shop(ctx), PromotionJson.draft(JsonHandlers.body(ctx)))
            .map(PromotionJson::promotion)));
    on(b, "getPromotion", JsonHandlers.reply(200, ctx ->
        promotions.get(alliance(ctx), shop(ctx), promotion(ctx)).map(PromotionJson::promotion)));
    on(b, "endPromotion", JsonHandlers.reply(200, ctx ->
        promotions.end(alliance(ctx), shop(ctx), promotion(ctx)).map(PromotionJson::promotion)));
    on(b, "getPromotionReport", JsonHandlers.reply(200, ctx -> report.of(alliance(ctx), shop(ctx),
        ctx.queryParams().get("from"), ctx.queryParams().get("to")).map(PromotionJson::report)));
    on(b, "getBounty", JsonHandlers.reply(200, ctx ->
        bounties.get(alliance(ctx), shop(ctx)).map(PromotionJson::bounty)));
    on(b, "putBounty", JsonHandlers.reply(200, ctx -> {
      JsonObject body = JsonHandlers.body(ctx);
      return bounties.put(alliance(ctx), shop(ctx), body.getLong("points"), body.getLong("minSpendFen", 0L))
          .map(PromotionJson::bounty);
    }));
  }

  private static long alliance(RoutingContext ctx) {
    return Params.positiveLong(ctx, "allianceId");
  }

  private static long shop(RoutingContext ctx) {
    return Params.positiveLong(ctx, "shopId");
  }

  private static long promotion(RoutingContext ctx) {
    return Params.positiveLong(ctx, "promotionId");
  }
}
