package io.linkpoints.till.sim;

import io.linkpoints.till.client.Member;
import io.linkpoints.till.client.PosClient;
import io.linkpoints.till.client.PosClientOptions;
import io.linkpoints.till.client.PosException;
import io.linkpoints.till.qr.QrImages;
import io.linkpoints.till.qr.ScannedCode;
import io.linkpoints.till.qr.ScannerInput;
import io.linkpoints.till.receipt.EscPosReceipt;
import io.linkpoints.till.receipt.Receipt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A till at a shell: scan a member's code (an image file, or text pasted as a keyboard-wedge
 * scanner types it), then earn, redeem, refund, print a receipt with a shop code. It speaks only
 * the POS API, through {@link PosClient}, so what works here works at a real counter.
 *
 * <p>Blocking on purpose: one person, one command at a time; the client's work runs on Vert.x.
 */
public final class PosSimulator {
  private final PosClient client;
  private final ScannerInput scanner;
  private final PrintStream out;
  private final Supplier<Optional<Path>> memberCodeImage;
  private String code;
  private Instant codeScannedAt;
  private String visit;
  private String lastAccrual;
  private Path lastPhoneImage;

  /** {@code memberCodeImage}: in the demo, writes a fresh member code PNG (the member's phone), else empty. */
  public PosSimulator(PosClient client, ScannerInput scanner, PrintStream out, Supplier<Optional<Path>> memberCodeImage) {
    this.client = client;
    this.scanner = scanner;
    this.out = out;
    this.memberCodeImage = memberCodeImage;
  }

  /** Configured from the environment, for a till against a running server. */
  public static void main(String[] args) throws Exception {
    Map<String, String> env = System.getenv();
    String url = env.getOrDefault("LINKPOINTS_POS_URL", "http://localhost:8080");
    String secret = env.get("LINKPOINTS_POS_DEVICE_SECRET");
    if (secret == null || env.get("LINKPOINTS_POS_SHOP") == null) {
      System.err.println("Set LINKPOINTS_POS_URL, LINKPOINTS_POS_SHOP and LINKPOINTS_POS_DEVICE_SECRET (from enrolment),"
          + " or run ./linkpoints pos without them for a demo with its own platform.");
      System.exit(2);
    }
    long alliance = Long.parseLong(secret.split("\\.")[0]);
    Vertx vertx = Vertx.vertx();
    PosClientOptions options = PosClientOptions.of(url, alliance, Long.parseLong(env.get("LINKPOINTS_POS_SHOP")))
        .withDeviceSecret(secret)
        .withOfflineDir(Path.of(env.getOrDefault("LINKPOINTS_POS_QUEUE", ".linkpoints-pos-queue")));
    PosClient client = PosClient.create(vertx, options).toCompletionStage().toCompletableFuture().get();
    ScannerInput scanner = new ScannerInput(env.getOrDefault("LINKPOINTS_SCANNER_PREFIX", ""),
        env.getOrDefault("LINKPOINTS_SCANNER_SUFFIX", ""));
    new PosSimulator(client, scanner, System.out, Optional::empty)
        .run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    client.close();
    vertx.close();
  }

