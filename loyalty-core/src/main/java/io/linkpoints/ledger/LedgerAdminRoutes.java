package io.linkpoints.ledger;

import io.linkpoints.web.AdminGuard;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.Params;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** The admin read side of the ledger: balances, history, transfers, and the invariant check. */
public final class LedgerAdminRoutes {
  private final Ledger ledger;
  private final InvariantCheck check;
  private final AdminGuard guard;

  public LedgerAdminRoutes(Ledger ledger, AdminGuard guard) {
    this.ledger = ledger;
    this.check = new InvariantCheck(ledger.pool());
    this.guard = guard;
  }

  public void mount(Router router) {
    router.route("/v1/admin/*").handler(guard::handle);
    router.get("/v1/admin/ledger/check").handler(this::check);
    router.get("/v1/admin/alliances/:allianceId/ledger/accounts/:accountId").handler(this::account);
    router.get("/v1/admin/alliances/:allianceId/ledger/accounts/:accountId/transfers").handler(this::history);
    router.get("/v1/admin/alliances/:allianceId/ledger/transfers/:transferId").handler(this::transfer);
  }

  private void check(RoutingContext ctx) {
    Long alliance = Params.optionalPositiveLong(ctx, "allianceId");
    check.run(alliance).onSuccess(report -> json(ctx, report.toJson())).onFailure(ctx::fail);
  }

  private void account(RoutingContext ctx) {
    long alliance = Params.positiveLong(ctx, "allianceId");
    long account = Params.positiveLong(ctx, "accountId");
    ledger.account(alliance, account)
        .onSuccess(found -> found.ifPresentOrElse(a -> json(ctx, a.toJson()),
            () -> ctx.fail(ApiException.notFound("account " + account))))
        .onFailure(ctx::fail);
  }

  private void history(RoutingContext ctx) {
    long alliance = Params.positiveLong(ctx, "allianceId");
    long account = Params.positiveLong(ctx, "accountId");
    Long cursor = Params.optionalPositiveLong(ctx, "cursor");
    int limit = Params.intInRange(ctx, "limit", 1, 200, 50);
    ledger.account(alliance, account).compose(found -> {
      if (found.isEmpty()) {
        throw ApiException.notFound("account " + account);
      }
      return ledger.history(alliance, account, cursor, limit);
    }).onSuccess(page -> json(ctx, page.toJson())).onFailure(ctx::fail);
  }

  private void transfer(RoutingContext ctx) {
    long alliance = Params.positiveLong(ctx, "allianceId");
    UUID id = Params.uuid(ctx, "transferId");
    ledger.transferById(alliance, id)
        .onSuccess(found -> found.ifPresentOrElse(t -> json(ctx, t.toJson()),
            () -> ctx.fail(ApiException.notFound("transfer " + id))))
        .onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }
}
