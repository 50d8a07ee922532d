package io.linkpoints.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ContractCheck;
import io.linkpoints.testing.SchemaSamples;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The event-loop validation answers exactly as vertx-openapi's own validator (which runs on a
 * worker): for every operation of the contract, a seeded corpus of requests — bodies valid by the
 * schema, of the wrong type, out of range, with a field missing or added, not an object, absent;
 * parameters well formed, malformed, huge or missing — goes through both, and each must end the
 * same: both accept with the same validated parameters and body, or both refuse with the same
 * exception and message (which the router and {@code FailureHandler} turn into the same 400
 * {@code validation_failed} either way).
 */
class EventLoopValidationTest {
  private static final long SEED = 20261207;
  private static final int CASES_PER_OPERATION = 40;
  private static Vertx vertx;
  private static OpenAPIContract contract;

  @BeforeAll
  static void load() throws Exception {
    vertx = Vertx.vertx();
    contract = new ValidatorCachingContract(OpenAPIContract.from(vertx, ApiDocs.load().routerContract())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void everyRequestOfTheCorpusEndsAsTheStockValidatorEndsIt() throws Exception {
    RequestValidator stock = RequestValidator.create(vertx, contract);
    EventLoopValidation ours = new EventLoopValidation(vertx, contract, RequestExtractor.withBodyHandler());
    SchemaSamples samples = new SchemaSamples(ContractCheck.shared(), SEED);
    Random random = samples.random();
    int accepted = 0;
    int refused = 0;
    List<String> differences = new ArrayList<>();
    for (Operation operation : contract.operations()) {
      JsonObject bodySchema = bodySchema(operation.getOperationId());
      for (int i = 0; i < CASES_PER_OPERATION; i++) {
        ValidatableRequestImpl request = request(operation, bodySchema, samples, random);
        String theirs = outcome(() -> stock.validate(request, operation.getOperationId())
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
        String mine = outcome(() -> ours.validateHere(request, operation));
        if (!theirs.equals(mine)) {
          differences.add(operation.getOperationId() + " #" + i + ":\n    stock: " + theirs + "\n    ours:  " + mine);
        }
        if (mine.startsWith("accepted")) {
          accepted++;
        } else {
          refused++;
        }
      }
    }
    assertEquals(List.of(), differences);
    // A corpus that only passed, or only failed, would compare half the behaviour.
    assertTrue(accepted >= 200 && refused >= 1000, "accepted " + accepted + ", refused " + refused);
  }

  private interface Validation {
    ValidatedRequest run() throws Exception;
  }

  /** "accepted" with what was validated, or "refused" with the exception's class and message. */
  private static String outcome(Validation validation) {
    try {
      ValidatedRequest v = validation.run();
      return "accepted path=" + values(v.getPathParameters()) + " query=" + values(v.getQuery())
          + " headers=" + values(v.getHeaders()) + " body=" + (v.getBody() == null ? null : v.getBody().get());
    } catch (ExecutionException e) {
      return "refused " + e.getCause().getClass().getName() + ": " + e.getCause().getMessage();
    } catch (Exception e) {
      return "refused " + e.getClass().getName() + ": " + e.getMessage();
    }
  }

  private static Map<String, Object> values(Map<String, RequestParameter> parameters) {
    Map<String, Object> out = new java.util.TreeMap<>();
    parameters.forEach((name, p) -> out.put(name, p == null ? null : p.get()));
    return out;
  }

  private static ValidatableRequestImpl request(Operation operation, JsonObject bodySchema, SchemaSamples samples,
      Random random) {
    Map<String, RequestParameter> headers = new HashMap<>();
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      if (random.nextInt(8) == 0) {
        continue; // missing, required or not
      }
      RequestParameter value = new RequestParameterImpl(parameterText(random));
      switch (p.getIn()) {
        case HEADER -> headers.put(p.getName(), value);
        case PATH -> path.put(p.getName(), value);
        case QUERY -> query.put(p.getName(), value);
        default -> {
        }
      }
    }
    if (bodySchema == null) {
      return new ValidatableRequestImpl(Map.of(), headers, path, query, new RequestParameterImpl(null), null);
    }
    return new ValidatableRequestImpl(Map.of(), headers, path, query, new RequestParameterImpl(body(bodySchema,
        samples, random)), "application/json");
  }

  private static String parameterText(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> String.valueOf(1 + random.nextInt(1000));
      case 1 -> String.valueOf(-random.nextInt(1000));
      case 2 -> "99999999999999999999";
      case 3 -> UUID.randomUUID().toString();
      case 4 -> "";
      case 5 -> "x".repeat(1 + random.nextInt(300));
      case 6 -> "2026-12";
      case 7 -> "k-" + Long.toHexString(random.nextLong());
      default -> "not a number";
    };
  }

  private static Object body(JsonObject schema, SchemaSamples samples, Random random) {
    Object valid = samples.valid(schema);
    switch (random.nextInt(8)) {
      case 0, 1, 2 -> {
        return valid;
      }
      case 3 -> {
        return samples.wrongType(schema);
      }
      case 4 -> {
        return samples.outOfRange(schema);
      }
      case 5 -> {
        if (valid instanceof JsonObject o && !o.isEmpty()) {
          List<String> names = new ArrayList<>(o.fieldNames());
          o.remove(names.get(random.nextInt(names.size())));
        }
        return valid;
      }
      case 6 -> {
        return valid instanceof JsonObject o ? o.put("unexpected" + random.nextInt(3), random.nextInt()) : valid;
      }
      default -> {
        return random.nextBoolean() ? new JsonArray().add(1) : "x";
      }
    }
  }

  /** The raw JSON schema of the operation's JSON body, or null if it takes none. */
  private static JsonObject bodySchema(String operationId) {
    JsonObject paths = ContractCheck.shared().contract().getJsonObject("paths");
    for (String template : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(template);
      for (String method : item.fieldNames()) {
        Object op = item.getValue(method);
        if (op instanceof JsonObject o && operationId.equals(o.getString("operationId"))) {
          JsonObject json = o.getJsonObject("requestBody", new JsonObject()).getJsonObject("content", new JsonObject())
              .getJsonObject("application/json");
          return json == null ? null : json.getJsonObject("schema");
        }
      }
    }
    throw new IllegalStateException("no operation " + operationId + " in the contract");
  }
}
