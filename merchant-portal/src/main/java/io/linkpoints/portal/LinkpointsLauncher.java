package io.linkpoints.portal;

import io.linkpoints.app.Main;

/**
 * Starts the whole platform in one process: loyalty-core's service with the portal's pages
 * mounted on the same server (found through {@link io.linkpoints.web.WebModule}).
 */
public final class LinkpointsLauncher {
  private LinkpointsLauncher() {
  }

  public static void main(String[] args) {
    Main.main(args);
  }
}
