package io.linkpoints.alliance;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.PasswordHasher;
import io.linkpoints.auth.TokenService;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;

/**
 * HTTP for alliances, shops, staff, terminals and earn rules. Who may call each operation is in
 * openapi.yaml ({@code x-roles}) and enforced by the access gate before these handlers run; the
 * handlers scope every query by the path's alliance (and shop), which the gate has matched to
 * the caller's token.
 */
public final class AllianceRoutes implements ApiRoutes {
  private final Alliances alliances;
  private final Shops shops;
  private final Admins admins;
  private final Terminals terminals;
  private final EarnRules earnRules;
  private final StaffSignIn staffSignIn;
  private final Clock clock;

  public AllianceRoutes(Pool pool, Ledger ledger, PasswordHasher passwords, TokenService tokens, EarnRules earnRules,
      Clock clock) {
    this.alliances = new Alliances(pool, ledger, passwords);
    this.shops = new Shops(pool, ledger, passwords);
    this.admins = new Admins(pool, passwords);
    this.terminals = new Terminals(pool, tokens, clock);
    this.earnRules = earnRules;
    this.staffSignIn = new StaffSignIn(pool, passwords, tokens, clock);
    this.clock = clock;
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "createAlliance", JsonHandlers.reply(201, ctx ->
        alliances.create(AllianceJson.newAlliance(JsonHandlers.body(ctx))).map(AllianceJson::created)));
    on(b, "getAlliance", JsonHandlers.reply(200, ctx -> alliances.get(alliance(ctx)).map(AllianceJson::alliance)));
    on(b, "updateAlliance", JsonHandlers.reply(200, ctx ->
        alliances.update(alliance(ctx), AllianceJson.changes(JsonHandlers.body(ctx))).map(AllianceJson::alliance)));
    on(b, "getAllianceStats", JsonHandlers.reply(200, ctx -> alliances.stats(alliance(ctx)).map(AllianceJson::stats)));

    on(b, "staffSignIn", JsonHandlers.reply(200, ctx -> {
      JsonObject body = JsonHandlers.body(ctx);
      return staffSignIn.signIn(alliance(ctx), body.getString("username"), body.getString("password"))
          .map(AllianceJson::signedIn);
    }));

    on(b, "listAdmins", JsonHandlers.reply(200, ctx ->
        admins.list(alliance(ctx)).map(list -> AllianceJson.items(list, AllianceJson::staff))));
    on(b, "createAdmin", JsonHandlers.reply(201, ctx -> {
      JsonObject body = JsonHandlers.body(ctx);
      return admins.add(alliance(ctx), body.getString("username"), body.getString("password")).map(AllianceJson::staff);
    }));

    on(b, "listShops", JsonHandlers.reply(200, ctx ->
        shops.list(alliance(ctx)).map(list -> AllianceJson.items(list, AllianceJson::shop))));
    on(b, "createShop", JsonHandlers.reply(201, ctx -> {
      JsonObject body = JsonHandlers.body(ctx);
      JsonObject owner = body.getJsonObject("owner");
      return shops.create(alliance(ctx), body.getString("name"), owner.getString("username"),
          owner.getString("password")).map(AllianceJson::created);
    }));
    on(b, "getShop", JsonHandlers.reply(200, ctx -> shops.get(alliance(ctx), shop(ctx)).map(AllianceJson::shop)));
    on(b, "suspendShop", JsonHandlers.reply(200, ctx ->
        shops.suspend(alliance(ctx), shop(ctx), clock.instant()).map(AllianceJson::shop)));
    on(b, "reinstateShop", JsonHandlers.reply(200, ctx ->
        shops.reinstate(alliance(ctx), shop(ctx)).map(AllianceJson::shop)));
    on(b, "listStaff", JsonHandlers.reply(200, ctx ->
        shops.staff(alliance(ctx), shop(ctx)).map(list -> AllianceJson.items(list, AllianceJson::staff))));
    on(b, "createStaff", JsonHandlers.reply(201, ctx -> {
      JsonObject body = JsonHandlers.body(ctx);
      return shops.addStaff(alliance(ctx), shop(ctx), body.getString("username"), body.getString("role"),
          body.getString("password")).map(AllianceJson::staff);
    }));
    on(b, "listCustomers", JsonHandlers.reply(200, ctx -> {
      Long cursor = Params.optionalPositiveLong(ctx, "cursor");
      return shops.customers(alliance(ctx), shop(ctx), cursor == null ? 0 : cursor,
          Params.intInRange(ctx, "limit", 1, 200, 50)).map(AllianceJson::customers);
    }));

    on(b, "listTerminals", JsonHandlers.reply(200, ctx ->
        terminals.list(alliance(ctx), shop(ctx)).map(list -> AllianceJson.items(list, AllianceJson::terminal))));
    on(b, "createTerminal", JsonHandlers.reply(201, ctx -> shops.get(alliance(ctx), shop(ctx))
        .compose(s -> terminals.create(alliance(ctx), shop(ctx), JsonHandlers.body(ctx).getString("name")))
        .map(AllianceJson::created)));
    on(b, "revokeTerminal", JsonHandlers.reply(200, ctx -> terminals.revoke(alliance(ctx), shop(ctx),
        Params.positiveLong(ctx, "terminalId")).map(AllianceJson::terminal)));
    on(b, "enrolTerminal", JsonHandlers.reply(200, ctx ->
        terminals.enrol(JsonHandlers.body(ctx).getString("enrolmentSecret")).map(AllianceJson::enrolled)));
    on(b, "terminalToken", JsonHandlers.reply(200, ctx ->
        terminals.accessToken(JsonHandlers.body(ctx).getString("deviceSecret")).map(AllianceJson::token)));

    on(b, "getEarnRule", JsonHandlers.reply(200, ctx ->
        earnRules.get(alliance(ctx), shop(ctx)).map(EarnRulesJson::rule)));
    on(b, "putEarnRule", JsonHandlers.reply(200, ctx ->
        earnRules.put(alliance(ctx), shop(ctx), EarnRulesJson.rule(JsonHandlers.body(ctx))).map(EarnRulesJson::rule)));
    on(b, "quoteEarn", JsonHandlers.reply(200, ctx -> {
      JsonObject body = JsonHandlers.body(ctx);
      return earnRules.quoteEarn(alliance(ctx), shop(ctx), body.getLong("spendFen"), body.getString("memberHandle"))
          .map(EarnRulesJson::quote);
    }));
  }

  private static long alliance(RoutingContext ctx) {
    return Params.positiveLong(ctx, "allianceId");
  }

  private static long shop(RoutingContext ctx) {
    return Params.positiveLong(ctx, "shopId");
  }
}
