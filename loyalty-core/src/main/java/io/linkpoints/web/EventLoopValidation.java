package io.linkpoints.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import io.vertx.openapi.validation.impl.ValidatedRequestImpl;
import java.util.HashMap;
import java.util.Map;

/**
 * The contract's request validation, run on the request's own event loop. vertx-openapi's
 * {@code RequestValidator.validate} hands every request to a worker thread ({@code executeBlocking})
 * and back, which under the POS benchmark was a worker wake-up and two thread switches per call
 * for a few microseconds of schema checks (the schemas are compiled once, see
 * {@link ValidatorCachingContract}): nothing in it blocks. The checks are the validator's own,
 * called in the order its {@code validate} calls them ({@code validateParameter} for each of the
 * operation's parameters, then {@code validateBody}), so the answers are the same
 * (EventLoopValidationTest compares both on a corpus of good and bad requests); a refusal becomes
 * the same {@code HttpException(400)} the router makes of it.
 */
final class EventLoopValidation extends RequestValidatorImpl {
  private final RequestExtractor extractor;

  EventLoopValidation(Vertx vertx, OpenAPIContract contract, RequestExtractor extractor) {
    super(vertx, contract);
    this.extractor = extractor;
  }

  /** The route's first handler: validates, leaves the result where the router would, and goes on. */
  Handler<RoutingContext> handler(Operation operation) {
    return ctx -> extractor.extractValidatableRequest(ctx, operation)
        .compose(request -> {
          try {
            return Future.succeededFuture(validateHere(request, operation));
          } catch (RuntimeException e) {
            return Future.failedFuture(e);
          }
        })
        .onSuccess(validated -> {
          ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
          ctx.next();
        })
        .onFailure(e -> ctx.fail(e instanceof ValidatorException ? new HttpException(400, e.getMessage(), e) : e));
  }

  /** Validates the request against the operation, on this thread. Throws what the validator throws. */
  ValidatedRequest validateHere(ValidatableRequest request, Operation operation) {
    Map<String, RequestParameter> cookies = new HashMap<>(request.getCookies().size());
    Map<String, RequestParameter> headers = new HashMap<>(request.getHeaders().size());
    Map<String, RequestParameter> path = new HashMap<>(request.getPathParameters().size());
    Map<String, RequestParameter> query = new HashMap<>(request.getQuery().size());
    for (Parameter p : operation.getParameters()) {
      switch (p.getIn()) {
        case COOKIE -> cookies.put(p.getName(), validateParameter(p, request.getCookies().get(p.getName())));
        case HEADER -> headers.put(p.getName(), validateParameter(p, request.getHeaders().get(p.getName())));
        case PATH -> path.put(p.getName(), validateParameter(p, request.getPathParameters().get(p.getName())));
        case QUERY -> query.put(p.getName(), validateParameter(p, request.getQuery().get(p.getName())));
        default -> {
        }
      }
    }
    RequestParameter body = validateBody(operation.getRequestBody(), request);
    return new ValidatedRequestImpl(cookies, headers, path, query, body);
  }
}
