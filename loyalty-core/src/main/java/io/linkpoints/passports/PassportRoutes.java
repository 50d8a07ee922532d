package io.linkpoints.passports;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.Principal;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/**
 * HTTP for passports: the admin's (create, list, one with its funnel, its own pause), a named shop's
 * owner's (the passports naming the shop, consent, the shop's own pause) and the member's cards. Who
 * may call each is the contract's {@code x-roles}, enforced by the access gate; a shop's path only
 * reaches passports naming that shop ({@code 404 passport_not_found} otherwise).
 */
public final class PassportRoutes implements ApiRoutes {
  private final Passports passports;

  public PassportRoutes(Passports passports) {
    this.passports = passports;
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "listPassports", JsonHandlers.reply(200, ctx -> passports.list(alliance(ctx)).map(PassportJson::passports)));
    on(b, "createPassport", JsonHandlers.reply(201, ctx ->
        passports.create(alliance(ctx), PassportJson.draft(JsonHandlers.body(ctx))).map(PassportJson::passport)));
    on(b, "getPassport", JsonHandlers.reply(200, ctx ->
        passports.get(alliance(ctx), passport(ctx)).map(PassportJson::passport)));
    on(b, "pausePassport", JsonHandlers.reply(200, ctx ->
        passports.pause(alliance(ctx), passport(ctx)).map(PassportJson::passport)));
    on(b, "resumePassport", JsonHandlers.reply(200, ctx ->
        passports.resume(alliance(ctx), passport(ctx)).map(PassportJson::passport)));
    on(b, "listShopPassports", JsonHandlers.reply(200, ctx ->
        passports.ofShop(alliance(ctx), shop(ctx)).map(PassportJson::passports)));
    on(b, "consentPassport", JsonHandlers.reply(200, ctx ->
        passports.consent(alliance(ctx), shop(ctx), passport(ctx)).map(PassportJson::passport)));
    on(b, "pauseShopPassport", JsonHandlers.reply(200, ctx ->
        passports.pauseShop(alliance(ctx), shop(ctx), passport(ctx)).map(PassportJson::passport)));
    on(b, "resumeShopPassport", JsonHandlers.reply(200, ctx ->
        passports.resumeShop(alliance(ctx), shop(ctx), passport(ctx)).map(PassportJson::passport)));
    on(b, "getMyPassports", JsonHandlers.reply(200, ctx -> {
      Principal me = Principal.of(ctx);
      return passports.cards(me.allianceId(), me.subjectId()).map(PassportJson::cards);
    }));
  }

  private static long alliance(RoutingContext ctx) {
    return Params.positiveLong(ctx, "allianceId");
  }

  private static long shop(RoutingContext ctx) {
    return Params.positiveLong(ctx, "shopId");
  }

  private static long passport(RoutingContext ctx) {
    return Params.positiveLong(ctx, "passportId");
  }
}
