package io.linkpoints.web;

import io.vertx.ext.web.Router;

/**
 * A part of the product that serves HTTP from the same server (the merchant portal's pages, for
 * one). Found with {@link java.util.ServiceLoader}, so loyalty-core does not depend on them.
 */
public interface WebModule {
  /** Adds this module's routes. Called once per server instance, in {@code start()}. */
  void mount(Router router);
}
