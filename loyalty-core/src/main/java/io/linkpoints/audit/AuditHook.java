package io.linkpoints.audit;

import io.linkpoints.auth.Principal;
import io.linkpoints.auth.Role;
import io.linkpoints.web.JsonHandlers;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.Operation;
import java.util.List;
import java.util.Set;

/**
 * Records every admin and owner action: a handler on every contract route, right after the
 * access gate, that arms a hook for non-GET operations called by an admin or an owner. The hook
 * runs when the action has succeeded and before the reply is sent, so a reply is never sent for an
 * action the log does not hold (if the append fails the caller gets a 500 and the log says
 * nothing of it). Refused requests never reach it. Request bodies are not recorded (passwords).
 */
public final class AuditHook {
  /** POSTs that change nothing. */
  private static final Set<String> READ_ONLY = Set.of("quoteEarn", "searchShopMemberDevices", "searchMemberDevices");
  // A list, not a set: the fields go into the record (and its hash) in this order on every run.
  private static final List<String> RESULT_FIELDS = List.of("id", "status", "label", "runs", "state", "username",
      "role", "name", "shopId", "amountFen", "payerId", "payeeId", "correctsPeriodId", "revokedBy");

  private final AuditLog log;

  public AuditHook(AuditLog log) {
    this.log = log;
  }

  public void arm(RoutingContext ctx) {
    Principal p = Principal.orNull(ctx);
    Operation op = ctx.currentRoute().getMetadata(RouterBuilder.KEY_META_DATA_OPERATION);
    if (p != null && op != null && (p.role() == Role.ADMIN || p.role() == Role.OWNER)
        && ctx.request().method() != HttpMethod.GET && !READ_ONLY.contains(op.getOperationId())) {
      ctx.put(JsonHandlers.BEFORE_REPLY, (JsonHandlers.BeforeReply) (status, body) -> {
        JsonObject result = new JsonObject();
        for (String field : RESULT_FIELDS) {
          if (body.containsKey(field) && !(body.getValue(field) instanceof JsonObject)) {
            result.put(field, body.getValue(field));
          }
        }
        JsonObject detail = new JsonObject().put("method", ctx.request().method().name()).put("status", status)
            .put("shopId", p.shopId()).put("result", result);
        return log.append(p.allianceId(), p.role().claim(), p.subjectId(), op.getOperationId(), ctx.normalizedPath(),
            detail).mapEmpty();
      });
    }
    ctx.next();
  }
}
