package io.linkpoints.portal.bench;

import io.linkpoints.app.Commands;
import io.linkpoints.platform.Folders;
import io.linkpoints.platform.LinkpointsConfig;
import io.linkpoints.till.client.PosClient;
import io.linkpoints.till.client.PosClientOptions;
import io.linkpoints.till.fleet.Fleet;
import io.linkpoints.till.qr.MemberCodeImages;
import io.linkpoints.till.qr.ScannerInput;
import io.linkpoints.till.sim.PosSimulator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * {@code ./linkpoints pos}: the POS simulator. With LINKPOINTS_POS_DEVICE_SECRET (and _SHOP,
 * _URL) it is a till of a running platform; without, it starts a demo platform in this process
 * (fresh embedded PostgreSQL) with a shop, its till and a member holding 500 points, whose
 * phone (a device bound through the API; 'phone') shows a fresh LP2 code as a PNG to scan.
 */
public final class PosDemo {
  private PosDemo() {
  }

  static final String USAGE = """
      Usage: ./linkpoints pos
      A till at the shell: a demo platform of its own, or with LINKPOINTS_POS_URL, _SHOP and _DEVICE_SECRET
      a till of a running one (./linkpoints help pos).
      """;

  public static void main(String[] args) throws Exception {
    if (Commands.answeredHelp(args, USAGE)) { // it takes no arguments: help, or a usage error
      return;
    }
    if (System.getenv("LINKPOINTS_POS_DEVICE_SECRET") != null) {
      PosSimulator.main(args);
      return;
    }
    System.setProperty("linkpoints.log.level", "warn");
    Path data = Files.createTempDirectory("linkpoints-pos-demo");
    System.out.println("Starting a demo platform (data in " + data + ")...");
    LinkpointsConfig config = LinkpointsConfig.fromEnv().withDataDir(data).withPort(0).withPasswordIterations(10_000);
    try (SeededApp local = SeededApp.start(config)) {
      SeededApp.World world = local.seed("Demo alliance", 2, 1, 1, 1, 500);
      Fleet.Till till = world.tills().get(0);
      SeededApp.Person member = world.members().get(0);
      PosClientOptions options = PosClientOptions.of("http://localhost:" + local.app.port(), till.allianceId(),
          till.shopId()).withDeviceSecret(till.deviceSecret()).withOfflineDir(data.resolve("pos-queue"));
      PosClient client = SeededApp.await(PosClient.create(local.vertx, options));
      System.out.println("Till of shop " + till.shopId() + " ready. Member " + member.handle()
          + " has 500 points: type 'phone' to see their code, then 'scan <file>'.");
      Path phone = data.resolve("member-code.png");
      new PosSimulator(client, new ScannerInput("", ""), System.out, () -> {
        // The member's phone makes the code offline, as the wallet does, and shows it as a QR code.
        String code = world.phones().code(0);
        if (code == null) {
          throw new IllegalStateException("the demo phone has shown its 10 codes for this 30 s step: wait a moment");
        }
        try {
          ImageIO.write(MemberCodeImages.qr(code, 8), "png", phone.toFile());
          return Optional.of(phone);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
      client.close();
    }
    // The demo's database and keys were for this run only (its data folder was printed at the start).
    Folders.deleteTree(data);
    System.exit(0);
  }
}
