package io.linkpoints.till.fleet;

import io.linkpoints.till.client.Member;
import io.linkpoints.till.client.PosClient;
import io.linkpoints.till.client.PosClientOptions;
import io.linkpoints.till.client.PosException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Simulated tills driving the real POS API, each through its own {@link PosClient}, in a closed
 * loop (one sale at a time per till, as at a real counter): 70% accruals, 30% redemptions
 * (reserve then commit), every call with its own Idempotency-Key. Members show a fresh code for
 * each sale; where that code comes from (a phone) is the caller's {@code codes}. LP2 codes are
 * made on the phone, ten per device per 30-second step: when {@code codes} has none left, the
 * till waits a moment (on a timer, never blocking its event loop) and asks again, and the wait
 * is counted ({@link Result#codeWaits}) so a run starved of codes shows it.
 *
 * <p>Only operations that start and finish inside the measured window count.
 *
 * <p>{@link #runOpenLoop} drives the same tills, mix and codes open-loop instead ({@link OpenLoop}):
 * sales offered at a fixed rate and timed from when they were due, several in flight per till
 * when the server falls behind.
 */
public final class Fleet {
  /** One till: its alliance, shop, an access token and the device secret that renews it. */
  public record Till(long allianceId, long shopId, String accessToken, String deviceSecret) {
  }

  public record Options(String baseUrl, List<Till> tills, int members, double accrueShare, long warmupMillis,
      long measureMillis) {
  }

  /** What the measured window saw. */
  public record Result(long ops, double seconds, Map<String, Summary> byOperation, Summary all,
      Map<String, Long> refusals, long codeWaits) {
    public double opsPerSecond() {
      return ops / seconds;
    }
  }

  public record Summary(long count, double p50Millis, double p99Millis, double p999Millis) {
  }

  /** What the open loop's measured window saw, and how often a sale waited for a member code. */
  public record OpenResult(OpenLoop.Result sales, long codeWaits) {
  }

  private final Vertx vertx;
  private final Options options;
  private final IntFunction<String> codes;
  private final Latencies accrue = new Latencies();
  private final Latencies redeem = new Latencies();
  private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
  private final AtomicLong codeWaits = new AtomicLong();
  private static final long CODE_WAIT_MILLIS = 20;
  // The client's own timeouts and retries bound a sale to about 30 s; the open loop waits that long at most.
  private static final long OPEN_DRAIN_MILLIS = 30_000;
  private volatile long measureStart;
  private volatile long measureEnd;

  private Fleet(Vertx vertx, Options options, IntFunction<String> codes) {
    this.vertx = vertx;
    this.options = options;
    this.codes = codes;
  }

  /**
   * Runs warm-up then the measured window; {@code codes} gives a fresh member code for member i
   * (or another member), or null when no phone can show one right now.
   */
  public static Future<Result> run(Vertx vertx, Options options, IntFunction<String> codes) {
    return new Fleet(vertx, options, codes).run();
  }

  private Future<Result> run() {
    long now = System.nanoTime();
    measureStart = now + options.warmupMillis() * 1_000_000;
    measureEnd = measureStart + options.measureMillis() * 1_000_000;
    List<Future<Void>> loops = new ArrayList<>();
    List<PosClient> clients = new ArrayList<>();
    for (Till till : options.tills()) {
      loops.add(PosClient.create(vertx, clientOptions(till, 1)).compose(client -> {
        synchronized (clients) {
          clients.add(client);
        }
        Promise<Void> done = Promise.promise();
        loop(client, done);
        return done.future();
      }));
    }
    return Future.all(loops).map(v -> {
      clients.forEach(PosClient::close);
      Latencies all = new Latencies();
      all.addAll(accrue);
      all.addAll(redeem);
      Map<String, Summary> by = new TreeMap<>();
      by.put("accrue", summary(accrue));
      by.put("redeem", summary(redeem));
      Map<String, Long> refused = new TreeMap<>();
      refusals.forEach((k, n) -> refused.put(k, n.get()));
      return new Result(all.count(), options.measureMillis() / 1000.0, by, summary(all), refused, codeWaits.get());
    });
  }

  /**
   * The same tills, mix and codes, open-loop: {@code perSecond} sales a second round-robin over the
   * tills, each till's client with {@code inFlightPerTill} connections so that many of its sales can
   * be in flight at once (more wait in its queue). {@code options}' warm-up and window apply.
   */
  public static Future<OpenResult> runOpenLoop(Vertx vertx, Options options, double perSecond, int inFlightPerTill,
      IntFunction<String> codes) {
    return new Fleet(vertx, options, codes).runOpen(perSecond, inFlightPerTill);
  }

  private Future<OpenResult> runOpen(double perSecond, int inFlightPerTill) {
    List<Future<PosClient>> made = new ArrayList<>();
    for (Till till : options.tills()) {
      made.add(PosClient.create(vertx, clientOptions(till, inFlightPerTill)));
    }
    return Future.all(made).compose(all -> {
      List<PosClient> clients = all.<PosClient>list();
      OpenLoop.Options o = new OpenLoop.Options(perSecond, clients.size(), inFlightPerTill, options.warmupMillis(),
          options.measureMillis(), OPEN_DRAIN_MILLIS);
      return OpenLoop.run(vertx, o, lane -> openSale(clients.get(lane)))
          .map(sales -> new OpenResult(sales, codeWaits.get()))
          .onComplete(ar -> clients.forEach(PosClient::close));
    });
  }

  /** One customer's sale; waiting for a code is part of it, so that wait is timed too. */
  private Future<Void> openSale(PosClient client) {
    Promise<Void> done = Promise.promise();
    tryOpenSale(client, done);
    return done.future();
  }

  private void tryOpenSale(PosClient client, Promise<Void> done) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String code = codes.apply(random.nextInt(options.members()));
    if (code == null) {
      codeWaits.incrementAndGet();
      vertx.setTimer(CODE_WAIT_MILLIS, t -> tryOpenSale(client, done));
      return;
    }
    sale(client, code, random.nextDouble() < options.accrueShare(), random).<Void>mapEmpty().onComplete(done);
  }

  private PosClientOptions clientOptions(Till till, int poolSize) {
    return PosClientOptions.of(options.baseUrl(), till.allianceId(), till.shopId())
        .withAccessToken(till.accessToken()).withDeviceSecret(till.deviceSecret()).withRetries(10_000, 3, 50)
        .withPoolSize(poolSize);
  }

  private static Future<?> sale(PosClient client, String code, boolean earn, ThreadLocalRandom random) {
    return earn ? client.accrue(Member.code(code), 500 + random.nextInt(20_000), null)
        : client.redeem(Member.code(code), 1 + random.nextInt(20));
  }

  /** A refusal's code, or the kind of error. */
  static String why(Throwable cause) {
    return cause instanceof PosException pe ? pe.code() : cause.getClass().getSimpleName();
  }

  private void loop(PosClient client, Promise<Void> done) {
    long start = System.nanoTime();
    if (start >= measureEnd) {
      done.complete();
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String code = codes.apply(random.nextInt(options.members()));
    if (code == null) {
      codeWaits.incrementAndGet();
      vertx.setTimer(CODE_WAIT_MILLIS, t -> loop(client, done));
      return;
    }
    boolean earn = random.nextDouble() < options.accrueShare();
    sale(client, code, earn, random).onComplete(ar -> {
      long end = System.nanoTime();
      if (ar.failed()) {
        refusals.computeIfAbsent(why(ar.cause()), k -> new AtomicLong()).incrementAndGet();
      } else if (start >= measureStart && end <= measureEnd) {
        (earn ? accrue : redeem).add((end - start) / 1_000);
      }
      loop(client, done);
    });
  }

  static Summary summary(Latencies l) {
    return new Summary(l.count(), l.percentileMillis(0.50), l.percentileMillis(0.99), l.percentileMillis(0.999));
  }
}
