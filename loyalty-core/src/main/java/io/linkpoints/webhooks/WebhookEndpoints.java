package io.linkpoints.webhooks;

import io.linkpoints.web.OutboundTargets;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Webhook endpoints and their delivery log. {@code scope} is the caller's reach: an owner's shop
 * (it registers endpoints for its shop's events and sees only those), or null for the admin (who
 * registers alliance-wide endpoints and sees every endpoint of the alliance). An endpoint out of
 * reach is {@code 404 webhook_not_found}, as one that does not exist.
 */
public final class WebhookEndpoints {
  /** How long the previous secret keeps signing after a rotation. */
  static final Duration ROTATION_OVERLAP = Duration.ofHours(24);

  public record Endpoint(UUID id, Long shopId, String url, List<String> eventTypes, String status,
      String disabledReason, Instant createdAt, Instant updatedAt, Instant previousSecretUntil) {
  }

  /** An endpoint with its secret: answered once, when made or rotated. */
  public record WithSecret(Endpoint endpoint, String secret) {
  }

  public record Attempt(int n, Instant at, Integer statusCode, String error, int durationMs) {
  }

  public record Delivery(UUID id, UUID eventId, String eventType, long eventSeq, String status, int attempts,
      Instant nextAttemptAt, Integer lastStatusCode, String lastError, Instant createdAt, Instant finishedAt,
      List<Attempt> log) {
  }

  public record DeliveryPage(List<Delivery> items, Long nextBefore) {
  }

  private static final String ENDPOINT_COLUMNS = "id, shop_id, url, event_types, status, disabled_reason, created_at,"
      + " updated_at, previous_secret_until";
  private static final String INSERT = "insert into webhook_endpoint (alliance_id, id, shop_id, url, event_types,"
      + " secret, status, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, 'active', $7, $7)"
      + " returning " + ENDPOINT_COLUMNS;
  private static final String LIST = "select " + ENDPOINT_COLUMNS + " from webhook_endpoint"
      + " where alliance_id = $1 and ($2::bigint is null or shop_id = $2) order by created_at, id";
  private static final String GET = "select " + ENDPOINT_COLUMNS + " from webhook_endpoint"
      + " where alliance_id = $1 and id = $2 and ($3::bigint is null or shop_id = $3)";
  private static final String DELETE = "delete from webhook_endpoint"
      + " where alliance_id = $1 and id = $2 and ($3::bigint is null or shop_id = $3) returning id";
  private static final String SET_STATUS = "update webhook_endpoint set status = $4, updated_at = $5,"
      + " disabled_reason = case when $4 = 'disabled' then $6 else null end"
      + " where alliance_id = $1 and id = $2 and ($3::bigint is null or shop_id = $3) returning " + ENDPOINT_COLUMNS;
  private static final String ROTATE = "update webhook_endpoint set previous_secret = secret,"
      + " previous_secret_until = $5, secret = $4, updated_at = $6"
      + " where alliance_id = $1 and id = $2 and ($3::bigint is null or shop_id = $3) returning " + ENDPOINT_COLUMNS;
  private static final String DELIVERIES = "select d.id, d.event_id, e.type, d.event_seq, d.status, d.attempts,"
      + " d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.finished_at"
      + " from webhook_delivery d join outbox_event e on e.alliance_id = d.alliance_id and e.id = d.event_id"
      + " where d.alliance_id = $1 and d.endpoint_id = $2 and d.event_seq < $3 order by d.event_seq desc limit $4";
  private static final String ATTEMPTS = "select delivery_id, n, at, status_code, error, duration_ms"
      + " from webhook_attempt where alliance_id = $1 and delivery_id = any ($2::uuid[]) order by delivery_id, n";
  private static final String REPLAY = "update webhook_delivery set status = 'pending',"
      + " due_since = statement_timestamp(), next_attempt_at = statement_timestamp(), lease_until = null,"
      + " finished_at = null"
      + " where alliance_id = $1 and id = $2 and endpoint_id = $3 returning id";

  private final Pool pool;
  private final OutboundTargets guard;
  private final io.vertx.core.Vertx vertx;
  private final Clock clock;

  /** {@code guard}: the SSRF guard, which refuses a URL the service must not call. */
  public WebhookEndpoints(io.vertx.core.Vertx vertx, Pool pool, OutboundTargets guard, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.guard = guard;
    this.clock = clock;
  }

  /** Registers an endpoint for {@code scope}'s events (its shop's, or the alliance's when null). */
  public Future<WithSecret> register(long alliance, Long scope, String url, List<String> eventTypes) {
    List<String> types = List.copyOf(new java.util.LinkedHashSet<>(eventTypes));
    return guard.check(vertx, url, ProblemCode.ENDPOINT_NOT_ALLOWED).compose(target -> {
      String secret = Signatures.newSecret();
      return pool.preparedQuery(INSERT).execute(Tuple.tuple().addValue(alliance).addValue(UUID.randomUUID())
              .addValue(scope).addValue(url).addValue(types.toArray(String[]::new)).addValue(secret).addValue(now()))
          .map(rows -> new WithSecret(endpoint(rows.iterator().next()), secret));
    });
  }

  public Future<List<Endpoint>> list(long alliance, Long scope) {
    return pool.preparedQuery(LIST).execute(Tuple.of(alliance, scope)).map(rows -> {
      List<Endpoint> out = new ArrayList<>();
      rows.forEach(r -> out.add(endpoint(r)));
      return out;
    });
  }

