package io.linkpoints.portal;

import io.linkpoints.web.WebModule;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/** Serves the portal's pages from the classpath folder {@code portal}. */
public final class PortalPages implements WebModule {
  @Override
  public void mount(Router router) {
    router.get("/").handler(ctx -> ctx.reroute("/portal/index.html"));
    // The wallet's service worker: scope /portal/ (covers wallet.html), always checked for a new version.
    router.get("/portal/sw.js").handler(ctx -> {
      ctx.addHeadersEndHandler(v -> ctx.response().putHeader("Cache-Control", "no-cache")
          .putHeader("Service-Worker-Allowed", "/portal/"));
      ctx.next();
    });
    router.get("/portal/manifest.webmanifest").handler(ctx -> {
      ctx.addHeadersEndHandler(v -> ctx.response().putHeader("Content-Type", "application/manifest+json"));
      ctx.next();
    });
    router.get("/portal/*").handler(StaticHandler.create("portal").setCachingEnabled(true).setMaxAgeSeconds(60));
  }
}
