package io.linkpoints.webhooks;

import static io.linkpoints.testing.Await.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * A webhook receiver as an integrator would write one: a local HTTP server that verifies each
 * delivery's signature (any {@code v1} matching a secret it knows) and timestamp (within
 * {@link #TOLERANCE_SECONDS} of its own clock), and records every arrival. What it answers is the
 * test's choice: a function of the path and how many times this event id arrived before.
 */
final class Receiver implements AutoCloseable {
  static final long TOLERANCE_SECONDS = 300;

  record Arrival(String path, String eventId, JsonObject body, boolean signatureValid, boolean timely,
      List<String> signatures, long timestamp) {
  }

  final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
  final List<String> secrets = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
  private final HttpServer server;

  /** {@code answer}: (path, times this event id arrived before) → status code. */
  Receiver(Vertx vertx, int port, BiFunction<String, Integer, Integer> answer) {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buffer -> {
      String body = buffer.toString();
      String header = req.getHeader("Linkpoints-Signature");
      long t = -1;
      List<String> v1 = new ArrayList<>();
      for (String part : header == null ? new String[0] : header.split(",")) {
        if (part.startsWith("t=")) {
          t = Long.parseLong(part.substring(2));
        } else if (part.startsWith("v1=")) {
          v1.add(part.substring(3));
        }
      }
      long ts = t;
      boolean valid = t > 0 && v1.stream().anyMatch(sig -> secrets.stream()
          .anyMatch(secret -> Signatures.hmacHex(secret, ts + "." + body).equals(sig)));
      boolean timely = Math.abs(System.currentTimeMillis() / 1000 - t) <= TOLERANCE_SECONDS;
      JsonObject json = new JsonObject(body);
      String eventId = req.getHeader("Linkpoints-Event-Id");
      int before = seen.computeIfAbsent(eventId, k -> new AtomicInteger()).getAndIncrement();
      arrivals.add(new Arrival(req.path(), eventId, json, valid, timely, v1, t));
      req.response().setStatusCode(answer.apply(req.path(), before)).end();
    }));
    await(server.listen(port, "127.0.0.1"));
  }

  int port() {
    return server.actualPort();
  }

  String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  List<Arrival> at(String path) {
    return arrivals.stream().filter(a -> a.path().equals(path)).toList();
  }

  @Override
  public void close() {
    await(server.close());
  }

  /** A port nothing listens on (just freed). */
  static int freePort(Vertx vertx) {
    HttpServer s = await(vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1"));
    int port = s.actualPort();
    await(s.close());
    return port;
  }
}
