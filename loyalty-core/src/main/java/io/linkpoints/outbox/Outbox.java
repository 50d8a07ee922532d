package io.linkpoints.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Writes events into the outbox, on the caller's connection: inside its transaction, so the events
 * commit or roll back with the change. One statement per call (one alliance): the events, and
 * their deliveries to every active endpoint of the alliance that wants them ({@link #FAN_OUT}).
 */
public final class Outbox {
  private Outbox() {
  }

  /**
   * One event. {@code id} is derived from what caused it ({@link #eventId}), so a rerun of the same
   * change names the same event and writes it once ({@code on conflict do nothing}).
   */
  public record Event(UUID id, String type, Long shopId, Long memberId, JsonObject data, Instant createdAt) {
  }

  /**
   * The tail of every statement that writes events: given the CTE {@code e} of the events just
   * inserted ({@code returning id, seq, type, shop_id, created_at}) and the alliance as {@code $1},
   * one delivery per event and active endpoint that asked for its type, of the alliance (shop_id
   * null) or of the event's shop. The delivery's id is derived from the endpoint's and the event's.
   * Its times are the database's (the dispatcher's, which runs on every instance, are too), so
   * instances whose clocks differ a little still agree on what is due.
   */
  public static final String FAN_OUT = " insert into webhook_delivery (alliance_id, id, endpoint_id, event_id,"
      + " event_seq, status, due_since, next_attempt_at, created_at)"
      + " select $1::bigint, md5(w.id::text || ':' || e.id::text)::uuid, w.id, e.id, e.seq, 'pending',"
      + " statement_timestamp(), statement_timestamp(), statement_timestamp() from e join webhook_endpoint w on w.alliance_id = $1 and w.status = 'active'"
      + " and e.type = any (w.event_types) and (w.shop_id is null or w.shop_id = e.shop_id)";

  private static final String APPEND = "with e as (insert into outbox_event (alliance_id, id, type, shop_id,"
      + " member_id, payload, created_at) select $1::bigint, v.id, v.type, v.shop, v.member, v.payload::jsonb, v.at"
      + " from unnest($2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::timestamptz[])"
      + " with ordinality as v(id, type, shop, member, payload, at, n) order by v.n"
      + " on conflict (alliance_id, id) do nothing returning id, seq, type, shop_id, created_at)" + FAN_OUT;

  /** An event id named by its cause: the same cause, the same id. */
  public static UUID eventId(String... cause) {
    return UUID.nameUUIDFromBytes(("outbox:" + String.join(":", cause)).getBytes(StandardCharsets.UTF_8));
  }

  /** Appends {@code events} of {@code alliance} on {@code client} (a connection in a transaction). */
  public static Future<Void> append(SqlClient client, long alliance, List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = events.size();
    UUID[] ids = new UUID[n];
    String[] types = new String[n];
    Long[] shops = new Long[n];
    Long[] members = new Long[n];
    String[] payloads = new String[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Event e = events.get(i);
      ids[i] = e.id();
      types[i] = e.type();
      shops[i] = e.shopId();
      members[i] = e.memberId();
      payloads[i] = e.data().encode();
      at[i] = e.createdAt().atOffset(ZoneOffset.UTC);
    }
    Tuple args = Tuple.tuple().addValue(alliance).addValue(ids).addValue(types).addValue(shops).addValue(members)
        .addValue(payloads).addValue(at);
    return client.preparedQuery(APPEND).execute(args).mapEmpty();
  }
}
