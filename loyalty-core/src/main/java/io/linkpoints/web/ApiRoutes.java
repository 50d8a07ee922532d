package io.linkpoints.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;

/** A part of the API that implements operations of the contract, by operationId. */
public interface ApiRoutes {
  void mount(RouterBuilder builder);

  /** Adds the handler of one operation; a name the contract does not have is a start-up error. */
  static void on(RouterBuilder builder, String operationId, Handler<RoutingContext> handler) {
    OpenAPIRoute route = builder.getRoute(operationId);
    if (route == null) {
      throw new IllegalStateException("openapi.yaml has no operation " + operationId);
    }
    route.addHandler(handler);
  }
}
