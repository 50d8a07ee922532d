package io.linkpoints.ledger.api;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.auth.Principal;
import io.linkpoints.ledger.InvariantCheck;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.vertx.core.Future;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.UUID;

/**
 * The admin read side of the ledger: balances, history, transfers, and the invariant check.
 * Only an alliance admin, only for its own alliance: the contract says so and the access gate
 * enforces it; the check always runs for the caller's alliance.
 */
public final class LedgerAdminRoutes implements ApiRoutes {
  private final Ledger ledger;
  private final InvariantCheck check;

  public LedgerAdminRoutes(Ledger ledger) {
    this.ledger = ledger;
    this.check = new InvariantCheck(ledger.pool());
  }

  @Override
  public void mount(RouterBuilder builder) {
    on(builder, "checkLedger",
        JsonHandlers.reply(200, ctx -> check.run(Principal.of(ctx).allianceId()).map(LedgerJson::invariantReport)));
    on(builder, "getLedgerAccount", JsonHandlers.reply(200, ctx -> {
      long alliance = Params.positiveLong(ctx, "allianceId");
      long account = Params.positiveLong(ctx, "accountId");
      return ledger.account(alliance, account)
          .map(found -> LedgerJson.account(found.orElseThrow(() -> ApiException.notFound("account " + account))));
    }));
    on(builder, "listLedgerAccountTransfers", JsonHandlers.reply(200, ctx -> {
      long alliance = Params.positiveLong(ctx, "allianceId");
      long account = Params.positiveLong(ctx, "accountId");
      Long cursor = Params.optionalPositiveLong(ctx, "cursor");
      int limit = Params.intInRange(ctx, "limit", 1, 200, 50);
      return ledger.account(alliance, account).compose(found -> {
        if (found.isEmpty()) {
          return Future.failedFuture(ApiException.notFound("account " + account));
        }
        return ledger.history(alliance, account, cursor, limit).map(LedgerJson::historyPage);
      });
    }));
    on(builder, "getLedgerTransfer", JsonHandlers.reply(200, ctx -> {
      long alliance = Params.positiveLong(ctx, "allianceId");
      UUID id = Params.uuid(ctx, "transferId");
      return ledger.transferById(alliance, id)
          .map(found -> LedgerJson.transfer(found.orElseThrow(() -> ApiException.notFound("transfer " + id))));
    }));
  }
}
