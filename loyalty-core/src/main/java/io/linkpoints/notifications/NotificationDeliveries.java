package io.linkpoints.notifications;

import io.linkpoints.platform.EachAlliance;
import io.linkpoints.web.OutboundTargets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the queued push and SMS deliveries, alliance by alliance. Each instance claims due rows
 * with {@code for update skip locked} and moves them a lease ahead in the same statement, so two
 * instances never send one row at once and a row claimed by an instance that died comes due again
 * when its lease ends. Then, without holding anything: a push is encrypted (RFC 8291), signed
 * (VAPID) and POSTed with Vert.x's non-blocking client. 2xx: delivered. 404 or 410 from the push
 * service: the subscription is gone, deleted (with its other deliveries). 429, 5xx, no answer:
 * again after 10 s, 20 s, 40 s... (at most an hour), up to {@value #MAX_ATTEMPTS} attempts. Another
 * 4xx: failed for good. Delivery is at least once (a crash after the send and before the mark sends
 * again); the payload carries the notification's id and event id so the wallet can tell.
 */
public final class NotificationDeliveries {
  private static final Logger log = LoggerFactory.getLogger(NotificationDeliveries.class);
  static final int MAX_ATTEMPTS = 8;
  static final Duration LEASE = Duration.ofMinutes(2);
  static final Duration FIRST_RETRY = Duration.ofSeconds(10);
  static final Duration LONGEST_RETRY = Duration.ofHours(1);
  /** Data goes into a push when the whole payload stays within this (a push carries at most 3,993 bytes). */
  static final int MAX_PAYLOAD = 3_000;

  private static final String CLAIM = "with due as (select id from notification_delivery where alliance_id = $1"
      + " and delivered_at is null and failed_at is null and next_attempt_at <= $2"
      + " order by next_attempt_at, id limit $4 for update skip locked),"
      + " claimed as (update notification_delivery d set attempts = d.attempts + 1, next_attempt_at = $3 from due"
      + " where d.alliance_id = $1 and d.id = due.id"
      + " returning d.id, d.channel, d.notification_id, d.subscription_id, d.attempts)"
      + " select c.id, c.channel, c.subscription_id, c.attempts, n.id as notification_id, n.event_id, n.kind,"
      + " n.title_zh, n.body_zh, n.title_en, n.body_en, n.data, m.phone, s.endpoint, s.p256dh, s.auth"
      + " from claimed c join member_notification n on n.alliance_id = $1 and n.id = c.notification_id"
      + " join member m on m.alliance_id = $1 and m.id = n.member_id"
      + " left join push_subscription s on s.alliance_id = $1 and s.id = c.subscription_id order by c.id";
  private static final String DELIVERED = "update notification_delivery set delivered_at = $3, last_error = null"
      + " where alliance_id = $1 and id = $2";
  private static final String RETRY = "update notification_delivery set next_attempt_at = $3, last_error = $4"
      + " where alliance_id = $1 and id = $2";
  private static final String FAILED = "update notification_delivery set failed_at = $3, last_error = $4"
      + " where alliance_id = $1 and id = $2";
  private static final String GONE = "delete from push_subscription where alliance_id = $1 and id = $2";

  private final Vertx vertx;
  private final Pool pool;
  private final HttpClient http;
  private final VapidKeys vapid;
  private final OutboundTargets targets;
  private final SmsSender sms;
  private final Clock clock;

  /** {@code sms}: null when no gateway is configured (nothing is queued for SMS then). */
  public NotificationDeliveries(Vertx vertx, Pool pool, HttpClient http, VapidKeys vapid, OutboundTargets targets,
      SmsSender sms, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.http = http;
    this.vapid = vapid;
    this.targets = targets;
    this.sms = sms;
    this.clock = clock;
  }

  /** What one run did, over every alliance. */
  public record Outcome(int sent, int retried, int failed, int gone) {
    Outcome plus(Outcome o) {
      return new Outcome(sent + o.sent, retried + o.retried, failed + o.failed, gone + o.gone);
    }
  }

  private enum Result { SENT, RETRY, FAILED, GONE }

  /** Sends up to {@code limit} due deliveries in each alliance (the periodic job calls this). */
  public Future<Outcome> runOnce(int limit) {
    return EachAlliance.inTurn(pool, allianceId -> runAlliance(allianceId, limit)).map(list -> {
      Outcome sum = new Outcome(0, 0, 0, 0);
      for (Outcome o : list) {
        sum = sum.plus(o);
      }
      return sum;
    });
  }

  /** One alliance's due deliveries, sent at once (each push service is another host). */
  public Future<Outcome> runAlliance(long allianceId, int limit) {
    Instant now = clock.instant();
    return pool.preparedQuery(CLAIM).execute(Tuple.of(allianceId, now.atOffset(ZoneOffset.UTC),
            now.plus(LEASE).atOffset(ZoneOffset.UTC), limit))
        .compose(rows -> {
          List<Future<Result>> sends = new ArrayList<>();
          for (Row r : rows) {
            sends.add(deliver(allianceId, r, now));
          }
          return Future.join(sends).transform(done -> {
            int[] counts = new int[Result.values().length];
            for (Future<Result> f : sends) {
              counts[(f.succeeded() ? f.result() : Result.RETRY).ordinal()]++;
            }
            return Future.succeededFuture(new Outcome(counts[0], counts[1], counts[2], counts[3]));
          });
        });
  }

  private Future<Result> deliver(long allianceId, Row r, Instant now) {
    long id = r.getLong("id");
    int attempts = r.getInteger("attempts");
    Future<Integer> status = "push".equals(r.getString("channel")) ? push(r, now) : sms(r);
    return status.transform(ended -> {
      if (ended.succeeded() && ended.result() >= 200 && ended.result() < 300) {
        return mark(DELIVERED, allianceId, id, now, null).map(Result.SENT);
      }
      if (ended.succeeded() && (ended.result() == 404 || ended.result() == 410)) {
        return pool.preparedQuery(GONE).execute(Tuple.of(allianceId, r.getLong("subscription_id"))).map(Result.GONE);
      }
      String error = ended.succeeded() ? "answered " + ended.result() : String.valueOf(ended.cause().getMessage());
      boolean forGood = ended.failed() ? ended.cause() instanceof SmsSender.Rejected
          : ended.result() >= 400 && ended.result() < 500 && ended.result() != 408 && ended.result() != 429;
      if (forGood || attempts >= MAX_ATTEMPTS) {
        log.info("Notification delivery {} of alliance {} failed for good: {}", id, allianceId, error);
        return mark(FAILED, allianceId, id, now, error).map(Result.FAILED);
      }
      return mark(RETRY, allianceId, id, now.plus(backoff(attempts)), error).map(Result.RETRY);
    });
  }

  /** The wait before attempt {@code attempts + 1}: 10 s, doubling, at most an hour. */
  static Duration backoff(int attempts) {
    Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(attempts - 1, 20));
    return wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait;
  }

  private Future<Void> mark(String sql, long allianceId, long id, Instant at, String error) {
    Tuple t = error == null && sql.equals(DELIVERED) ? Tuple.of(allianceId, id, at.atOffset(ZoneOffset.UTC))
        : Tuple.of(allianceId, id, at.atOffset(ZoneOffset.UTC), error);
    return pool.preparedQuery(sql).execute(t).mapEmpty();
  }

  /** The push's plaintext: what the service worker shows, both languages, the ids to deduplicate by. */
  static String payload(Row r) {
    JsonObject p = new JsonObject().put("id", r.getLong("notification_id")).put("eventId", r.getUUID("event_id").toString())
        .put("kind", r.getString("kind")).put("titleZh", r.getString("title_zh")).put("bodyZh", r.getString("body_zh"))
        .put("titleEn", r.getString("title_en")).put("bodyEn", r.getString("body_en"))
        .put("url", "/wallet.html#inbox").put("data", r.getValue("data"));
    String full = p.encode();
    // A push is one record of at most 3,993 bytes: a long data (a reminder of many lots) stays in the inbox only.
    return full.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD ? full : p.put("data", new JsonObject()).encode();
  }

  /** A push ready to send: its encrypted body and VAPID header, or why it cannot go (an HTTP-like status). */
  private record Prepared(int refusedWith, byte[] body, String authorization, OutboundTargets.Target target) {
  }

  private Future<Integer> push(Row r, Instant now) {
    String endpoint = r.getString("endpoint");
    String payload = payload(r);
    // The endpoint's DNS lookup, the ECDH and AES-GCM of RFC 8291 and the ES256 signature are
    // blocking or CPU work: on a worker, never on the event loop.
    return vertx.executeBlocking(() -> {
      OutboundTargets.Target target;
      try {
        target = targets.resolve(endpoint);
      } catch (OutboundTargets.Refused refused) {
        return new Prepared(403, null, null, null);
      }
      byte[] body;
      try {
        body = WebPushCrypto.encrypt(payload.getBytes(StandardCharsets.UTF_8),
            Base64.getUrlDecoder().decode(r.getString("p256dh")), Base64.getUrlDecoder().decode(r.getString("auth")));
      } catch (Exception e) {
        return new Prepared(400, null, null, null); // keys that cannot be used: never deliverable
      }
      return new Prepared(0, body, vapid.authorization(endpoint, now), target);
    }, false).compose(prepared -> {
      if (prepared.refusedWith() != 0) {
        return Future.succeededFuture(prepared.refusedWith());
      }
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(endpoint)
          .setFollowRedirects(false).setConnectTimeout(10_000).setIdleTimeout(20_000)
          .putHeader("TTL", "86400").putHeader("Urgency", "normal").putHeader("Content-Encoding", "aes128gcm")
          .putHeader("Content-Type", "application/octet-stream")
          .putHeader("Authorization", prepared.authorization())
          // Connect to the address checked; the URL's host still names the server (Host, TLS SNI).
          .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(prepared.target().port(),
              prepared.target().address().getHostAddress()));
      return http.request(options).compose(req -> req.send(Buffer.buffer(prepared.body())))
          .compose(resp -> resp.body().map(b -> resp.statusCode()));
    });
  }

  private Future<Integer> sms(Row r) {
    if (sms == null) {
      return Future.succeededFuture(400);
    }
    Map<String, String> params = new LinkedHashMap<>();
    JsonObject data = (JsonObject) r.getValue("data");
    data.forEach(e -> {
      if (!(e.getValue() instanceof JsonObject) && !(e.getValue() instanceof io.vertx.core.json.JsonArray)) {
        params.put(e.getKey(), String.valueOf(e.getValue()));
      }
    });
    params.put("text", r.getString("body_zh"));
    return sms.send(r.getString("phone"), r.getString("kind"), params).map(200);
  }
}
