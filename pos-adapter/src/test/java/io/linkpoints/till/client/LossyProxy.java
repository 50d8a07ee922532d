package io.linkpoints.till.client;

import static io.linkpoints.testing.Await.await;

import io.linkpoints.testing.ContractCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A network between till and server that loses answers: every request reaches the server, but
 * for the ones the test picks, the answer is thrown away and the connection cut, as when a
 * mobile link drops just after sending. It can also hold requests back (stuck in the network)
 * until the test lets them go. Counts what it received and what it forwarded (and the server
 * answered), per path. Every answer the server gives is checked against openapi.yaml
 * (ContractCheck); a mismatch fails the test when the proxy is closed.
 */
final class LossyProxy implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient upstream;
  private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();
  private volatile Predicate<String> dropAnswer = path -> false;
  private volatile Predicate<String> holdBack = path -> false;
  private volatile Future<Void> letGo = Future.succeededFuture();
  private volatile Supplier<Future<?>> beforeCut = Future::succeededFuture;
  private final List<String> mismatches = new CopyOnWriteArrayList<>();

  LossyProxy(Vertx vertx, int targetPort) {
    this.upstream = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(targetPort));
    this.server = await(vertx.createHttpServer().requestHandler(this::forward).listen(0));
  }

  int port() {
    return server.actualPort();
  }

  /** Answers to requests whose path this accepts are lost from now on. */
  void dropAnswersTo(Predicate<String> paths) {
    this.dropAnswer = paths;
  }

  /** Requests to these paths reach the server only once {@code until} completes. */
  void holdBack(Predicate<String> paths, Future<Void> until) {
    this.letGo = until;
    this.holdBack = paths;
  }

  /** Runs when an answer was lost, before the till's connection is cut (what a crash leaves, say). */
  void beforeCut(Supplier<Future<?>> action) {
    this.beforeCut = action;
  }

  /** Requests forwarded (and answered by the server) whose path contains this. */
  int forwarded(String pathEnding) {
    return count(forwarded, pathEnding);
  }

  /** Requests received from the till whose path contains this. */
  int received(String pathEnding) {
    return count(received, pathEnding);
  }

  private static int count(Map<String, AtomicInteger> counts, String pathEnding) {
    return counts.entrySet().stream().filter(e -> e.getKey().contains(pathEnding))
        .mapToInt(e -> e.getValue().get()).sum();
  }

  private void forward(HttpServerRequest in) {
    String path = in.path();
    boolean drop = dropAnswer.test(path);
    Future<Void> gate = holdBack.test(path) ? letGo : Future.succeededFuture();
    received.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    in.body().compose(body -> gate.map(body)).compose(body -> upstream.request(new RequestOptions().setMethod(in.method()).setURI(in.uri())
            .setHeaders(in.headers()))
        .compose(out -> out.send(body))
        .compose(resp -> resp.body().map(b -> {
          forwarded.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
          try {
            ContractCheck.shared().check(in.method(), in.uri(), resp.statusCode(), resp.getHeader("Content-Type"), b);
          } catch (AssertionError mismatch) {
            mismatches.add(mismatch.getMessage());
          }
          if (drop) {
            beforeCut.get().onComplete(done -> in.connection().close()); // the server did it; the till never hears
          } else {
            in.response().setStatusCode(resp.statusCode()).headers().addAll(resp.headers());
            in.response().end(b);
          }
          return null;
        })))
        .onFailure(err -> in.connection().close());
  }

  @Override
  public void close() {
    await(server.close());
    await(upstream.close());
    if (!mismatches.isEmpty()) {
      throw new AssertionError(String.join("\n", mismatches));
    }
  }
}
