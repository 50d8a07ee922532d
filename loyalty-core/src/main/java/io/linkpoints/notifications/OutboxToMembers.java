package io.linkpoints.notifications;

import io.linkpoints.outbox.EventType;
import io.linkpoints.platform.EachAlliance;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The member side of the outbox: every outbox event that concerns a member (points earned, redeemed,
 * refunded, a shop code claimed, coupons, a tier change, a reward, a completed passport) becomes
 * exactly one {@link Notifications#notifyMember} call, with the event's id as its event id.
 *
 * <p>One cursor per alliance ({@code member_outbox_cursor}), claimed with {@code for update skip
 * locked}: one instance at a time works an alliance, the others skip it. A run reads the events after
 * the cursor in the order of {@code (txid, seq)} — the writing transaction, then the statement order —
 * but only those of transactions older than the oldest transaction still running
 * ({@code pg_snapshot_xmin(pg_current_snapshot())}): those are all visible if they committed, and
 * no event can still appear behind the cursor. (Ordering by seq alone would skip an event whose
 * transaction took its seq first and committed after a later seq's.) The inbox rows and the cursor's
 * move commit together, and {@code notifyMember} is idempotent on the event id besides.
 */
public final class OutboxToMembers {
  private static final String OPEN = "insert into member_outbox_cursor (alliance_id, updated_at) values ($1, $2)"
      + " on conflict (alliance_id) do nothing";
  private static final String CLAIM = "select last_txid::text, last_seq from member_outbox_cursor"
      + " where alliance_id = $1 for update skip locked";
  private static final String EVENTS = "select e.id, e.type, e.member_id, e.payload, e.txid::text as txid, e.seq,"
      + " s.name as shop_name from outbox_event e left join shop s on s.alliance_id = e.alliance_id and s.id = e.shop_id"
      + " where e.alliance_id = $1 and e.member_id is not null and (e.txid, e.seq) > ($2::text::xid8, $3::bigint)"
      + " and e.txid < pg_snapshot_xmin(pg_current_snapshot()) order by e.txid, e.seq limit $4";
  private static final String PAUSE = "insert into member_outbox_cursor (alliance_id, last_txid, last_seq, updated_at)"
      + " values ($1, '18446744073709551615', 0, $2) on conflict (alliance_id) do update"
      + " set last_txid = excluded.last_txid, last_seq = 0, updated_at = excluded.updated_at";
  private static final String SKIP = "update member_outbox_cursor set last_txid = coalesce((select o.txid"
      + " from outbox_event o where o.alliance_id = $1 order by o.txid desc, o.seq desc limit 1), '0'),"
      + " last_seq = coalesce((select o.seq from outbox_event o where o.alliance_id = $1"
      + " order by o.txid desc, o.seq desc limit 1), 0), updated_at = $2 where alliance_id = $1";
  private static final String ADVANCE = "update member_outbox_cursor set last_txid = $2::text::xid8, last_seq = $3,"
      + " updated_at = $4 where alliance_id = $1";

  /**
   * Ledger transfers told by an event of their own, not again as an earn: a shop code's claim
   * ({@code shop_code.claimed}), a shop's share of a welcome or birthday reward ({@code reward.granted}) and of
   * a passport's reward ({@code passport.completed}).
   */
  static final java.util.Set<String> TOLD_OTHERWISE = java.util.Set.of("shop_claim", "reward_welcome", "reward_birthday",
      "passport_reward");

  private final Pool pool;
  private final Notifications notifications;
  private final Clock clock;

  public OutboxToMembers(Pool pool, Notifications notifications, Clock clock) {
    this.pool = pool;
    this.notifications = notifications;
    this.clock = clock;
  }

  /** Every alliance in turn, up to {@code limit} events in each; answers the events read. */
  public Future<Integer> runOnce(int limit) {
    return EachAlliance.inTurn(pool, allianceId -> runAlliance(allianceId, limit))
        .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
  }

  /** One alliance: up to {@code limit} events past its cursor; 0 if another instance works it now. */
  public Future<Integer> runAlliance(long allianceId, int limit) {
    return pool.withTransaction(conn -> run(conn, allianceId, limit));
  }

  /**
   * Tells the alliance's members nothing until {@link #skipToNow}: for loading an alliance's past (an
   * import, the demo's months of history), which is not news. The cursor is put past any event.
   */
  public Future<Void> pause(long allianceId) {
    return pool.preparedQuery(PAUSE).execute(Tuple.of(allianceId, clock.instant().atOffset(ZoneOffset.UTC))).mapEmpty();
  }

  /**
   * Moves the cursor to the alliance's last event: what is there is never told, what comes after is.
   * Call it once the past's writes have all ended (an event of a transaction still running would be
   * skipped too).
   */
  public Future<Void> skipToNow(long allianceId) {
    return pool.preparedQuery(SKIP).execute(Tuple.of(allianceId, clock.instant().atOffset(ZoneOffset.UTC))).mapEmpty();
  }

  private record Event(UUID id, String type, long memberId, JsonObject payload, String shopName, String txid,
      long seq) {
  }

  private Future<Integer> run(SqlConnection conn, long allianceId, int limit) {
    // The cursor, made on the alliance's first run (an insert that finds it there does nothing, even
    // while another instance holds it: then the second claim finds it locked too and this run skips).
    return conn.preparedQuery(CLAIM).execute(Tuple.of(allianceId))
        .compose(first -> first.size() > 0 ? Future.succeededFuture(first)
            : conn.preparedQuery(OPEN).execute(Tuple.of(allianceId, clock.instant().atOffset(ZoneOffset.UTC)))
                .compose(v -> conn.preparedQuery(CLAIM).execute(Tuple.of(allianceId))))
        .compose(claimed -> {
          if (claimed.size() == 0) {
            return Future.succeededFuture(0); // another instance has this alliance's cursor
          }
          Row c = claimed.iterator().next();
          return conn.preparedQuery(EVENTS).execute(Tuple.of(allianceId, c.getString(0), c.getLong(1), limit))
              .compose(rows -> {
                List<Event> events = new ArrayList<>();
                for (Row r : rows) {
                  events.add(new Event(r.getUUID("id"), r.getString("type"), r.getLong("member_id"),
                      (JsonObject) r.getValue("payload"), r.getString("shop_name"), r.getString("txid"), r.getLong("seq")));
                }
                if (events.isEmpty()) {
                  return Future.succeededFuture(0);
                }
                Future<?> chain = Future.succeededFuture();
                for (Event e : events) {
                  chain = chain.compose(v -> tell(conn, allianceId, e));
                }
                Event last = events.get(events.size() - 1);
                return chain.compose(v -> conn.preparedQuery(ADVANCE).execute(Tuple.of(allianceId, last.txid(),
                    last.seq(), clock.instant().atOffset(ZoneOffset.UTC)))).map(v -> events.size());
              });
        });
  }

  private Future<?> tell(SqlConnection conn, long allianceId, Event e) {
    String kind = kindOf(e.type(), e.payload());
    if (kind == null) {
      return Future.succeededFuture();
    }
    JsonObject data = e.payload().copy();
    if (e.shopName() != null) {
      data.put("shopName", e.shopName());
    }
    return notifications.notifyMember(conn, allianceId, e.memberId(), kind, data, e.id());
  }

  /**
   * The notification kind of an outbox event ({@code points.earned} → {@code points_earned}), or null
   * when it tells the member nothing: a type with no member words, or a shop code's earn (the
   * {@code shop_code.claimed} event tells that one).
   */
  static String kindOf(String type, JsonObject payload) {
    if (EventType.POINTS_EARNED.equals(type) && TOLD_OTHERWISE.contains(payload.getString("code"))) {
      return null;
    }
    String kind = type.replace('.', '_').toLowerCase(Locale.ROOT);
    return NotificationText.KINDS.containsKey(kind) ? kind : null;
  }
}
