package io.linkpoints.portal;

import io.linkpoints.app.Commands;
import io.linkpoints.app.Main;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.portal.demo.DemoSeed;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Starts the whole platform in one process: loyalty-core's service with the portal's pages
 * mounted on the same server (found through {@link io.linkpoints.web.WebModule}). On a new data
 * folder with the embedded database it first seeds a demo alliance (LINKPOINTS_DEMO=off skips it).
 */
public final class LinkpointsLauncher {
  private LinkpointsLauncher() {
  }

  public static void main(String[] args) throws Exception {
    if (Commands.startsServer(args)) { // --help and the other commands start nothing
      LinkpointsConfig config = LinkpointsConfig.fromEnv();
      Path signIns = config.dataDir().resolve("demo-sign-ins.txt");
      if (DemoSeed.wanted(config, System.getenv())) {
        // The log's backend reads its level once, when the first logger is made (as Main does).
        System.setProperty("linkpoints.log.level", config.logLevel());
        System.out.println("New data folder: seeding a demo alliance (LINKPOINTS_DEMO=off skips this)...");
        Vertx vertx = Vertx.vertx();
        try {
          System.out.print(DemoSeed.seed(vertx, config));
        } finally {
          vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
      } else if (Files.exists(signIns)) {
        System.out.print(Files.readString(signIns, StandardCharsets.UTF_8));
      }
      String base = "http://localhost:" + config.port();
      System.out.println("  Portal:  " + base + "/portal/login.html   Wallet: " + base + "/portal/wallet.html");
    }
    Main.main(args);
  }
}
