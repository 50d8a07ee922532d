package io.linkpoints.webhooks;

import io.linkpoints.outbox.EventType;
import io.linkpoints.outbox.Outbox;
import io.linkpoints.platform.EachAlliance;
import io.linkpoints.platform.WebhookOptions;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.OutboundTargets;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the outbox's webhook deliveries; every instance runs one. Each run goes over the alliances
 * in turn and, in each, claims up to {@code claimPerAlliance} due deliveries: pending, due, not
 * leased, of an active endpoint, and the earliest pending one of their endpoint (an endpoint's
 * next event waits until its earlier one succeeded or was given up: in order per endpoint). The
 * claim locks the rows {@code FOR UPDATE SKIP LOCKED} and leases them (attempts + 1, lease_until)
 * in one statement, so two instances never take the same delivery, nor two of one endpoint.
 * Each is sent (at least once: a lease that runs out before its answer is recorded lets another
 * instance send it again; receivers deduplicate by the event id), its attempt logged, and then it
 * succeeded (2xx), or waits {@code retryBase × 2^(attempts-1)} (at most {@code retryCap}, less up to
 * a quarter as jitter), or, past {@code giveUpAfter} since it became due, is given up: its endpoint
 * is disabled and a {@code webhook.endpoint_disabled} event written for the endpoint's owner.
 * Redirects are never followed (a 3xx is a failure); the target is checked by {@link OutboundTargets}
 * before every attempt and the connection goes to the address checked.
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  /** A receiver's answer body is read up to this much, then the connection is dropped. */
  private static final int MAX_ERROR_CHARS = 500;

  // webhook_delivery_due (alliance_id, next_attempt_at) where pending; webhook_delivery_pending for the order.
  private static final String CLAIM = "update webhook_delivery d set attempts = d.attempts + 1,"
      + " lease_until = statement_timestamp() + $3::bigint * '1 millisecond'::interval"
      + " from (select c.id from webhook_delivery c join webhook_endpoint w on w.alliance_id = $1"
      + " and w.id = c.endpoint_id and w.status = 'active'"
      + " where c.alliance_id = $1 and c.status = 'pending' and c.next_attempt_at <= statement_timestamp()"
      + " and (c.lease_until is null or c.lease_until <= statement_timestamp())"
      + " and not exists (select 1 from webhook_delivery p where p.alliance_id = $1 and p.endpoint_id = c.endpoint_id"
      + " and p.status = 'pending' and p.event_seq < c.event_seq)"
      + " order by c.next_attempt_at, c.event_seq limit $2 for update of c skip locked) pick,"
      + " outbox_event e, webhook_endpoint w"
      + " where d.alliance_id = $1 and d.id = pick.id and e.alliance_id = $1 and e.id = d.event_id"
      + " and w.alliance_id = $1 and w.id = d.endpoint_id"
      + " returning d.id, d.endpoint_id, d.attempts, d.due_since + $4::bigint * '1 millisecond'::interval <= statement_timestamp()"
      + " as overdue, e.id as event_id, e.type, e.shop_id, e.payload, e.created_at, w.url, w.secret, w.previous_secret,"
      + " w.previous_secret_until > statement_timestamp() as previous_signs";

  private static final String SUCCEEDED = "with a as (insert into webhook_attempt (alliance_id, delivery_id, n, at,"
      + " status_code, error, duration_ms) values ($1, $2, $3, statement_timestamp(), $4, null, $5))"
      + " update webhook_delivery set status = 'succeeded', lease_until = null, last_status_code = $4,"
      + " last_error = null, finished_at = statement_timestamp() where alliance_id = $1 and id = $2 and attempts = $3";

  private static final String RETRY = "with a as (insert into webhook_attempt (alliance_id, delivery_id, n, at,"
      + " status_code, error, duration_ms) values ($1, $2, $3, statement_timestamp(), $4, $5, $6))"
      + " update webhook_delivery set lease_until = null,"
      + " next_attempt_at = statement_timestamp() + $7::bigint * '1 millisecond'::interval, last_status_code = $4,"
      + " last_error = $5 where alliance_id = $1 and id = $2 and attempts = $3";

  private static final String GIVE_UP = "with a as (insert into webhook_attempt (alliance_id, delivery_id, n, at,"
      + " status_code, error, duration_ms) values ($1, $2, $3, statement_timestamp(), $4, $5, $6))"
      + " update webhook_delivery set status = 'given_up', lease_until = null, last_status_code = $4,"
      + " last_error = $5, finished_at = statement_timestamp() where alliance_id = $1 and id = $2 and attempts = $3"
      + " returning id";

  private static final String DISABLE = "update webhook_endpoint set status = 'disabled',"
      + " updated_at = statement_timestamp(), disabled_reason = $3 where alliance_id = $1 and id = $2"
      + " and status = 'active' returning shop_id, url, statement_timestamp() as at";

  private final Vertx vertx;
  private final Pool pool;
  private final WebhookOptions options;
  private final Clock clock;
  private final OutboundTargets guard;
  private final HttpClient http;

  /** {@code clock}: the wall clock (retry times and signature timestamps are the receiver's time too). */
  public Dispatcher(Vertx vertx, Pool pool, WebhookOptions options, OutboundTargets guard, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.options = options;
    this.clock = clock;
    this.guard = guard;
    this.http = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) options.requestTimeout().toMillis())
        .setMaxRedirects(0)
        .setTrustAll(false)
        .setVerifyHost(true));
  }

  /** One run: each alliance's due deliveries claimed and sent; answers how many were attempted. */
  public Future<Integer> runOnce() {
    return EachAlliance.inTurn(pool, this::runAlliance).map(n -> n.stream().mapToInt(Integer::intValue).sum());
  }

  public Future<Void> close() {
    return http.close();
  }

  private Future<Integer> runAlliance(long alliance) {
    long leaseMs = options.requestTimeout().multipliedBy(3).toMillis();
    return pool.preparedQuery(CLAIM).execute(Tuple.of(alliance, options.claimPerAlliance(), leaseMs,
            options.giveUpAfter().toMillis()))
        .compose(rows -> {
          List<Future<Void>> sent = new ArrayList<>();
          for (Row row : rows) {
            sent.add(deliver(alliance, row));
          }
          return Future.join(sent).transform(done -> Future.succeededFuture(sent.size()));
        });
  }

  private Future<Void> deliver(long alliance, Row row) {
    UUID deliveryId = row.getUUID("id");
    int attempt = row.getInteger("attempts");
    String url = row.getString("url");
    JsonObject body = new JsonObject()
        .put("id", row.getUUID("event_id").toString())
        .put("type", row.getString("type"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("allianceId", alliance)
        .put("shopId", row.getLong("shop_id"))
        .put("data", row.getJsonObject("payload"));
    String text = body.encode();
    List<String> secrets = new ArrayList<>();
    secrets.add(row.getString("secret"));
    if (row.getString("previous_secret") != null && Boolean.TRUE.equals(row.getBoolean("previous_signs"))) {
      secrets.add(row.getString("previous_secret"));
    }
    long started = System.nanoTime();
    return guard.check(vertx, url, ProblemCode.ENDPOINT_NOT_ALLOWED)
        .compose(target -> send(target, text, row.getUUID("event_id"), secrets))
        .transform(outcome -> {
          int ms = (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - started) / 1_000_000);
          Integer status = outcome.succeeded() ? outcome.result() : null;
          if (status != null && status >= 200 && status < 300) {
            return pool.preparedQuery(SUCCEEDED).execute(Tuple.of(alliance, deliveryId, attempt, status, ms))
                .<Void>mapEmpty();
          }
          String error = outcome.succeeded() ? "answered " + status
              : outcome.cause() instanceof ApiException refused ? refused.getMessage()
              : String.valueOf(outcome.cause().getMessage());
          return failed(alliance, row, attempt, status, truncate(error), ms);
        })
        .recover(err -> {
          log.warn("Webhook delivery {} of alliance {}: recording its attempt failed: {}", deliveryId, alliance,
              err.getMessage());
          return Future.succeededFuture();
        });
  }

  /** POSTs the body to the checked address; answers the status code. */
  private Future<Integer> send(OutboundTargets.Target target, String body, UUID eventId, List<String> secrets) {
    long unix = clock.instant().getEpochSecond();
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
        .setHost(target.host())
        .setPort(target.port())
        .setSsl(target.tls())
        .setURI(target.pathAndQuery())
        .setFollowRedirects(false)
        .setTimeout(options.requestTimeout().toMillis())
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "Linkpoints-Webhooks/1")
        .putHeader(Signatures.EVENT_ID_HEADER, eventId.toString())
        .putHeader(Signatures.HEADER, Signatures.header(unix, body, secrets));
    return http.request(request)
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(ignored -> resp.statusCode()));
  }

  private Future<Void> failed(long alliance, Row row, int attempt, Integer status, String error, int ms) {
    if (Boolean.TRUE.equals(row.getBoolean("overdue"))) {
      return giveUp(alliance, row, attempt, status, error, ms);
    }
    return pool.preparedQuery(RETRY).execute(Tuple.tuple().addValue(alliance).addValue(row.getUUID("id"))
        .addValue(attempt).addValue(status).addValue(error).addValue(ms).addValue(backoff(attempt).toMillis()))
        .mapEmpty();
  }

  /** Base × 2^(attempt−1), at most the cap, less a random quarter so many failures spread out. */
  Duration backoff(int attempt) {
    long base = options.retryBase().toMillis();
    long cap = options.retryCap().toMillis();
    long ms = attempt >= 31 ? cap : Math.min(cap, base << Math.max(0, attempt - 1));
    return Duration.ofMillis(ms - ThreadLocalRandom.current().nextLong(ms / 4 + 1));
  }

  /**
   * Gives the delivery up, disables its endpoint and tells the endpoint's owner: all in one
   * transaction, so an endpoint is disabled with its event or not at all.
   */
  private Future<Void> giveUp(long alliance, Row row, int attempt, Integer status, String error, int ms) {
    UUID deliveryId = row.getUUID("id");
    UUID endpointId = row.getUUID("endpoint_id");
    String reason = "deliveries failed for " + options.giveUpAfter().toHours() + " h; last: " + error;
    return pool.withTransaction(conn -> conn.preparedQuery(GIVE_UP).execute(Tuple.tuple().addValue(alliance)
            .addValue(deliveryId).addValue(attempt).addValue(status).addValue(error).addValue(ms))
        .compose(given -> given.rowCount() == 0 ? Future.succeededFuture()
            : conn.preparedQuery(DISABLE).execute(Tuple.of(alliance, endpointId, truncate(reason)))
                .compose(disabled -> {
                  if (disabled.rowCount() == 0) {
                    return Future.succeededFuture();
                  }
                  Row d = disabled.iterator().next();
                  Long shop = d.getLong("shop_id");
                  JsonObject data = new JsonObject().put("endpointId", endpointId.toString())
                      .put("url", d.getString("url")).put("reason", truncate(reason));
                  return Outbox.append(conn, alliance, List.of(new Outbox.Event(
                      Outbox.eventId("webhook-disabled", String.valueOf(alliance), endpointId.toString(),
                          deliveryId.toString(), String.valueOf(attempt)),
                      EventType.WEBHOOK_ENDPOINT_DISABLED, shop, null, data,
                      d.getOffsetDateTime("at").toInstant())));
                }))
        .<Void>mapEmpty())
        .onSuccess(v -> log.warn("Webhook endpoint {} of alliance {} disabled: delivery {} given up", endpointId,
            alliance, deliveryId));
  }

  private static String truncate(String s) {
    return s == null || s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS);
  }
}
