package io.linkpoints.exits;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.Principal;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * HTTP for shop exits: the admin starts one and lists them; the admin or the shop's owner reads
 * the shop's. Who may call each is the contract's {@code x-roles} (tag {@code shop-exit}); the
 * admin's start is audited by the route-level hook.
 */
public final class ExitRoutes implements ApiRoutes {
  private final ShopExits exits;

  public ExitRoutes(ShopExits exits) {
    this.exits = exits;
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "startShopExit", JsonHandlers.reply(201, ctx -> exits.start(Principal.of(ctx),
        Params.positiveLong(ctx, "shopId"), ExitJson.start(JsonHandlers.body(ctx))).map(ExitJson::exit)));
    on(b, "cancelShopExit", JsonHandlers.reply(200, ctx -> exits.cancel(Params.positiveLong(ctx, "allianceId"),
        Params.positiveLong(ctx, "shopId")).map(ExitJson::exit)));
    on(b, "getShopExit", JsonHandlers.reply(200, ctx -> exits.get(Params.positiveLong(ctx, "allianceId"),
        Params.positiveLong(ctx, "shopId")).map(ExitJson::exit)));
    on(b, "listShopExits", JsonHandlers.reply(200, ctx -> exits.list(Params.positiveLong(ctx, "allianceId"))
        .map(ExitJson::exits)));
  }
}
