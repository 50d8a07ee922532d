package io.linkpoints.settlement;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.ContractCheck;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.OffsetDateTime;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A million transfers of one shop, exported through the real HTTP route to a client that reads
 * in spurts (it stops reading for 20 ms after every 4 MB), while a sampler measures the heap after
 * a full GC every 300 ms. The export is about 120 MB of CSV; built in memory it would need several
 * times that. The bound asserted: the heap never grows more than {@link #HEAP_BOUND_BYTES} over its
 * level before the export.
 */
class ExportStreamingTest {
  static final long ROWS = 1_000_000;
  // Writing the million rows takes 20-40 s on a quiet 2-core machine and over 60 s under load.
  private static final long BULK_SECONDS = 300;
  static final long HEAP_BOUND_BYTES = 48L * 1024 * 1024;

  private Vertx vertx;
  private ApiFixture api;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
  }

  @AfterEach
  void tearDown() {
    try {
      api.assertLedgerOk();
    } finally {
      api.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }

  @Test
  void aMillionTransfersStreamWithFlatMemory() throws Exception {
    ApiFixture.World w = api.world("bulk");
    long issuance = await(api.app.ledger().accountOf(w.allianceId(), AccountKind.MERCHANT_ISSUANCE, w.shopId()))
        .orElseThrow().id();
    long acceptance = await(api.app.ledger().accountOf(w.allianceId(), AccountKind.MERCHANT_ACCEPTANCE, w.shopId()))
        .orElseThrow().id();
    // A million 1-point transfers between two accounts of the shop (no member, so no lots), every
    // 2 seconds from 1 March 2026 (Shanghai), and the accounts' totals moved to match: the ledger
    // invariants hold (checked after the test).
    long t0 = System.nanoTime();
    OffsetDateTime march = OffsetDateTime.parse("2026-02-28T16:00:00Z");
    await(api.app.pool().preparedQuery("/* test */ insert into ledger_transfer (alliance_id, id, debit_account_id,"
        + " credit_account_id, amount, flags, code, created_at) select $1, gen_random_uuid(), $2, $3, 1, 0, 'bulk',"
        + " $4::timestamptz + g * interval '2 seconds' from generate_series(1, $5) g")
        .execute(Tuple.of(w.allianceId(), issuance, acceptance, march, ROWS)), BULK_SECONDS);
    await(api.app.pool().preparedQuery("/* test */ update ledger_account set debits_posted = debits_posted + $3"
        + " where alliance_id = $1 and id = $2").execute(Tuple.of(w.allianceId(), issuance, ROWS)), BULK_SECONDS);
    await(api.app.pool().preparedQuery("/* test */ update ledger_account set credits_posted = credits_posted + $3"
        + " where alliance_id = $1 and id = $2").execute(Tuple.of(w.allianceId(), acceptance, ROWS)), BULK_SECONDS);
    await(api.app.pool().query("analyze ledger_transfer").execute(), BULK_SECONDS);
    System.out.printf("generated %d transfers in %d s%n", ROWS, (System.nanoTime() - t0) / 1_000_000_000);
    long period = expect(201, api.post("/v1/alliances/" + w.allianceId() + "/settlement/periods", w.adminToken(),
        new JsonObject().put("month", "2026-03"))).getLong("id");

    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long baseline = memory.getHeapMemoryUsage().getUsed();
    AtomicLong peak = new AtomicLong(baseline);
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(300);
        } catch (InterruptedException e) {
          return;
        }
      }
    });

    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost")
        .setDefaultPort(api.app.port()));
    AtomicLong bytes = new AtomicLong();
    AtomicLong lines = new AtomicLong();
    Buffer first = Buffer.buffer();
    Promise<Integer> done = Promise.promise();
    long started = System.nanoTime();
    sampler.start();
    String export = "/v1/alliances/" + w.allianceId() + "/shops/" + w.shopId() + "/settlement/periods/" + period
        + "/transfers?format=csv";
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setURI(export)
            .putHeader("Authorization", "Bearer " + w.ownerToken()))
        .compose(req -> req.send())
        .onSuccess(resp -> {
          try {
            ContractCheck.shared().checkHead(HttpMethod.GET, export, resp.statusCode(), resp.getHeader("Content-Type"));
          } catch (AssertionError mismatch) {
            done.tryFail(mismatch);
          }
          resp.handler(chunk -> {
            if (first.length() < 1000) {
              first.appendBuffer(chunk.slice(0, Math.min(chunk.length(), 1000)));
            }
            long before = bytes.getAndAdd(chunk.length());
            for (int i = 0; i < chunk.length(); i++) {
              if (chunk.getByte(i) == '\n') {
                lines.incrementAndGet();
              }
            }
            if (before / (4 << 20) != (before + chunk.length()) / (4 << 20)) {
              resp.pause(); // a slow reader: the server must wait for it, not buffer for it
              vertx.setTimer(20, t -> resp.resume());
            }
          });
          resp.endHandler(v -> done.complete(resp.statusCode()));
          resp.exceptionHandler(done::tryFail);
        }).onFailure(done::tryFail);
    long progress = vertx.setPeriodic(5000, t -> System.out.printf("export progress: %d MB, %d lines, %d s%n",
        bytes.get() >> 20, lines.get(), (System.nanoTime() - started) / 1_000_000_000));
    int status = done.future().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.MINUTES);
    vertx.cancelTimer(progress);
    long seconds = (System.nanoTime() - started) / 1_000_000_000;
    sampler.interrupt();
    sampler.join();
    client.close();

    assertEquals(200, status);
    assertTrue(first.toString().startsWith("seq,id,created_at,code,flags,amount,debit_account_id"), first.toString());
    assertEquals(ROWS + 1, lines.get(), "a header and a line per transfer");
    long grown = peak.get() - baseline;
    System.out.printf("export: %d rows, %d bytes in %d s; heap baseline %d MB, peak after GC %d MB, growth %d MB%n",
        ROWS, bytes.get(), seconds, baseline >> 20, peak.get() >> 20, grown >> 20);
    assertTrue(bytes.get() > 100L * 1024 * 1024, "the export is large: " + bytes.get());
    assertTrue(grown < HEAP_BOUND_BYTES, "heap grew by " + (grown >> 20) + " MB during the export");
  }
}
