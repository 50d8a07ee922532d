package io.linkpoints.exits;

import io.linkpoints.audit.AuditLog;
import io.linkpoints.outbox.EventType;
import io.linkpoints.outbox.Outbox;
import io.linkpoints.platform.EachAlliance;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The end-date job: completes each exit whose end date has come, exactly once whichever instance
 * or run gets there (the exit row locked, then one conditional update {@code completed_at is
 * null}). In that transaction: the charge and the snapshot in ONE statement (so the points
 * charged are exactly those of the ledger batches the snapshot sees: a batch it does not see is
 * the fund's in settlement), the shop {@code exited} from its end date, its terminals revoked at
 * the end date, the audit log's record of it (actor {@code system}) and the {@code shop.exited} event.
 */
public final class ExitCompletion {
  private static final String DUE = "select shop_id from shop_exit where alliance_id = $1 and completed_at is null"
      + " and cancelled_at is null and ends_at <= $2 order by ends_at, shop_id limit 100";
  private static final String LOCK = "select mode, ends_at from shop_exit where alliance_id = $1 and shop_id = $2"
      + " and completed_at is null and cancelled_at is null and ends_at <= $3 for update";
  // One statement: the charge is read in the very snapshot it stores. expire_early charges nothing.
  private static final String COMPLETE = "update shop_exit x set completed_at = $3, snapshot = pg_current_snapshot(),"
      + " charged_points = case when x.mode = 'charge_to_fund' then o.points else 0 end,"
      + " charged_fen = case when x.mode = 'charge_to_fund' then o.fen else 0 end"
      + " from (" + ShopExits.OUTSTANDING + ") o"
      + " where x.alliance_id = $1 and x.shop_id = $2 and x.completed_at is null"
      + " returning x.mode, x.ends_at, x.charged_points, x.charged_fen";
  private static final String SHOP_EXITED = "update shop set status = 'exited', exited_at = $3, suspended_at = null"
      + " where alliance_id = $1 and id = $2 returning name";
  private static final String REVOKE_TERMINALS = "update terminal set revoked_at = $3,"
      + " enrolment_secret_hash = null, enrolment_expires_at = null, device_secret_hash = null"
      + " where alliance_id = $1 and shop_id = $2 and revoked_at is null";

  private final Pool pool;
  private final Clock clock;
  private final AuditLog audit;

  public ExitCompletion(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    this.audit = new AuditLog(pool, clock);
  }

  /** Completes every due exit of every alliance (up to 100 per alliance); answers how many this run completed. */
  public Future<Integer> runOnce() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    return EachAlliance.inTurn(pool, alliance -> runOnce(alliance, now))
        .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
  }

  private Future<Integer> runOnce(long allianceId, Instant now) {
    return pool.preparedQuery(DUE).execute(Tuple.of(allianceId, ShopExits.utc(now))).compose(rows -> {
      List<Long> shops = new ArrayList<>();
      rows.forEach(r -> shops.add(r.getLong("shop_id")));
      Future<Integer> chain = Future.succeededFuture(0);
      for (long shopId : shops) {
        chain = chain.compose(done -> complete(allianceId, shopId, now).map(ok -> done + (ok ? 1 : 0)));
      }
      return chain;
    });
  }

  private Future<Boolean> complete(long allianceId, long shopId, Instant now) {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(allianceId, shopId,
        ShopExits.utc(now))).compose(locked -> {
          if (locked.size() == 0) {
            return Future.succeededFuture(false); // another run completed it
          }
          return conn.preparedQuery(COMPLETE).execute(Tuple.of(allianceId, shopId, ShopExits.utc(now)))
              .compose(done -> done.size() == 0 ? Future.succeededFuture(false)
                  : finish(conn, allianceId, shopId, done.iterator().next(), now));
        }));
  }

  private Future<Boolean> finish(SqlConnection conn, long allianceId, long shopId, Row exit, Instant now) {
    Instant endsAt = exit.getOffsetDateTime("ends_at").toInstant();
    Tuple key = Tuple.of(allianceId, shopId, ShopExits.utc(endsAt));
    return conn.preparedQuery(SHOP_EXITED).execute(key).compose(shop -> {
      JsonObject data = new JsonObject().put("shopId", shopId).put("name", shop.iterator().next().getString("name"))
          .put("mode", exit.getString("mode")).put("exitedAt", endsAt.toString())
          .put("chargedPoints", exit.getLong("charged_points")).put("chargedFen", exit.getLong("charged_fen"));
      return conn.preparedQuery(REVOKE_TERMINALS).execute(key)
          // The completion is the job's, not a person's: recorded as the system's (actor 0).
          .compose(v -> audit.append(conn, allianceId, "system", 0, "completeShopExit",
              "/v1/alliances/" + allianceId + "/shops/" + shopId + "/exit", data))
          .compose(v -> Outbox.append(conn, allianceId, List.of(new Outbox.Event(
              Outbox.eventId("shop-exited", String.valueOf(allianceId), String.valueOf(shopId)),
              EventType.SHOP_EXITED, shopId, null, data, now))));
    }).map(true);
  }
}
