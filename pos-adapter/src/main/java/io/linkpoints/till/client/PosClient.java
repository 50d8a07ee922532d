package io.linkpoints.till.client;

import io.linkpoints.till.offline.OfflineQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POS API as till software sees it. Every call that changes something gets one
 * Idempotency-Key for the whole logical operation. When an answer does not come (timeout, the
 * connection dropped), the client does not guess: it asks {@code status} for that key first,
 * and only sends the call again (same key) if the server never saw it. A reserve whose outcome
 * stays unknown is released, so no points stay held by a till that gave up.
 *
 * <p>With an offline folder, an accrual made while the server cannot be reached is queued on
 * disk and replayed, in order and exactly once, by {@link #drain}. Spending points needs the
 * network: reserve and redeem fail fast with {@link NeedsNetworkException}.
 */
public final class PosClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PosClient.class);
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final Vertx vertx;
  private final PosClientOptions options;
  private final WebClient http;
  private final OfflineQueue queue;
  private final List<JsonObject> rejectedOffline = Collections.synchronizedList(new ArrayList<>());
  private volatile String token;

  private PosClient(Vertx vertx, PosClientOptions options, OfflineQueue queue) {
    this.vertx = vertx;
    this.options = options;
    this.queue = queue;
    this.token = options.accessToken();
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost(options.host())
        .setDefaultPort(options.port()).setSsl(options.ssl())
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.timeoutMillis())),
        new PoolOptions().setHttp1MaxSize(options.poolSize()));
  }

  /** A client; opening the offline queue reads files, so it happens on a worker. */
  public static Future<PosClient> create(Vertx vertx, PosClientOptions options) {
    if (options.offlineDir() == null) {
      return Future.succeededFuture(new PosClient(vertx, options, null));
    }
    return vertx.executeBlocking(() -> new OfflineQueue(options.offlineDir()))
        .map(queue -> new PosClient(vertx, options, queue));
  }

  // ---- the POS operations

  public Future<JsonObject> identify(String memberCode) {
    return call("identify", new JsonObject().put("memberCode", memberCode), newKey());
  }

  public Future<JsonObject> quote(long spendFen) {
    return once(HttpMethod.POST, options.posPath("quote"), new JsonObject().put("spendFen", spendFen), null)
        .compose(PosClient::answer);
  }

  /** Holds points; if its outcome cannot be learnt, the hold (if any) is released by its key. */
  public Future<JsonObject> reserve(Member member, long points) {
    String key = newKey();
    return call("reserve", member.into(new JsonObject().put("points", points)), key)
        .recover(err -> {
          if (err instanceof OutcomeUnknownException) {
            releaseByReserveKey(key);
          }
          return Future.failedFuture(unreachable(err) ? new NeedsNetworkException("reserve") : err);
        });
  }

  public Future<JsonObject> commit(String holdId, Long points) {
    JsonObject body = new JsonObject().put("holdId", holdId);
    if (points != null) {
      body.put("points", points);
    }
    return call("commit", body, newKey());
  }

  public Future<JsonObject> release(String holdId) {
    return call("release", new JsonObject().put("holdId", holdId), newKey());
  }

  /** Reserve and commit: a redemption at the till. A commit with no known outcome releases the hold. */
  public Future<JsonObject> redeem(Member member, long points) {
    return reserve(member, points).compose(hold -> commit(hold.getString("holdId"), null)
        .recover(err -> {
          if (err instanceof OutcomeUnknownException) {
            release(hold.getString("holdId")).onFailure(e -> log.warn("Hold {} left to time out: {}",
                hold.getString("holdId"), e.getMessage()));
          }
          return Future.failedFuture(err);
        })
        .map(committed -> committed.put("memberHandle", hold.getString("memberHandle"))));
  }

  /**
   * Earns points on a sale. If the server cannot be reached and there is an offline queue, the
   * accrual is queued (with this same key, so if it did arrive after all it still counts once)
   * and the answer says {@code queued: true}. A till cannot check an LP2 code offline (its MAC
   * needs the member's device secret): it queues any well-formed code with its scan time
   * ({@code scannedAt}) and the server decides when the queue is drained.
   */
  public Future<JsonObject> accrue(Member member, long spendFen, String orderRef) {
    String key = newKey();
    JsonObject body = member.intoAccrual(new JsonObject().put("spendFen", spendFen));
    if (orderRef != null) {
      body.put("orderRef", orderRef);
    }
    return call("accrue", body, key).recover(err -> {
      if (queue == null || !(unreachable(err) || err instanceof OutcomeUnknownException)) {
        return Future.failedFuture(err);
      }
      return vertx.executeBlocking(() -> queue.enqueue("accrue", key, body))
          .map(entry -> new JsonObject().put("queued", true).put("offlineSeq", entry.seq())
              .put("idempotencyKey", key));
    });
  }

  public Future<JsonObject> refund(String accrualId, long refundFen) {
    return call("refund", new JsonObject().put("accrualId", accrualId).put("refundFen", refundFen), newKey());
  }

  public Future<JsonObject> claimCode(long spendFen) {
    return call("claim-codes", new JsonObject().put("spendFen", spendFen), newKey());
  }

  /** What the server knows of this till's call with this key: completed (with its answer), in_progress, unknown. */
  public Future<JsonObject> status(String key) {
    return once(HttpMethod.GET, options.posPath("requests/" + key), null, null).compose(PosClient::answer);
  }

  // ---- offline queue

  /**
   * Sends queued accruals in order until the queue is empty or the server is unreachable again;
   * returns how many were settled. Each goes with the key it was queued with and {@code offline:
   * true}. One the server refuses (a code too old, say) is settled too: it is kept in
   * {@link #rejectedOffline()} for the shop to see, and does not block those behind it.
   */
  public Future<Integer> drain() {
    if (queue == null) {
      return Future.succeededFuture(0);
    }
    return vertx.executeBlocking(() -> queue.drain(entry -> {
      JsonObject body = entry.body().copy().put("offline", true);
      try {
        call(entry.operation(), body, entry.idempotencyKey())
            .toCompletionStage().toCompletableFuture().get(options.timeoutMillis() * (options.maxAttempts() + 2) * 2,
                TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (e.getCause() instanceof PosException refused && !(refused instanceof NeedsNetworkException)) {
          rejectedOffline.add(new JsonObject().put("seq", entry.seq()).put("idempotencyKey", entry.idempotencyKey())
              .put("code", refused.code()).put("message", refused.getMessage()));
          return;
        }
        throw new IOException("still offline: " + e.getCause().getMessage(), e.getCause());
      } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
        throw new IOException("no answer while draining", e);
      }
    }));
  }

  /** Accruals waiting in the offline queue. */
  public int pendingOffline() {
    return queue == null ? 0 : queue.size();
  }

  public List<JsonObject> rejectedOffline() {
    return List.copyOf(rejectedOffline);
  }

  // ---- the retry protocol

  /**
   * One logical call with its key: send; with no answer, ask status; take the stored answer if it
   * has one, else resend (same key: the server runs an unfinished call again to what it already
   * did); give up with {@link OutcomeUnknownException} after maxAttempts.
   */
  Future<JsonObject> call(String operation, JsonObject body, String key) {
    Promise<JsonObject> result = Promise.promise();
    attempt(operation, body, key, 1, null, result);
    return result.future();
  }

  private void attempt(String operation, JsonObject body, String key, int n, Throwable last,
      Promise<JsonObject> result) {
    if (n > options.maxAttempts()) {
      result.fail(unreachable(last) ? last : new OutcomeUnknownException(operation, key, last));
      return;
    }
    once(HttpMethod.POST, options.posPath(operation), body, key).onComplete(ar -> {
      if (ar.succeeded() && ar.result().statusCode() < 500) {
        answer(ar.result()).onComplete(result);
        return;
      }
      Throwable why = ar.succeeded() ? new IOException("server error " + ar.result().statusCode()) : ar.cause();
      if (ar.failed() && unreachable(why) && n == 1) {
        result.fail(why); // never connected: nothing was sent, nothing to ask about
        return;
      }
      resolve(operation, body, key, n, why, result);
    });
  }

  /** No answer to attempt n: ask status before anything else. */
  private void resolve(String operation, JsonObject body, String key, int n, Throwable why,
      Promise<JsonObject> result) {
    vertx.setTimer(options.backoffMillis() * n, t -> status(key).onComplete(st -> {
      if (st.failed()) {
        // status did not answer either: try asking again on the next round, never resend blind
        if (n + 1 > options.maxAttempts()) {
          result.fail(new OutcomeUnknownException(operation, key, st.cause()));
        } else {
          resolve(operation, body, key, n + 1, st.cause(), result);
        }
        return;
      }
      JsonObject status = st.result();
      switch (status.getString("state")) {
        case "completed" -> storedAnswer(status).onComplete(result);
        // Seen but without an outcome: still running, or cut short by a crash, when only sending it
        // again finishes it. Either way the server runs it again to what it already did: send it.
        case "in_progress" -> attempt(operation, body, key, n + 1, why, result);
        default -> attempt(operation, body, key, n + 1, why, result); // never seen: send it again, same key
      }
    }));
  }

  private Future<HttpResponse<Buffer>> once(HttpMethod method, String path, JsonObject body, String key) {
    return token().compose(bearer -> {
      Future<HttpResponse<Buffer>> sent = send(method, path, body, key, bearer);
      return sent.compose(r -> {
        // An expired token is refused before the handler: nothing happened; refresh and send again.
        if (r.statusCode() == 401 && options.deviceSecret() != null
            && ServerCodes.TOKEN_REFUSED.contains(problemCode(r))) {
          token = null;
          return token().compose(fresh -> send(method, path, body, key, fresh));
        }
        return Future.succeededFuture(r);
      });
    });
  }

  private Future<HttpResponse<Buffer>> send(HttpMethod method, String path, JsonObject body, String key, String bearer) {
    HttpRequest<Buffer> request = http.request(method, path).timeout(options.timeoutMillis())
        .putHeader("Authorization", "Bearer " + bearer);
    if (key != null) {
      request.putHeader(IDEMPOTENCY_KEY, key);
    }
    return body == null ? request.send() : request.sendJsonObject(body);
  }

  private Future<String> token() {
    String current = token;
    if (current != null) {
      return Future.succeededFuture(current);
    }
    if (options.deviceSecret() == null) {
      return Future.failedFuture(new IllegalStateException("no access token and no device secret"));
    }
    return http.post("/v1/terminals/token").timeout(options.timeoutMillis())
        .sendJsonObject(new JsonObject().put("deviceSecret", options.deviceSecret()))
        .compose(PosClient::answer)
        .map(json -> {
          token = json.getString("accessToken");
          return token;
        });
  }

  private void releaseByReserveKey(String reserveKey) {
    call("release", new JsonObject().put("reserveKey", reserveKey), newKey()).onComplete(ar -> {
      if (ar.failed() && !(ar.cause() instanceof PosException pe && pe.code().equals(ServerCodes.HOLD_NOT_FOUND))) {
        log.warn("Could not release the hold of reserve {} (it times out by itself): {}", reserveKey,
            ar.cause().getMessage());
      }
    });
  }

  private static Future<JsonObject> answer(HttpResponse<Buffer> r) {
    JsonObject body;
    try {
      body = r.body() == null || r.body().length() == 0 ? new JsonObject() : r.bodyAsJsonObject();
    } catch (RuntimeException e) {
      body = new JsonObject();
    }
    if (r.statusCode() >= 200 && r.statusCode() < 300) {
      return Future.succeededFuture(body);
    }
    return Future.failedFuture(new PosException(r.statusCode(), body.getString("code", "http_" + r.statusCode()),
        body.getString("detail", r.statusMessage())));
  }

  private static Future<JsonObject> storedAnswer(JsonObject status) {
    int code = status.getInteger("statusCode");
    JsonObject body = status.getJsonObject("response", new JsonObject());
    return code < 300 ? Future.succeededFuture(body)
        : Future.failedFuture(new PosException(code, body.getString("code"), body.getString("detail", "")));
  }

  private static String problemCode(HttpResponse<Buffer> r) {
    try {
      return r.bodyAsJsonObject().getString("code", "");
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** The server was never reached: the request was not sent at all. */
  static boolean unreachable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof NoRouteToHostException || c instanceof UnknownHostException
          || c.getClass().getSimpleName().equals("ConnectTimeoutException")) {
        return true;
      }
    }
    return false;
  }

  static String newKey() {
    return UUID.randomUUID().toString();
  }

  @Override
  public void close() {
    http.close();
  }
}
