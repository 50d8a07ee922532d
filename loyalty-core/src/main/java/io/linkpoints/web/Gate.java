package io.linkpoints.web;

import io.vertx.ext.web.RoutingContext;

/**
 * The access check the server runs on every request (auth's {@code AccessGate}): {@link #early}
 * before validation, so bad credentials learn nothing of the schema, and {@link #confirm} as the
 * first handler of every route. An interface so that web does not import auth.
 */
public interface Gate {
  void early(RoutingContext ctx);

  void confirm(RoutingContext ctx);
}
