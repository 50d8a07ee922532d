package io.linkpoints.tiers;

import io.linkpoints.auth.Principal;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * HTTP for tiers: the alliance's definitions (read by its staff, replaced by its admin: the
 * contract's {@code x-roles}, enforced by the access gate), a shop's own tier perks (its owner or the
 * admin: another shop's owner is refused by the gate, 403 not_your_shop) and the member's own tier,
 * progress and perks.
 */
public final class TierRoutes implements ApiRoutes {
  private final TierDefinitions definitions;
  private final MemberTiers tiers;
  private final ShopTierPerks shopPerks;

  public TierRoutes(Pool pool, Clock clock) {
    this.definitions = new TierDefinitions(pool, clock);
    this.tiers = new MemberTiers(pool, clock);
    this.shopPerks = new ShopTierPerks(pool, clock);
  }

  @Override
  public void mount(RouterBuilder b) {
    ApiRoutes.on(b, "getTiers", JsonHandlers.reply(200, ctx ->
        definitions.get(Params.positiveLong(ctx, "allianceId")).map(TierJson::definitions)));
    ApiRoutes.on(b, "putTiers", JsonHandlers.reply(200, ctx -> definitions.replace(
        Params.positiveLong(ctx, "allianceId"), TierJson.draft(JsonHandlers.body(ctx))).map(TierJson::definitions)));
    ApiRoutes.on(b, "getShopTierPerks", JsonHandlers.reply(200, ctx -> {
      long shop = Params.positiveLong(ctx, "shopId");
      return shopPerks.get(Params.positiveLong(ctx, "allianceId"), shop).map(list -> TierJson.shopPerks(shop, list));
    }));
    ApiRoutes.on(b, "putShopTierPerks", JsonHandlers.reply(200, ctx -> {
      long shop = Params.positiveLong(ctx, "shopId");
      return shopPerks.replace(Params.positiveLong(ctx, "allianceId"), shop, TierJson.perkDrafts(JsonHandlers.body(ctx)))
          .map(list -> TierJson.shopPerks(shop, list));
    }));
    ApiRoutes.on(b, "getMyTier", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return tiers.progress(me.allianceId(), me.subjectId()).map(TierJson::progress);
    }));
  }
}
