package io.linkpoints.settlement;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.audit.AuditJson;
import io.linkpoints.audit.AuditLog;
import io.linkpoints.export.ExportFormat;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.linkpoints.web.Refusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.function.Function;

/**
 * HTTP for settlement, reconciliation, liability, cross-visits, exports and the audit log. The
 * admin sees its whole alliance; an owner only its own shop's statement, liability and export
 * (the contract's x-roles and the access gate's shop wall, as everywhere else).
 */
public final class SettlementRoutes implements ApiRoutes {
  private final Periods periods;
  private final SettlementRun run;
  private final Statements statements;
  private final Reconciliation reconciliation;
  private final Liability liability;
  private final CrossVisits crossVisits;
  private final CustomerOverlap customerOverlap;
  private final Adjustments adjustments;
  private final Exports exports;
  private final AuditLog audit;

  private final MeterRegistry meters;

  /** {@code meters}: where settlement runs and closes are counted, by outcome. */
  public SettlementRoutes(Pool pool, Clock clock, MeterRegistry meters) {
    this.meters = meters;
    this.periods = new Periods(pool, clock);
    this.run = new SettlementRun(pool, clock);
    this.statements = new Statements(pool, periods);
    this.reconciliation = new Reconciliation(pool, periods);
    this.liability = new Liability(pool, clock);
    this.crossVisits = new CrossVisits(pool, periods);
    this.customerOverlap = new CustomerOverlap(pool, periods, clock);
    this.adjustments = new Adjustments(pool, periods, clock);
    this.exports = new Exports(pool, periods);
    this.audit = new AuditLog(pool, clock);
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "listSettlementPeriods", JsonHandlers.reply(200, ctx ->
        periods.list(alliance(ctx)).map(SettlementJson::periods)));
    on(b, "createSettlementPeriod", JsonHandlers.reply(201, ctx ->
        periods.create(alliance(ctx), JsonHandlers.body(ctx).getString("month")).map(SettlementJson::period)));
    on(b, "getSettlementPeriod", JsonHandlers.reply(200, ctx ->
        periods.get(alliance(ctx), period(ctx)).map(SettlementJson::period)));
    on(b, "runSettlementPeriod", JsonHandlers.reply(200, ctx ->
        counted("run", run.run(alliance(ctx), period(ctx))).map(SettlementJson::period)));
    on(b, "closeSettlementPeriod", JsonHandlers.reply(200, ctx ->
        counted("close", periods.close(alliance(ctx), period(ctx))).map(SettlementJson::period)));
    on(b, "listSettlementStatements", JsonHandlers.reply(200, ctx ->
        statements.all(alliance(ctx), period(ctx)).map(SettlementJson::periodStatements)));
    on(b, "listSettlementItems", JsonHandlers.reply(200, ctx -> {
      Long cursor = Params.optionalPositiveLong(ctx, "cursor");
      Long party = ctx.queryParams().get("partyId") == null ? null
          : Long.parseLong(ctx.queryParams().get("partyId"));
      return statements.items(alliance(ctx), period(ctx), party, ctx.queryParams().get("category"),
          cursor == null ? 0 : cursor, Params.intInRange(ctx, "limit", 1, 200, 100)).map(SettlementJson::itemPage);
    }));
    on(b, "getSettlementMatrix", JsonHandlers.reply(200, ctx ->
        statements.matrix(alliance(ctx), period(ctx)).map(SettlementJson::matrix)));
    on(b, "getSettlementNetting", JsonHandlers.reply(200, ctx ->
        statements.netting(alliance(ctx), period(ctx)).map(SettlementJson::netted)));
    on(b, "getReconciliation", JsonHandlers.reply(200, ctx ->
        reconciliation.report(alliance(ctx), period(ctx)).map(SettlementJson::reconciliation)));
    on(b, "getCrossVisits", JsonHandlers.reply(200, ctx ->
        crossVisits.of(alliance(ctx), period(ctx)).map(SettlementJson::crossVisits)));
    on(b, "getCustomerOverlap", JsonHandlers.reply(200, ctx -> customerOverlap.of(alliance(ctx), shop(ctx),
        ctx.queryParams().get("from"), ctx.queryParams().get("to")).map(SettlementJson::customerOverlap)));
    on(b, "createSettlementAdjustment", JsonHandlers.reply(201, ctx -> adjustments.add(alliance(ctx), period(ctx),
        SettlementJson.correction(JsonHandlers.body(ctx))).map(SettlementJson::adjustment)));
    on(b, "getAllianceLiability", JsonHandlers.reply(200, ctx ->
        liability.of(alliance(ctx), null).map(SettlementJson::liability)));
    on(b, "getShopLiability", JsonHandlers.reply(200, ctx ->
        liability.of(alliance(ctx), shop(ctx)).map(SettlementJson::liability)));
    on(b, "listShopSettlementPeriods", JsonHandlers.reply(200, ctx ->
        periods.list(alliance(ctx)).map(SettlementJson::periods)));
    on(b, "getShopStatement", JsonHandlers.reply(200, ctx ->
        statements.ofShop(alliance(ctx), period(ctx), shop(ctx)).map(SettlementJson::shopStatement)));

    on(b, "exportShopTransfers", stream(ctx ->
        exports.shopTransfers(ctx, alliance(ctx), period(ctx), shop(ctx), format(ctx))));
    on(b, "exportStatements", stream(ctx -> exports.statements(ctx, alliance(ctx), period(ctx), format(ctx))));
    on(b, "exportMatrix", stream(ctx -> exports.matrix(ctx, alliance(ctx), period(ctx), format(ctx))));

    on(b, "listAuditLog", JsonHandlers.reply(200, ctx -> {
      Long cursor = Params.optionalPositiveLong(ctx, "cursor");
      return audit.records(alliance(ctx), cursor == null ? 0 : cursor, Params.intInRange(ctx, "limit", 1, 200, 100))
          .map(AuditJson::page);
    }));
    on(b, "verifyAuditLog", JsonHandlers.reply(200, ctx -> audit.checkChain(alliance(ctx)).map(AuditJson::chainCheck)));
  }

  /** A streaming handler: the export writes the response itself; only a failure before it starts is ours. */
  private static Handler<RoutingContext> stream(Function<RoutingContext, Future<Void>> export) {
    return ctx -> {
      try {
        export.apply(ctx).onFailure(ctx::fail);
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    };
  }

  private static ExportFormat format(RoutingContext ctx) {
    return ExportFormat.parse(ctx.queryParams().get("format"));
  }

  private static long alliance(RoutingContext ctx) {
    return Params.positiveLong(ctx, "allianceId");
  }

  private static long shop(RoutingContext ctx) {
    return Params.positiveLong(ctx, "shopId");
  }

  private static long period(RoutingContext ctx) {
    return Params.positiveLong(ctx, "periodId");
  }

  /** Counts a period's run or close by its outcome: {@code ok} or the refusal's code. */
  private <T> Future<T> counted(String step, Future<T> done) {
    return done.onComplete(ar -> Counter.builder("linkpoints.settlement.runs")
        .description("Settlement period runs and closes, by outcome").tag("step", step)
        .tag("outcome", ar.succeeded() ? "ok" : ar.cause() instanceof Refusal r ? r.code() : "error")
        .register(meters).increment());
  }
}
