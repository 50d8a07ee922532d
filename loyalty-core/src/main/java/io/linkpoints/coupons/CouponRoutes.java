package io.linkpoints.coupons;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.Principal;
import io.linkpoints.qr.QrRender;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.IdempotencyKeys;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * HTTP for campaigns (owners and admins), the member's coupons and market, and the coupon side
 * of the till (terminals). Who may call what is in openapi.yaml; members and terminals are
 * scoped by their token (alliance, member, shop), never by anything in the request.
 */
public final class CouponRoutes implements ApiRoutes {
  public static final String IDEMPOTENCY_KEY = IdempotencyKeys.HEADER;

  private final Coupons coupons;

  public CouponRoutes(Coupons coupons) {
    this.coupons = coupons;
  }

  @Override
  public void mount(RouterBuilder b) {
    Campaigns campaigns = coupons.campaigns();
    on(b, "listCampaigns", JsonHandlers.reply(200, ctx ->
        campaigns.list(alliance(ctx), null).map(CouponJson::campaigns)));
    on(b, "createCampaign", JsonHandlers.reply(201, ctx -> campaigns.create(alliance(ctx), shop(ctx),
        CouponJson.draft(JsonHandlers.body(ctx))).map(CouponJson::campaign)));
    on(b, "listShopCampaigns", JsonHandlers.reply(200, ctx ->
        campaigns.list(alliance(ctx), shop(ctx)).map(CouponJson::campaigns)));
    on(b, "getCampaign", JsonHandlers.reply(200, ctx ->
        campaigns.get(alliance(ctx), shop(ctx), campaign(ctx)).map(CouponJson::campaign)));
    on(b, "acceptCampaign", JsonHandlers.reply(200, ctx ->
        campaigns.accept(alliance(ctx), shop(ctx), campaign(ctx)).map(CouponJson::campaign)));
    on(b, "pauseCampaign", JsonHandlers.reply(200, ctx ->
        campaigns.pause(alliance(ctx), shop(ctx), campaign(ctx)).map(CouponJson::campaign)));
    on(b, "resumeCampaign", JsonHandlers.reply(200, ctx ->
        campaigns.resume(alliance(ctx), shop(ctx), campaign(ctx)).map(CouponJson::campaign)));
    on(b, "createClaimCode", JsonHandlers.reply(201, ctx ->
        coupons.issuer().createClaimCode(alliance(ctx), shop(ctx), campaign(ctx)).map(CouponJson::claimCode)));

    on(b, "listMyCoupons", JsonHandlers.reply(200, ctx -> {
      Principal m = Principal.of(ctx);
      Long cursor = Params.optionalPositiveLong(ctx, "cursor");
      return coupons.memberCoupons().mine(m.allianceId(), m.subjectId(), cursor == null ? 0 : cursor,
          Params.intInRange(ctx, "limit", 1, 200, 50)).map(CouponJson::page);
    }));
    on(b, "getMyCouponQr", ctx -> {
      Principal m = Principal.of(ctx);
      boolean png = "png".equals(ctx.queryParams().get("format"));
      coupons.memberCoupons().couponCode(m.allianceId(), m.subjectId(), Params.positiveLong(ctx, "couponId"))
          .compose(code -> ctx.vertx().executeBlocking(() ->
              Buffer.buffer(png ? QrRender.png(code) : QrRender.svg(code).getBytes(StandardCharsets.UTF_8))))
          .onSuccess(body -> ctx.response().putHeader("Content-Type", png ? "image/png" : "image/svg+xml")
              .putHeader("Cache-Control", "private, no-store").end(body))
          .onFailure(ctx::fail);
    });
    on(b, "getCouponMarket", JsonHandlers.reply(200, ctx -> {
      Principal m = Principal.of(ctx);
      return coupons.memberCoupons().offers(m.allianceId(), m.subjectId()).map(CouponJson::offers);
    }));
    on(b, "exchangeCoupon", JsonHandlers.reply(201, ctx -> {
      Principal m = Principal.of(ctx);
      long campaignId = JsonHandlers.body(ctx).getLong("campaignId");
      return coupons.market().exchange(m.allianceId(), m.subjectId(), campaignId, key(ctx))
          .map(CouponJson::coupon);
    }));
    on(b, "claimCoupon", JsonHandlers.reply(201, ctx -> {
      Principal m = Principal.of(ctx);
      return coupons.issuer().claimCoupon(m.allianceId(), m.subjectId(), JsonHandlers.body(ctx).getString("code"))
          .map(CouponJson::claimed);
    }));

    on(b, "reserveCoupon", JsonHandlers.reply(200, ctx -> {
      Principal t = Principal.of(ctx);
      JsonObject body = JsonHandlers.body(ctx);
      return coupons.till().reserve(t.allianceId(), t.shopId(), key(ctx), body.getString("code"),
          body.getLong("spendFen"), body.getString("orderRef")).map(CouponJson::hold);
    }));
    on(b, "commitCoupon", JsonHandlers.reply(200, ctx -> {
      Principal t = Principal.of(ctx);
      return coupons.till().commit(t.allianceId(), t.shopId(), holdId(ctx), key(ctx)).map(CouponJson::hold);
    }));
    on(b, "releaseCoupon", JsonHandlers.reply(200, ctx -> {
      Principal t = Principal.of(ctx);
      return coupons.till().release(t.allianceId(), t.shopId(), holdId(ctx), key(ctx)).map(CouponJson::hold);
    }));
  }

  private static String key(RoutingContext ctx) {
    String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
    if (!IdempotencyKeys.valid(key)) {
      throw IdempotencyKeys.required();
    }
    return key;
  }

  private static UUID holdId(RoutingContext ctx) {
    try {
      return UUID.fromString(JsonHandlers.body(ctx).getString("holdId"));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ProblemCode.INVALID_PARAMETER.refuse("holdId must be a UUID");
    }
  }

  private static long alliance(RoutingContext ctx) {
    return Params.positiveLong(ctx, "allianceId");
  }

  private static long shop(RoutingContext ctx) {
    return Params.positiveLong(ctx, "shopId");
  }

  private static long campaign(RoutingContext ctx) {
    return Params.positiveLong(ctx, "campaignId");
  }
}
