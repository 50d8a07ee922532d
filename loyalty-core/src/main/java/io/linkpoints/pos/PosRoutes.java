package io.linkpoints.pos;

import static io.linkpoints.web.ApiRoutes.on;

import io.linkpoints.alliance.EarnRules;
import io.linkpoints.auth.Principal;
import io.linkpoints.coupons.Coupons;
import io.linkpoints.qr.CodeJson;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.qr.MemberCodeCheck;
import io.linkpoints.qr.ShopClaimCodes;
import io.linkpoints.passports.Stamps;
import io.linkpoints.promotions.Bounties;
import io.linkpoints.promotions.Promotions;
import io.linkpoints.tiers.MemberTiers;
import io.linkpoints.tiers.TierJson;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.IdempotencyKeys;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Problem;
import io.linkpoints.web.ProblemCode;
import io.linkpoints.web.Refusal;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

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

  /**
   * Where an operation's request may carry a member code, and the same request with that code
   * already used up by the call's opening statement ({@link PosMembers#open}).
   */
  interface CodeFirst<R> {
    MemberRef member(R request);

    R with(R request, MemberRef.Used used);
  }

  private final PosRequests requests;
  private final PosMembers members;
  private final MemberCodeCheck memberCodes;
  private final Visits visits;
  private final Redemptions redemptions;
  private final Accruals accruals;
  private final Refunds refunds;
  private final ShopClaimCodes claims;
  private final EarnRules earnRules;
  private final PosMeters meters;
  private final Bonuses bonuses;
  private final Clock clock;
  private final TierAnswers tiers;

  /**
   * The statements here (GroupedQuery) are built per server instance; {@code coupons}, {@code claims}
   * and {@code earnRules} are shared. Bookkeeping that the ledger's own (synchronous) commit makes
   * durable, or that a retry recreates, goes to {@code bookkeepingPool}, which does not wait for
   * the disk (see app.Platform).
   */
  public PosRoutes(Pool pool, Pool bookkeepingPool, Ledger ledger, MemberCodeCheck memberCodes, Coupons coupons,
      ShopClaimCodes claims, EarnRules earnRules, Promotions promotions, Bounties bounties, MemberTiers tiers,
      Stamps stamps, Clock clock, MeterRegistry meterRegistry) {
    PosMembers members = new PosMembers(bookkeepingPool, clock, memberCodes);
    this.members = members;
    this.memberCodes = memberCodes;
    this.requests = new PosRequests(bookkeepingPool, clock);
    this.visits = new Visits(bookkeepingPool, members, coupons.memberCoupons(), clock);
    this.redemptions = new Redemptions(pool, ledger, members, clock);
    this.bonuses = new Bonuses(pool, ledger, promotions, bounties);
    this.accruals = new Accruals(pool, bookkeepingPool, ledger, members, coupons.issuer(), bonuses, stamps,
        clock);
    this.clock = clock;
    this.refunds = new Refunds(pool, ledger, stamps, clock);
    this.claims = claims;
    this.earnRules = earnRules;
    this.meters = new PosMeters(meterRegistry);
    this.tiers = new TierAnswers(tiers);
  }

  @Override
  public void mount(RouterBuilder b) {
    on(b, "posIdentify", idempotent("identify", PosJson::memberCode, codeFirst(r -> r, (r, used) -> used),
        tiers.current(visits::identify, Visits.Visit::memberHandle), tiered(PosJson::visit)));
    on(b, "posQuote", JsonHandlers.reply(200, ctx -> {
      Caller c = Caller.of(Principal.of(ctx));
      JsonObject body = JsonHandlers.body(ctx);
      String handle = body.getString("memberHandle");
      return earnRules.quoteEarn(c.allianceId(), c.shopId(), body.getLong("spendFen"), handle)
          .compose(q -> bonuses.quote(c, q.quote().spendFen(), q.rule(), handle, clock.instant())
              .map(list -> PosJson.quote(q, list)));
    }));
    on(b, "posReserve", idempotent("reserve", PosJson::reservation, codeFirst(Redemptions.Reservation::member,
        (r, used) -> new Redemptions.Reservation(used, r.points())), redemptions::reserve, PosJson::reserved));
    on(b, "posCommit", idempotent("commit", PosJson::capture, redemptions::commit, PosJson::committed));
    on(b, "posRelease", idempotent("release", PosJson::release, redemptions::release, PosJson::released));
    on(b, "posAccrue", idempotent("accrue", PosJson::sale, codeFirst(Accruals.Sale::member,
        (r, used) -> new Accruals.Sale(used, r.spendFen(), r.orderRef())),
        tiers.afterEarn(accruals::accrue, Accruals.Accrued::memberHandle), tiered(PosJson::accrued)));
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

  /** An answer rendered as before, with the member's tier ({@code tier}: null for none). */
  private static <T> Function<TierAnswers.Tiered<T>, JsonObject> tiered(Function<T, JsonObject> render) {
    return t -> render.apply(t.answer()).put("tier", TierJson.tier(t.tier()));
  }

  private static <R> CodeFirst<R> codeFirst(Function<R, MemberRef> member,
      BiFunction<R, MemberRef.Used, R> with) {
    return new CodeFirst<>() {
      @Override
      public MemberRef member(R request) {
        return member.apply(request);
      }

      @Override
      public R with(R request, MemberRef.Used used) {
        return with.apply(request, used);
      }
    };
  }

  private <R, T> Handler<RoutingContext> idempotent(String operation, Function<JsonObject, R> parse,
      Action<R, T> action, Function<T, JsonObject> render) {
    return idempotent(operation, parse, null, action, render);
  }

  /**
   * {@code parse} reads the body into the operation's request; {@code begin} records the body as
   * sent (its fingerprint), so the body is read only in {@link #run}, where a malformed field is a
   * refusal recorded for the key like any other. With {@code codeFirst}, a request that carries a
   * genuine, live member code opens in one statement ({@link #openWithCode}).
   */
  private <R, T> Handler<RoutingContext> idempotent(String operation, Function<JsonObject, R> parse,
      CodeFirst<R> codeFirst, Action<R, T> action, Function<T, JsonObject> render) {
    return ctx -> {
      String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
      if (!IdempotencyKeys.valid(key)) {
        ctx.fail(IdempotencyKeys.required());
        return;
      }
      Caller caller = Caller.of(Principal.of(ctx));
      JsonObject body = JsonHandlers.body(ctx);
      Future<RecordedAnswer> answer = codeFirst == null
          ? beginThenRun(operation, parse, action, render, caller, key, body)
          : openWithCode(operation, parse, codeFirst, action, render, caller, key, body);
      boolean withCode = codeFirst != null && body.getValue("memberCode") != null;
      answer.onSuccess(a -> {
        meters.answered(operation, a, withCode);
        send(ctx, a);
      }).onFailure(err -> {
        meters.failed(operation, err instanceof Refusal refused ? refused.problem().code() : "error");
        ctx.fail(err);
      });
    };
  }

  /** The general way: the key claimed (or its recorded answer found), then the action run and its answer recorded. */
  private <R, T> Future<RecordedAnswer> beginThenRun(String operation, Function<JsonObject, R> parse,
      Action<R, T> action, Function<T, JsonObject> render, Caller caller, String key, JsonObject body) {
    return requests.begin(caller, key, operation, body)
        .compose(begun -> begun.stored().isPresent() ? Future.succeededFuture(begun.stored().get())
            : run(() -> action.apply(caller, key, parse.apply(body), begun.rerun()), render)
                .compose(answer -> requests.finish(caller, key, answer)));
  }

  /**
   * The sale's path: a request whose member code is genuine and live claims its key and uses its
   * code in one statement, then runs with the member found. Anything else (a body that does not
   * read, a visit, a code that would be refused, a key seen before) takes {@link #beginThenRun},
   * which gives every refusal exactly as before: this path only saves a round trip.
   */
  private <R, T> Future<RecordedAnswer> openWithCode(String operation, Function<JsonObject, R> parse,
      CodeFirst<R> codeFirst, Action<R, T> action, Function<T, JsonObject> render, Caller caller, String key,
      JsonObject body) {
    R request;
    try {
      request = parse.apply(body);
    } catch (RuntimeException unreadable) {
      return beginThenRun(operation, parse, action, render, caller, key, body);
    }
    if (!(codeFirst.member(request) instanceof MemberRef.ByCode code)) {
      return beginThenRun(operation, parse, action, render, caller, key, body);
    }
    return memberCodes.verify(caller.allianceId(), code.code(), code.scannedAt()).compose(genuine -> genuine.isEmpty()
        ? beginThenRun(operation, parse, action, render, caller, key, body)
        : members.open(caller, key, operation, PosRequests.fingerprint(operation, body), genuine.get())
            .compose(opened -> !opened.begun() ? beginThenRun(operation, parse, action, render, caller, key, body)
                : run(() -> opened.member().compose(m -> action.apply(caller, key,
                    codeFirst.with(request, new MemberRef.Used(m)), false)), render)
                    .compose(answer -> requests.finish(caller, key, answer))));
  }

  /**
   * Reads the request and runs the action; a refusal (4xx, a malformed field among them) is an
   * answer to record, anything retryable (429, 5xx) is not: a retry may succeed.
   */
  private static <T> Future<RecordedAnswer> run(Supplier<Future<T>> action, Function<T, JsonObject> render) {
    Future<T> result;
    try {
      result = action.get();
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
