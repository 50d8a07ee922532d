package io.linkpoints.imports;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.testing.PlatformProcess;
import io.linkpoints.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.linkpoints.testing.XlsxFixture;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 100,000 members imported by the platform running in a JVM of 96 MB heap (as {@code ./linkpoints
 * run} starts it, on the test database): the file is streamed to disk and read back in batches of
 * 500, so the heap holds a batch, not the file or its rows. The same file again changes nothing.
 * The same as an XLSX, turned into that CSV on the way in.
 */
class MemberImportHeapTest {
  private static final String OPERATOR = "import-heap-operator-token-0123456789";
  private static final int ROWS = 100_000;
  private static final String CONVERTER_HEAP = "16m";

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private int port;

  @Test
  void aHundredThousandRowsImportInA96MegabyteHeapAndOnlyOnce() throws Exception {
    Path file = dir.resolve("members.csv");
    long expectedPoints = 0;
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("phone,name,birthday,points,expires_on\n");
      for (int i = 0; i < ROWS; i++) {
        int points = i % 1000 + 1;
        expectedPoints += points;
        out.write("+86 136 " + String.format("%04d %04d", i / 10_000, i % 10_000) + ",会员" + i + ",1990-01-"
            + String.format("%02d", i % 28 + 1) + "," + points + "," + (i % 2 == 0 ? "2099-06-30" : "") + "\n");
      }
    }
    // 100 cycles of 1..1000: 100 × 500,500 = 50,050,000 points.
    assertEquals(50_050_000L, expectedPoints);
    importTwiceIn96Megabytes(file, "text/csv", expectedPoints);
  }

  /**
   * The same 100,000 members as an XLSX (about 3 MB zipped): phones as numbers and as text, a
   * distinct shared string per name (100,000 of them), birthdays and expiries as date cells. The
   * platform's GC log gives the largest heap left after a collection while it was converted,
   * checked and imported (docs/imports.md).
   */
  @Test
  void aHundredThousandRowXlsxImportsInA96MegabyteHeapAndOnlyOnce() throws Exception {
    Path file = dir.resolve("members.xlsx");
    long[] expectedPoints = {0};
    Iterable<List<Object>> rows = () -> new Iterator<>() {
      private int i = -1;

      @Override
      public boolean hasNext() {
        return i < ROWS;
      }

      @Override
      public List<Object> next() {
        if (i++ < 0) {
          return List.of("phone", "name", "birthday", "points", "expires_on");
        }
        int n = i - 1;
        int points = n % 1000 + 1;
        expectedPoints[0] += points;
        Object phone = n % 2 == 0 ? (Object) (13_600_000_000L + n)
            : "+86 136 " + String.format("%04d %04d", n / 10_000, n % 10_000);
        return Arrays.asList(phone, "会员" + n, LocalDate.of(1990, 1, n % 28 + 1), points,
            n % 2 == 0 ? new XlsxFixture.CustomDate(LocalDate.of(2099, 6, 30)) : null);
      }
    };
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      XlsxFixture.write(out, rows);
    }
    assertEquals(50_050_000L, expectedPoints[0]);
    System.out.println("[xlsx heap] a 100,000-row workbook is " + Files.size(file) + " bytes");
    // The conversion alone, in a JVM of 16 MB heap: it holds no workbook and no shared string.
    Path csv = dir.resolve("members.csv");
    long started = System.nanoTime();
    Process convert = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + CONVERTER_HEAP, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
        XlsxToCsvMain.class.getName(), file.toString(), csv.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("convert.log").toFile()).start();
    assertTrue(convert.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "the conversion ends");
    assertEquals(0, convert.exitValue(), Files.readString(dir.resolve("convert.log")));
    try (var lines = Files.lines(csv)) {
      assertEquals(ROWS + 1, lines.count());
    }
    System.out.printf("[xlsx heap] converted alone in a %s heap in %d ms%n", CONVERTER_HEAP,
        (System.nanoTime() - started) / 1_000_000);
    importTwiceIn96Megabytes(file, ImportRoutes.XLSX, expectedPoints[0]);
  }

  private void importTwiceIn96Megabytes(Path file, String contentType, long expectedPoints) throws Exception {
    DatabaseTarget db = TestDatabase.fresh();
    Path log = dir.resolve("platform.log");
    Path gcLog = dir.resolve("gc.log");
    Path data = Files.createDirectories(dir.resolve("data"));
    Process process = PlatformProcess.launch("96m", Map.of("LINKPOINTS_PORT", "0",
        "LINKPOINTS_DATA", data.toString(),
        "LINKPOINTS_DB_URL", "postgresql://" + db.user() + (db.password().isEmpty() ? "" : ":" + db.password())
            + "@" + db.connectOptions().getHost() + ":" + db.connectOptions().getPort() + "/"
            + db.connectOptions().getDatabase(),
        "LINKPOINTS_JWT_KEYS_DIR", dir.resolve("keys/jwt").toString(),
        "LINKPOINTS_CODE_KEYS_DIR", dir.resolve("keys/code").toString(),
        "LINKPOINTS_OPERATOR_TOKEN", OPERATOR, "LINKPOINTS_DB_POOL", "6", "LINKPOINTS_LOG_LEVEL", "info",
        // Read by the java launcher: the GC log, to measure the heap left after each collection.
        "JDK_JAVA_OPTIONS", "-Xlog:gc:file=" + gcLog), log);
    Vertx vertx = Vertx.vertx();
    Pool pool = db.pool(vertx, 2);
    try {
      port = Integer.parseInt(PlatformProcess.awaitLog(process, log, 0, PlatformProcess.OPEN, 120).group(1));
      long alliance = post("/v1/operator/alliances", OPERATOR, new JsonObject().put("name", "heap alliance")
          .put("timeZone", "Asia/Shanghai").put("admin", new JsonObject().put("username", "heap-admin")
              .put("password", "admin-password-1"))).getLong("id");
      String admin = post("/v1/alliances/" + alliance + "/staff/sign-in", null, new JsonObject()
          .put("username", "heap-admin").put("password", "admin-password-1")).getString("accessToken");
      long shop = post("/v1/alliances/" + alliance + "/shops", admin, new JsonObject().put("name", "heap shop")
          .put("owner", new JsonObject().put("username", "heap-owner").put("password", "owner-password-1")))
          .getLong("id");
      String owner = post("/v1/alliances/" + alliance + "/staff/sign-in", null, new JsonObject()
          .put("username", "heap-owner").put("password", "owner-password-1")).getString("accessToken");

      String path = "/v1/alliances/" + alliance + "/shops/" + shop + "/member-imports";
      long started = System.nanoTime();
      HttpResponse<String> check = upload(path + "?dryRun=true", owner, file, contentType);
      assertEquals(200, check.statusCode(), check.body());
      assertEquals(ROWS, new JsonObject(check.body()).getInteger("rows"));
      assertEquals(0, new JsonObject(check.body()).getInteger("errorCount"), check.body());
      System.out.printf("[import heap] %s: the dry run of %,d rows took %d ms%n", contentType, ROWS,
          (System.nanoTime() - started) / 1_000_000);
      HttpResponse<String> first = upload(path + "?dryRun=false", owner, file, contentType);
      assertEquals(202, first.statusCode(), first.body());
      long id = new JsonObject(first.body()).getLong("id");
      until(() -> "done".equals(get(path + "/" + id, owner).getString("status")), 540, "100,000 rows imported");
      JsonObject done = get(path + "/" + id, owner);
      assertEquals(ROWS, done.getInteger("rowsDone"));
      assertEquals(ROWS, done.getInteger("newMembers"));
      String transfers = "/* test */ select count(*), coalesce(sum(amount), 0) from ledger_transfer"
          + " where alliance_id = " + alliance + " and code = 'member_import'";
      var row = await(pool.query(transfers).execute()).iterator().next();
      assertEquals(ROWS, row.getLong(0));
      assertEquals(expectedPoints, row.getLong(1));

      HttpResponse<String> again = upload(path + "?dryRun=false", owner, file, contentType);
      assertEquals(200, again.statusCode(), again.body());
      assertEquals(id, new JsonObject(again.body()).getLong("id"));
      row = await(pool.query(transfers).execute()).iterator().next();
      assertEquals(ROWS, row.getLong(0));
      assertTrue(process.isAlive(), "the 96 MB platform is still up");
      assertTrue(!Files.readString(log).contains("OutOfMemoryError"), "no OutOfMemoryError in the platform's log");
      long maxAfter = 0;
      Matcher m = GC.matcher(Files.readString(gcLog));
      while (m.find()) {
        maxAfter = Math.max(maxAfter, Long.parseLong(m.group(1)));
      }
      System.out.printf("[import heap] %s: at most %d MB of heap left after a collection%n", contentType, maxAfter);
    } finally {
      PlatformProcess.stop(process, 20);
      await(pool.close());
      await(vertx.close());
    }
  }

  /** A GC log line's "used before->used after(committed)", in MB. */
  private static final Pattern GC = Pattern.compile("\\d+M->(\\d+)M\\(\\d+M\\)");

  private HttpResponse<String> upload(String path, String bearer, Path file, String contentType) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + bearer).header("Content-Type", contentType)
        .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofFile(file)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject get(String path, String bearer) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .header("Authorization", "Bearer " + bearer).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return new JsonObject(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonObject post(String path, String bearer, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + r.body());
    return new JsonObject(r.body());
  }
}