  public void run(BufferedReader in) throws IOException {
    out.println("Linkpoints POS. Type 'help' for commands.");
    prompt();
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.isBlank() && !command(line.trim())) {
        return;
      }
      prompt();
    }
  }

  private void prompt() {
    out.print(code == null && visit == null ? "pos> " : "pos (member ready)> ");
    out.flush();
  }

  /** One command; false to quit. */
  boolean command(String line) {
    String[] w = line.split("\\s+");
    try {
      switch (w[0]) {
        case "help" -> help();
        case "quit", "exit" -> {
          return false;
        }
        case "scan" -> scan(w.length > 1 ? Path.of(w[1]) : lastPhoneImage);
        case "code" -> paste(line.substring(4).trim());
        case "phone" -> memberCodeImage.get().ifPresentOrElse(p -> {
          lastPhoneImage = p;
          out.println("Member code shown at " + p + " (scan it: scan, or scan " + p + ")");
        }, () -> out.println("No demo member here: scan a real phone."));
        case "identify" -> identify();
        case "quote" -> show(wait(client.quote(Money.fen(w[1]))), "points");
        case "earn" -> earn(Money.fen(w[1]));
        case "redeem" -> redeem(Long.parseLong(w[1]));
        case "refund" -> refund(w.length > 2 ? w[1] : lastAccrual, Money.fen(w[w.length - 1]));
        case "receipt" -> receipt(Money.fen(w[1]), Path.of(w.length > 2 ? w[2] : "receipt.escpos"));
        case "status" -> out.println(wait(client.status(w[1])).encodePrettily());
        case "drain" -> out.println("Sent " + wait(client.drain()) + " queued accrual(s); " + client.pendingOffline()
            + " still queued" + (client.rejectedOffline().isEmpty() ? "" : "; refused: " + client.rejectedOffline()));
        case "pending" -> out.println(client.pendingOffline() + " accrual(s) queued offline");
        default -> out.println("Unknown command '" + w[0] + "'. Type 'help'.");
      }
    } catch (ArrayIndexOutOfBoundsException e) {
      out.println("Missing argument. Type 'help'.");
    } catch (PosException e) {
      out.println("Refused: " + e.code() + " — " + e.getMessage());
    } catch (RuntimeException | IOException e) {
      out.println("Error: " + e.getMessage());
    }
    return true;
  }

  private void help() {
    out.println(String.join("\n", List.of(
        "  scan [image]          read a member code from a photo or screenshot (ZXing); no file: the demo phone's",
        "  code <text>           a code as a keyboard-wedge scanner types it (prefix/suffix stripped)",
        "  phone                 (demo) show the demo member's fresh code as a PNG to scan",
        "  identify              use the code: who, balance; opens a 5-minute visit for earn and redeem",
        "  quote <yuan>          points a sale would earn",
        "  earn <yuan>           earn points on a sale (queued on disk if the server is unreachable)",
        "  redeem <points>       spend points (needs the network)",
        "  refund [accrual] <yuan>  refund (part of) a sale's points; defaults to the last earn",
        "  receipt <yuan> [file] a shop code for the sale, printed as ESC/POS bytes with its QR",
        "  status <key>          what became of a call with this Idempotency-Key",
        "  drain | pending       send / count accruals queued while offline",
        "  quit")));
  }

  private void scan(Path image) throws IOException {
    if (image == null) {
      throw new IllegalStateException("scan <image file>");
    }
    Optional<String> text = QrImages.decode(image);
    if (text.isEmpty()) {
      out.println("No QR code or barcode found in " + image);
      return;
    }
    take(ScannedCode.classify(text.get()));
  }

  private void paste(String raw) {
    scanner.read(raw).ifPresentOrElse(this::take, () -> out.println("That is not a whole scan."));
  }

  private void take(ScannedCode scanned) {
    if (scanned.kind() != ScannedCode.Kind.MEMBER) {
      out.println("Refused: " + scanned.problem() + ".");
      return;
    }
    code = scanned.text();
    codeScannedAt = Instant.now(); // an accrual queued offline says when, for the server's check
    visit = null;
    out.println("Member code read (" + code.length() + " chars). Now: identify, earn, redeem.");
  }

  private Member member() {
    if (visit != null) {
      return Member.visit(visit);
    }
    if (code == null) {
      throw new IllegalStateException("scan a member code first");
    }
    Member m = Member.scanned(code, codeScannedAt);
    code = null; // a code is used once; the visit (if any) carries on
    return m;
  }

  private void identify() {
    JsonObject who = wait(client.identify(member().memberCode()));
    visit = who.getString("visitId");
    out.println("Member " + who.getString("memberHandle") + ": " + who.getLong("availablePoints") + " points.");
  }

  private void earn(long fen) {
    JsonObject r = wait(client.accrue(member(), fen, null));
    if (r.getBoolean("queued", false)) {
      out.println("Offline: accrual queued (#" + r.getLong("offlineSeq") + ", key " + r.getString("idempotencyKey")
          + "). It is sent by 'drain' when the network is back.");
      return;
    }
    lastAccrual = r.getString("accrualId");
    out.println("Earned " + r.getLong("points") + " points" + bonuses(r) + (r.getLong("recoveredPoints", 0L) > 0
        ? " (" + r.getLong("recoveredPoints") + " paid back what a refund left owing)" : "")
        + ". Balance " + r.getLong("availablePoints") + ". Accrual " + lastAccrual);
  }

  /** " (base 38 + promotion 38 + new customer 200)" when the sale earned more than its base; else "". */
  private static String bonuses(JsonObject r) {
    JsonArray earned = r.getJsonArray("earned");
    if (earned == null || earned.size() < 2) {
      return "";
    }
    StringBuilder text = new StringBuilder(" (");
    for (int i = 0; i < earned.size(); i++) {
      JsonObject item = earned.getJsonObject(i);
      String source = item.getString("source");
      text.append(i == 0 ? "" : " + ").append("bounty".equals(source) ? "new customer" : source).append(' ')
          .append(item.getLong("points"));
    }
    return text.append(')').toString();
  }

  private void redeem(long points) {
    JsonObject r = wait(client.redeem(member(), points));
    out.println("Redeemed " + r.getLong("points") + " points (" + Receipt.yuan(r.getLong("points")) + " at 1 fen/point).");
  }

  private void refund(String accrual, long fen) {
    if (accrual == null) {
      throw new IllegalStateException("which accrual? refund <accrualId> <yuan>");
    }
    JsonObject r = wait(client.refund(accrual, fen));
    out.println("Reversed " + r.getLong("pointsReversed") + " points" + (r.getLong("shortfallPoints") > 0
        ? "; " + r.getLong("shortfallPoints") + " already spent, recovered from the member's next earnings" : "") + ".");
  }

  private void receipt(long fen, Path file) throws IOException {
    JsonObject made = wait(client.claimCode(fen));
    byte[] bytes = EscPosReceipt.render(new Receipt("Linkpoints demo shop", List.of(new Receipt.Line("Sale", fen)), fen,
        made.getString("claimCode"), "扫码领取 " + made.getLong("points") + " 积分"));
    Files.write(file, bytes);
    out.println("Receipt with shop code " + made.getString("claimCode") + " (" + made.getLong("points")
        + " points) written to " + file + " (" + bytes.length + " bytes of ESC/POS).");
  }

  private void show(JsonObject json, String field) {
    out.println(field + ": " + json.getValue(field));
  }

  private static <T> T wait(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