  public Future<Endpoint> get(long alliance, Long scope, UUID id) {
    return pool.preparedQuery(GET).execute(Tuple.of(alliance, id, scope)).map(rows -> one(rows, id));
  }

  /** Deletes the endpoint with its deliveries and their log. */
  public Future<Void> delete(long alliance, Long scope, UUID id) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(alliance, id, scope)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw notFound(id);
      }
      return null;
    });
  }

  public Future<Endpoint> disable(long alliance, Long scope, UUID id) {
    return setStatus(alliance, scope, id, "disabled", "disabled by its owner");
  }

  /** Enabled again: pending deliveries go on from where they stopped, in order. */
  public Future<Endpoint> enable(long alliance, Long scope, UUID id) {
    return setStatus(alliance, scope, id, "active", null);
  }

  private Future<Endpoint> setStatus(long alliance, Long scope, UUID id, String status, String reason) {
    return pool.preparedQuery(SET_STATUS).execute(Tuple.tuple().addValue(alliance).addValue(id).addValue(scope)
        .addValue(status).addValue(now()).addValue(reason)).map(rows -> one(rows, id));
  }

  /** A new secret; the old one keeps signing (a second v1) for {@link #ROTATION_OVERLAP}. */
  public Future<WithSecret> rotateSecret(long alliance, Long scope, UUID id) {
    String secret = Signatures.newSecret();
    OffsetDateTime now = now();
    return pool.preparedQuery(ROTATE).execute(Tuple.tuple().addValue(alliance).addValue(id).addValue(scope)
            .addValue(secret).addValue(now.plus(ROTATION_OVERLAP)).addValue(now))
        .map(rows -> new WithSecret(one(rows, id), secret));
  }

  /** The endpoint's deliveries, newest event first, {@code limit} at a time, before an event seq. */
  public Future<DeliveryPage> deliveries(long alliance, Long scope, UUID id, Long before, int limit) {
    return get(alliance, scope, id).compose(endpoint -> pool.preparedQuery(DELIVERIES)
        .execute(Tuple.tuple().addValue(alliance).addValue(id).addValue(before == null ? Long.MAX_VALUE : before)
            .addValue(limit + 1))
        .compose(rows -> {
          Map<UUID, Row> byId = new LinkedHashMap<>();
          for (Row r : rows) {
            if (byId.size() < limit) {
              byId.put(r.getUUID("id"), r);
            }
          }
          boolean more = rows.size() > limit;
          return pool.preparedQuery(ATTEMPTS).execute(Tuple.tuple().addValue(alliance)
                  .addValue(byId.keySet().toArray(UUID[]::new)))
              .map(attempts -> {
                Map<UUID, List<Attempt>> logs = new LinkedHashMap<>();
                for (Row a : attempts) {
                  logs.computeIfAbsent(a.getUUID("delivery_id"), k -> new ArrayList<>()).add(new Attempt(
                      a.getInteger("n"), a.getOffsetDateTime("at").toInstant(), a.getInteger("status_code"),
                      a.getString("error"), a.getInteger("duration_ms")));
                }
                List<Delivery> items = new ArrayList<>();
                byId.forEach((deliveryId, r) -> items.add(delivery(r, logs.getOrDefault(deliveryId, List.of()))));
                return new DeliveryPage(items, more ? items.get(items.size() - 1).eventSeq() : null);
              });
        }));
  }

  /**
   * Sends one delivery again: pending at once, whatever it ended as. It keeps its place in the
   * endpoint's order (its event's seq), so it goes before any later delivery still pending.
   */
  public Future<Void> replay(long alliance, Long scope, UUID id, UUID deliveryId) {
    return get(alliance, scope, id).compose(endpoint -> pool.preparedQuery(REPLAY)
        .execute(Tuple.of(alliance, deliveryId, id)).map(rows -> {
          if (rows.rowCount() == 0) {
            throw ProblemCode.DELIVERY_NOT_FOUND.refuse("no delivery " + deliveryId + " of endpoint " + id);
          }
          return null;
        }));
  }

  private OffsetDateTime now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }

  private static Endpoint one(io.vertx.sqlclient.RowSet<Row> rows, UUID id) {
    if (rows.size() == 0) {
      throw notFound(id);
    }
    return endpoint(rows.iterator().next());
  }

  private static RuntimeException notFound(UUID id) {
    return ProblemCode.WEBHOOK_NOT_FOUND.refuse("no webhook endpoint " + id + " here");
  }

  private static Endpoint endpoint(Row r) {
    OffsetDateTime until = r.getOffsetDateTime("previous_secret_until");
    return new Endpoint(r.getUUID("id"), r.getLong("shop_id"), r.getString("url"),
        List.of(r.getArrayOfStrings("event_types")), r.getString("status"), r.getString("disabled_reason"),
        r.getOffsetDateTime("created_at").toInstant(), r.getOffsetDateTime("updated_at").toInstant(),
        until == null ? null : until.toInstant());
  }

  private static Delivery delivery(Row r, List<Attempt> log) {
    OffsetDateTime finished = r.getOffsetDateTime("finished_at");
    return new Delivery(r.getUUID("id"), r.getUUID("event_id"), r.getString("type"), r.getLong("event_seq"),
        r.getString("status"), r.getInteger("attempts"), r.getOffsetDateTime("next_attempt_at").toInstant(),
        r.getInteger("last_status_code"), r.getString("last_error"), r.getOffsetDateTime("created_at").toInstant(),
        finished == null ? null : finished.toInstant(), log);
  }
}
