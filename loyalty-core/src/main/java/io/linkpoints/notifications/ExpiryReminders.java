package io.linkpoints.notifications;

import io.linkpoints.platform.EachAlliance;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tells members their points will expire: 30 days before and 7 days before, counted in the
 * alliance's time zone (a lot whose expiry falls on local day D is within n days when D is at most
 * today + n). A lot first seen within 7 days gets only the 7-day reminder. Each run (every
 * instance, alliance by alliance) groups a member's newly due lots per threshold into one
 * notification listing the points and dates. Exactly once per lot and threshold, however many runs
 * or instances: the {@code expiry_reminder} rows are inserted ({@code on conflict do nothing}) in the
 * transaction that writes the notification, and only the lots whose row this transaction inserted
 * are told — a concurrent run waits on the first's rows and then finds them taken.
 */
public final class ExpiryReminders {
  static final int[] THRESHOLDS = {30, 7};

  private static final String ZONE = "select time_zone from alliance where id = $1";
  private static final String DUE = "select l.transfer_id, l.n, a.owner_id as member_id, l.points_left, l.expires_at"
      + " from ledger_lot l join ledger_account a on a.alliance_id = l.alliance_id and a.id = l.account_id"
      + " where l.alliance_id = $1 and l.points_left > 0 and l.expires_at > $2 and l.expires_at >= $3"
      + " and l.expires_at < $4 and a.kind = 'member_wallet'"
      + " and not exists (select 1 from expiry_reminder r where r.alliance_id = l.alliance_id"
      + " and r.lot_transfer_id = l.transfer_id and r.lot_n = l.n and r.threshold_days = $5)"
      + " order by a.owner_id, l.expires_at, l.transfer_id, l.n limit $6";
  private static final String CLAIM = "insert into expiry_reminder (alliance_id, lot_transfer_id, lot_n, threshold_days,"
      + " member_id, points_left, created_at)"
      + " select $1, x.t, x.n, $2, $3, x.p, $4 from unnest($5::uuid[], $6::smallint[], $7::bigint[]) as x(t, n, p)"
      + " on conflict do nothing returning lot_transfer_id, lot_n, points_left";

  private final Pool pool;
  private final Notifications notifications;
  private final Clock clock;

  public ExpiryReminders(Pool pool, Notifications notifications, Clock clock) {
    this.pool = pool;
    this.notifications = notifications;
    this.clock = clock;
  }

  /** A lot due a reminder. */
  private record Lot(UUID transferId, short n, long memberId, long points, LocalDate expiresOn) {
  }

  /** Every alliance in turn, up to {@code limit} lots per threshold in each; answers the notifications written. */
  public Future<Integer> runOnce(int limit) {
    return EachAlliance.inTurn(pool, allianceId -> runAlliance(allianceId, limit))
        .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
  }

  /** One alliance: both thresholds; answers the notifications written. */
  public Future<Integer> runAlliance(long allianceId, int limit) {
    return pool.preparedQuery(ZONE).execute(Tuple.of(allianceId)).compose(rows -> {
      ZoneId zone = ZoneId.of(rows.iterator().next().getString(0));
      Instant now = clock.instant();
      LocalDate today = LocalDate.ofInstant(now, zone);
      // 30 days: local expiry day in (today + 7, today + 30]; 7 days: up to today + 7.
      Instant sevenEnd = today.plusDays(8).atStartOfDay(zone).toInstant();
      Instant thirtyEnd = today.plusDays(31).atStartOfDay(zone).toInstant();
      return threshold(allianceId, zone, today, 30, sevenEnd, thirtyEnd, limit)
          .compose(a -> threshold(allianceId, zone, today, 7, Instant.EPOCH, sevenEnd, limit).map(b -> a + b));
    });
  }

  private Future<Integer> threshold(long allianceId, ZoneId zone, LocalDate today, int days, Instant from,
      Instant until, int limit) {
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery(DUE).execute(Tuple.of(allianceId, now, from.atOffset(ZoneOffset.UTC),
        until.atOffset(ZoneOffset.UTC), (short) days, limit)).compose(rows -> {
          Map<Long, List<Lot>> byMember = new LinkedHashMap<>();
          for (Row r : rows) {
            Lot lot = new Lot(r.getUUID("transfer_id"), r.getShort("n"), r.getLong("member_id"), r.getLong("points_left"),
                LocalDate.ofInstant(r.getOffsetDateTime("expires_at").toInstant(), zone));
            byMember.computeIfAbsent(lot.memberId(), k -> new ArrayList<>()).add(lot);
          }
          // One member at a time: background work that must not crowd the sales.
          Future<Integer> chain = Future.succeededFuture(0);
          for (Map.Entry<Long, List<Lot>> e : byMember.entrySet()) {
            chain = chain.compose(sum -> remind(allianceId, e.getKey(), days, today, e.getValue())
                .map(told -> sum + (told ? 1 : 0)));
          }
          return chain;
        });
  }

  /** In one transaction: claims the lots' reminders and tells the member of those it claimed. */
  private Future<Boolean> remind(long allianceId, long memberId, int days, LocalDate today, List<Lot> lots) {
    UUID[] ids = lots.stream().map(Lot::transferId).toArray(UUID[]::new);
    Short[] ns = lots.stream().map(Lot::n).toArray(Short[]::new);
    Long[] points = lots.stream().map(Lot::points).toArray(Long[]::new);
    Map<String, Lot> byKey = new HashMap<>();
    lots.forEach(l -> byKey.put(l.transferId() + "/" + l.n(), l));
    OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
    return pool.withTransaction(conn -> conn.preparedQuery(CLAIM)
        .execute(Tuple.from(new Object[] {allianceId, (short) days, memberId, now, ids, ns, points}))
        .compose(claimed -> {
          List<Lot> mine = new ArrayList<>();
          for (Row r : claimed) {
            mine.add(byKey.get(r.getUUID("lot_transfer_id") + "/" + r.getShort("lot_n")));
          }
          if (mine.isEmpty()) {
            return Future.succeededFuture(false);
          }
          mine.sort((a, b) -> a.expiresOn().compareTo(b.expiresOn()) != 0 ? a.expiresOn().compareTo(b.expiresOn())
              : (a.transferId() + "/" + a.n()).compareTo(b.transferId() + "/" + b.n()));
          long total = 0;
          JsonArray list = new JsonArray();
          StringBuilder name = new StringBuilder("expiry-reminder/" + allianceId + "/" + memberId + "/" + days);
          for (Lot l : mine) {
            total += l.points();
            list.add(new JsonObject().put("points", l.points()).put("expiresOn", l.expiresOn().toString()));
            name.append('/').append(l.transferId()).append(':').append(l.n());
          }
          JsonObject data = new JsonObject().put("thresholdDays", days).put("points", total)
              .put("expiresOn", mine.get(0).expiresOn().toString()).put("remindedOn", today.toString()).put("lots", list);
          UUID eventId = UUID.nameUUIDFromBytes(name.toString().getBytes(StandardCharsets.UTF_8));
          return notifications.notifyMember(conn, allianceId, memberId, "points_expiring", data, eventId).map(true);
        }));
  }
}
