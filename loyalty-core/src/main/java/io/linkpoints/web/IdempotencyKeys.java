package io.linkpoints.web;

import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.JsonSchema;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one rule for an {@code Idempotency-Key}: 1 to 100 characters of {@code A-Z a-z 0-9 _ . : -},
 * the same for every operation that takes one (header) or names one (the POS status path). The
 * contract states it in {@code components/schemas/IdempotencyKey}; start-up refuses a contract
 * whose key parameters say anything else, so the two cannot drift apart.
 */
public final class IdempotencyKeys {
  public static final String HEADER = "Idempotency-Key";
  public static final int MIN_LENGTH = 1;
  public static final int MAX_LENGTH = 100;
  /** As written in the contract (ECMA-262 there, java.util.regex here: the same for this class of characters). */
  public static final String PATTERN = "^[A-Za-z0-9_.:-]+$";
  private static final Pattern COMPILED = Pattern.compile(PATTERN);
  public static final String RULE = MIN_LENGTH + "-" + MAX_LENGTH + " characters of A-Z a-z 0-9 _ . : -";

  private final OpenAPIContract contract;
  private final Set<String> operationsWithKeyHeader = new HashSet<>();

  /** Reads which operations take the header; throws if the contract states another rule for a key. */
  public IdempotencyKeys(OpenAPIContract contract) {
    this.contract = contract;
    for (Operation op : contract.operations()) {
      for (Parameter p : op.getParameters()) {
        boolean header = p.getIn() == Location.HEADER && HEADER.equalsIgnoreCase(p.getName());
        boolean path = p.getIn() == Location.PATH && "idempotencyKey".equals(p.getName());
        if (header || path) {
          requireTheRule(op.getOperationId(), p.getSchema());
        }
        if (header) {
          operationsWithKeyHeader.add(op.getOperationId());
        }
      }
    }
  }

  public static boolean valid(String key) {
    return key != null && key.length() >= MIN_LENGTH && key.length() <= MAX_LENGTH && COMPILED.matcher(key).matches();
  }

  /**
   * Root handler, before the contract's validation: an operation that takes the header refuses a
   * missing or malformed key with its own code, {@code idempotency_key_required}, rather than the
   * schema validator's generic {@code validation_failed}.
   */
  public void require(RoutingContext ctx) {
    Operation op = contract.findOperation(ctx.normalizedPath(), ctx.request().method());
    if (op != null && operationsWithKeyHeader.contains(op.getOperationId()) && !valid(ctx.request().getHeader(HEADER))) {
      ctx.fail(required());
      return;
    }
    ctx.next();
  }

  public static ApiException required() {
    return ProblemCode.IDEMPOTENCY_KEY_REQUIRED.refuse("this call needs an " + HEADER + " header: " + RULE);
  }

  private static void requireTheRule(String operationId, JsonSchema schema) {
    boolean same = schema != null && "string".equals(schema.<Object>get("type"))
        && Objects.equals(number(schema.<Object>get("minLength")), MIN_LENGTH)
        && Objects.equals(number(schema.<Object>get("maxLength")), MAX_LENGTH)
        && PATTERN.equals(schema.<Object>get("pattern"));
    if (!same) {
      throw new IllegalStateException("openapi.yaml: the Idempotency-Key of " + operationId
          + " must be the server's rule (" + RULE + ", pattern " + PATTERN + ")");
    }
  }

  private static Integer number(Object value) {
    return value instanceof Number n ? n.intValue() : null;
  }
}
