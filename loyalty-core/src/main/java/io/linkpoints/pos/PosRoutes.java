package io.linkpoints.pos;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.alliance.EarnRules;
import io.linkpoints.auth.Principal;
import io.linkpoints.alliance.EarnRulesJson;
import io.linkpoints.coupons.Coupons;
import io.linkpoints.qr.CodeJson;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.qr.MemberCodeCheck;
import io.linkpoints.qr.ShopClaimCodes;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.IdempotencyKeys;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Problem;
import io.linkpoints.web.ProblemCode;
import io.linkpoints.web.Refusal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.function.Function;

/**
 * The POS API for terminals, under {@code /v1/alliances/{a}/shops/{s}/pos}. Only terminal tokens
 * of that shop get here (the access gate). Every call that changes something carries an
 * {@code Idempotency-Key}: the first answer for a key is recorded and is the answer to every
 * retry; {@code status} tells a till that timed out what became of its call. The services answer
 * records; they become JSON here ({@link PosJson}), before they are recorded.
 */
public final class PosRoutes implements ApiRoutes {
  public static final String IDEMPOTENCY_KEY = IdempotencyKeys.HEADER;

  /**
   * One POS operation: what it does for this caller, key and request (the body as {@link PosJson}
   * reads it). {@code rerun}: an earlier run of this very request began and left no answer (a
   * crash, or it is still running), so the action first looks for what that run did and answers
   * from it.
   */
  @FunctionalInterface
  interface Action<R, T> {
    Future<T> apply(Caller caller, String key, R request, boolean rerun);
  }

  private final PosRequests requests;
  private final Visits visits;
  private final Redemptions redemptions;
  private final Accruals accruals;
  private final Refunds refunds;
  private final ShopClaimCodes claims;
  private final EarnRules earnRules;

  /**
   * The statements here (GroupedQuery) are built per server instance; {@code coupons}, {@code claims}
   * and {@code earnRules} are shared. Bookkeeping that the ledger's own (synchronous) commit makes
   * durable, or that a retry recreates, goes to {@code bookkeepingPool}, which does not wait for
   * the disk (see app.Platform).
   */
  public PosRoutes(Pool pool, Pool bookkeepingPool, Ledger ledger, MemberCodeCheck memberCodes, Coupons coupons,
      ShopClaimCodes claims, EarnRules earnRules, Clock clock) {
    PosMembers members = new PosMembers(bookkeepingPool, clock, memberCodes);
    this.requests = new PosRequests(bookkeepingPool, clock);
    this.visits = new Visits(bookkeepingPool, members, coupons.memberCoupons(), clock);
    this.redemptions = new Redemptions(pool, ledger, members, clock);
    this.accruals = new Accruals(pool, bookkeepingPool, ledger, members, coupons.issuer(), clock);
    this.refunds = new Refunds(pool, ledger, clock);
    this.claims = claims;
    this.earnRules = earnRules;
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "posIdentify", idempotent("identify", PosJson::memberCode, visits::identify, PosJson::visit));
    on(b, "posQuote", JsonHandlers.reply(200, ctx -> {
      Caller c = Caller.of(Principal.of(ctx));
      JsonObject body = JsonHandlers.body(ctx);
      return earnRules.quoteEarn(c.allianceId(), c.shopId(), body.getLong("spendFen"), body.getString("memberHandle"))
          .map(EarnRulesJson::quote);
    }));
    on(b, "posReserve", idempotent("reserve", PosJson::reservation, redemptions::reserve, PosJson::reserved));
    on(b, "posCommit", idempotent("commit", PosJson::capture, redemptions::commit, PosJson::committed));
    on(b, "posRelease", idempotent("release", PosJson::release, redemptions::release, PosJson::released));
    on(b, "posAccrue", idempotent("accrue", PosJson::sale, accruals::accrue, PosJson::accrued));
    on(b, "posRefund", idempotent("refund", PosJson::refund, refunds::refund, PosJson::refunded));
    // The shop code is qr's: its typed parameters are read from the body here (in run, as
    // PosJson's readers are), and qr's CodeJson renders its answer.
    on(b, "posCreateClaimCode", idempotent("claim_code", Function.identity(),
        (c, key, body, rerun) -> claims.create(c.allianceId(), c.shopId(), c.terminalId(), key,
            body.getLong("points"), body.getLong("spendFen"), body.getLong("lifetimeSeconds")), CodeJson::shopCode));
    on(b, "posRequestStatus", JsonHandlers.reply(200, ctx -> {
      String key = ctx.pathParam("idempotencyKey");
      if (!IdempotencyKeys.valid(key)) {
        throw ProblemCode.INVALID_PARAMETER.refuse("idempotencyKey must be " + IdempotencyKeys.RULE);
      }
      return requests.status(Caller.of(Principal.of(ctx)), key).map(PosJson::requestStatus);
    }));
  }

  /**
   * {@code parse} reads the body into the operation's request; {@code begin} records the body as
   * sent (its fingerprint), so the body is read only in {@link #run}, where a malformed field is a
   * refusal recorded for the key like any other.
   */
  private <R, T> Handler<RoutingContext> idempotent(String operation, Function<JsonObject, R> parse,
      Action<R, T> action, Function<T, JsonObject> render) {
    return ctx -> {
      String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
      if (!IdempotencyKeys.valid(key)) {
        ctx.fail(IdempotencyKeys.required());
        return;
      }
      Caller caller = Caller.of(Principal.of(ctx));
      JsonObject body = JsonHandlers.body(ctx);
      requests.begin(caller, key, operation, body)
          .compose(begun -> begun.stored().isPresent() ? Future.succeededFuture(begun.stored().get())
              : run(parse, action, render, caller, key, body, begun.rerun())
                  .compose(answer -> requests.finish(caller, key, answer)))
          .onSuccess(answer -> send(ctx, answer))
          .onFailure(ctx::fail);
    };
  }

  /**
   * Reads the request and runs the action; a refusal (4xx, a malformed field among them) is an
   * answer to record, anything retryable (429, 5xx) is not: a retry may succeed.
   */
  private static <R, T> Future<RecordedAnswer> run(Function<JsonObject, R> parse, Action<R, T> action,
      Function<T, JsonObject> render, Caller caller, String key, JsonObject body, boolean rerun) {
    Future<T> result;
    try {
      result = action.apply(caller, key, parse.apply(body), rerun);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.map(render).map(RecordedAnswer::ok).recover(err -> {
      // ApiException and the ledger's LedgerException alike. A retryable one (429: too many wrong
      // codes) is about the moment, not the sale: not recorded, so the same key may be served later.
      if (err instanceof Refusal refused && refused.status() < 500 && !refused.problem().retryable()) {
        return Future.succeededFuture(RecordedAnswer.problem(Problem.document(refused)));
      }
      if (err instanceof IllegalArgumentException bad) {
        return Future.succeededFuture(RecordedAnswer.problem(Problem.document(ProblemCode.INVALID_REQUEST,
            bad.getMessage())));
      }
      return Future.failedFuture(err);
    });
  }

  private static void send(RoutingContext ctx, RecordedAnswer answer) {
    if (answer.replayed()) {
      ctx.response().putHeader("Idempotent-Replayed", "true");
    }
    if (answer.isProblem()) {
      Problem.send(ctx, answer.body());
    } else {
      ctx.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
          .end(answer.body().encode());
    }
  }
}
