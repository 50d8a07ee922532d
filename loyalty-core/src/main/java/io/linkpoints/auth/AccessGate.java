package io.linkpoints.auth;

import io.linkpoints.platform.GroupedQuery;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.Gate;
import io.linkpoints.web.ProblemCode;
import io.linkpoints.web.RequestLog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Who may call what, read from the contract: an operation with {@code security: []} is public;
 * {@code operatorToken} needs the platform operator's token; {@code bearerAuth} needs a valid
 * access token whose role is in the operation's {@code x-roles}, whose alliance is the path's
 * {@code allianceId}, and, for shop roles, whose shop is the path's {@code shopId}. A terminal's
 * token also stops working the moment the terminal is revoked, and the people and terminals of a
 * shop the alliance admin has suspended are refused ({@code 403 shop_suspended}) until it is reinstated.
 * A member's token stops working when the member closes the account ({@code 401 closed_account}),
 * except on the operations marked {@code x-closed-account: true} (the close itself, so its retry
 * answers what the first close did).
 * Past these walls, a shop or settlement period the path names must exist in its alliance
 * ({@code 404 shop_not_found}, {@code 404 period_not_found}: see {@link PathTargets}).
 *
 * <p>It runs twice on purpose. {@link #early} is a root handler, before request validation, so
 * a caller without the right credentials learns nothing about the request schema. {@link #confirm}
 * is the first handler of every operation's route: if the early pass could not match the request
 * to the same operation, it decides there, so no route is ever reached unchecked.
 */
public final class AccessGate implements Gate {
  public static final String BEARER_SCHEME = "bearerAuth";
  public static final String OPERATOR_SCHEME = "operatorToken";
  static final String ROLES_EXTENSION = "x-roles";
  /** Marks the operations a closed account's token may still call. */
  static final String CLOSED_ACCOUNT_EXTENSION = "x-closed-account";
  private static final String DECIDED_FOR = "linkpoints.access.operation";
  /** A live terminal's shop status (no row: revoked, or never enrolled). */
  private static final String ACTIVE_TERMINAL = "select s.status from terminal t"
      + " join shop s on s.alliance_id = t.alliance_id and s.id = t.shop_id"
      + " where t.alliance_id = $1 and t.id = $2 and t.shop_id = $3 and t.enrolled_at is not null and t.revoked_at is null";
  private static final String SHOP_STATUS = "select status from shop where alliance_id = $1 and id = $2";
  /** One row while the member's account is open. */
  private static final String OPEN_MEMBER = "select 1 from member where alliance_id = $1 and id = $2 and closed_at is null";

  private final OpenAPIContract contract;
  private final TokenService tokens;
  private final OperatorGuard operator;
  private final Pool pool;
  // Asked on every call of every till: concurrent calls share round trips.
  private final GroupedQuery activeTerminal;
  // Asked on every member call (the wallet's): concurrent calls share round trips too.
  private final GroupedQuery openMember;
  private final PathTargets targets;
  private final Map<String, Set<Role>> rolesByOperation = new HashMap<>();

  public AccessGate(OpenAPIContract contract, TokenService tokens, OperatorGuard operator, Pool pool) {
    this.contract = contract;
    this.tokens = tokens;
    this.operator = operator;
    this.pool = pool;
    this.activeTerminal = new GroupedQuery(pool, ACTIVE_TERMINAL);
    this.openMember = new GroupedQuery(pool, OPEN_MEMBER);
    this.targets = new PathTargets(pool);
    for (Operation op : contract.operations()) {
      rolesByOperation.put(op.getOperationId(), rolesOf(op));
    }
  }

  /** Root handler: decides for requests that match an operation of the contract, before validation. */
  @Override
  public void early(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    Operation op = contract.findOperation(path, ctx.request().method());
    Map<String, String> params = op == null ? null : pathParams(op.getAbsoluteOpenAPIPath(), path);
    if (params == null) {
      ctx.next();
      return;
    }
    decide(ctx, op, params::get);
  }

  /** First handler of every contract route: decides now unless the early pass already did for this operation. */
  @Override
  public void confirm(RoutingContext ctx) {
    Operation op = ctx.currentRoute().getMetadata(RouterBuilder.KEY_META_DATA_OPERATION);
    if (op == null) {
      ctx.fail(new IllegalStateException("route without an OpenAPI operation"));
      return;
    }
    if (op.getOperationId().equals(ctx.get(DECIDED_FOR))) {
      ctx.next();
      return;
    }
    decide(ctx, op, ctx::pathParam);
  }

  private void decide(RoutingContext ctx, Operation op, Function<String, String> pathParam) {
    Future<Principal> verdict;
    try {
      verdict = check(ctx, op, pathParam);
    } catch (ApiException refused) {
      ctx.fail(refused);
      return;
    }
    verdict.onSuccess(principal -> {
      if (principal != null) {
        ctx.put(Principal.CONTEXT_KEY, principal);
        RequestLog.caller(ctx, principal.role().claim());
      }
      ctx.put(DECIDED_FOR, op.getOperationId());
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /** The caller, null for public and operator routes; or a 401/403 refusal. */
  private Future<Principal> check(RoutingContext ctx, Operation op, Function<String, String> pathParam) {
    List<SecurityRequirement> requirements = op.getSecurityRequirements();
    if (requirements == null || requirements.stream().allMatch(SecurityRequirement::isEmpty)) {
      return Future.succeededFuture(null);
    }
    String bearer = bearer(ctx);
    if (requirements.stream().anyMatch(r -> r.getNames().contains(OPERATOR_SCHEME))) {
      if (!operator.accepts(bearer)) {
        throw ProblemCode.UNAUTHORIZED.refuse("the platform operator's token is required");
      }
      RequestLog.caller(ctx, "operator");
      return Future.succeededFuture(null);
    }
    if (bearer == null) {
      throw ProblemCode.TOKEN_MISSING.refuse("an access token is required (Authorization: Bearer ...)");
    }
    Principal p = tokens.verify(bearer);
    if (p.role() == Role.MEMBER && !Boolean.TRUE.equals(op.getExtensions().get(CLOSED_ACCOUNT_EXTENSION))) {
      // A token outlives its account by up to its lifetime: a closed account's is refused here.
      return openMember.execute(Tuple.of(p.allianceId(), p.subjectId())).map(rows -> {
        if (rows.size() == 0) {
          throw ProblemCode.CLOSED_ACCOUNT.refuse("this member's account was closed");
        }
        return authorize(op, pathParam, p);
      }).compose(caller -> targets.exist(caller, pathParam));
    }
    if (!p.role().shopScoped()) {
      return Future.succeededFuture(p).map(caller -> authorize(op, pathParam, caller))
          .compose(caller -> targets.exist(caller, pathParam));
    }
    // Shop roles: one query for the shop's status (for a terminal, joined with the terminal's own row).
    // A revoked terminal's token is no credential at all: 401 everywhere, before any role check.
    // A suspended shop's people are refused with 403 shop_suspended after the role and tenant walls.
    Future<String> shopStatus = p.role() == Role.TERMINAL
        ? activeTerminal.execute(Tuple.of(p.allianceId(), p.subjectId(), p.shopId()))
            .compose(rows -> rows.size() == 1 ? Future.succeededFuture(rows.iterator().next().getString(0))
                : Future.failedFuture(ProblemCode.TERMINAL_REVOKED.refuse("this terminal has been revoked")))
        : pool.preparedQuery(SHOP_STATUS).execute(Tuple.of(p.allianceId(), p.shopId()))
            .map(rows -> rows.size() == 1 ? rows.iterator().next().getString(0) : null);
    return shopStatus.map(status -> {
      Principal caller = authorize(op, pathParam, p);
      if ("exited".equals(status)) {
        throw ProblemCode.SHOP_EXITED.refuse("this shop has left the alliance");
      }
      if (!"active".equals(status)) {
        throw ProblemCode.SHOP_SUSPENDED.refuse("this shop is suspended by the alliance");
      }
      return caller;
    }).compose(caller -> targets.exist(caller, pathParam));
  }

  /** The role and tenant walls; throws a 403 refusal. */
  private Principal authorize(Operation op, Function<String, String> pathParam, Principal p) {
    if (!rolesByOperation.get(op.getOperationId()).contains(p.role())) {
      throw ProblemCode.ROLE_NOT_ALLOWED.refuse("a " + p.role().claim() + " may not do this");
    }
    String alliance = pathParam.apply("allianceId");
    if (alliance != null && !alliance.equals(Long.toString(p.allianceId()))) {
      throw ProblemCode.NOT_YOUR_ALLIANCE.refuse("this belongs to another alliance");
    }
    String shop = pathParam.apply("shopId");
    if (shop != null && p.role() != Role.ADMIN && !(p.role().shopScoped() && shop.equals(Long.toString(p.shopId())))) {
      throw ProblemCode.NOT_YOUR_SHOP.refuse("this belongs to another shop");
    }
    return p;
  }

  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String value = header.substring(7).trim();
    return value.isEmpty() ? null : value;
  }

  /** The values of {@code {name}} segments of an OpenAPI path template, or null if the path does not fit it. */
  static Map<String, String> pathParams(String template, String path) {
    String[] t = template.split("/", -1);
    String[] p = path.split("/", -1);
    if (t.length != p.length) {
      return null;
    }
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < t.length; i++) {
      if (t[i].startsWith("{") && t[i].endsWith("}")) {
        values.put(t[i].substring(1, t[i].length() - 1), p[i]);
      } else if (!t[i].equals(p[i])) {
        return null;
      }
    }
    return values;
  }

  /** The roles an operation admits; the contract is refused at start-up if a secured one names none or an unknown one. */
  private static Set<Role> rolesOf(Operation op) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Object declared = op.getExtensions().get(ROLES_EXTENSION);
    List<?> names = declared instanceof JsonArray array ? array.getList() : declared instanceof List<?> list ? list : List.of();
    for (Object name : names) {
      Role role = Role.fromClaim(name);
      if (role == null) {
        throw new IllegalStateException(op.getOperationId() + ": unknown role " + name + " in " + ROLES_EXTENSION);
      }
      roles.add(role);
    }
    boolean bearer = op.getSecurityRequirements() != null
        && op.getSecurityRequirements().stream().anyMatch(r -> r.getNames().contains(BEARER_SCHEME));
    if (bearer && roles.isEmpty()) {
      throw new IllegalStateException(op.getOperationId() + " needs a bearer token but names no " + ROLES_EXTENSION);
    }
    return roles;
  }
}
