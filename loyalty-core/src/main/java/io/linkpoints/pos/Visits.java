package io.linkpoints.pos;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * identify: the member code is used up and a short visit opens at this terminal, so one sale can
 * both redeem and earn without asking the member for a second code.
 */
final class Visits {
  static final Duration VISIT = Duration.ofMinutes(5);
  private static final String OPEN = "insert into pos_visit (alliance_id, id, shop_id, terminal_id, member_id, expires_at)"
      + " values ($1, $2, $3, $4, $5, $6) on conflict do nothing";

  private final Pool pool;
  private final PosMembers members;
  private final Clock clock;

  Visits(Pool pool, PosMembers members, Clock clock) {
    this.pool = pool;
    this.members = members;
    this.clock = clock;
  }

  Future<JsonObject> identify(Caller c, String key, JsonObject body) {
    return members.byCode(c, key, body.getString("memberCode"), false).compose(m -> {
      UUID visit = c.derive(key, "visit");
      Instant expires = clock.instant().plus(VISIT);
      return pool.preparedQuery(OPEN).execute(Tuple.of(c.allianceId(), visit, c.shopId(), c.terminalId(),
              m.memberId(), expires.atOffset(ZoneOffset.UTC)))
          .map(v -> new JsonObject().put("memberHandle", m.handle()).put("availablePoints", m.available())
              .put("coupons", new JsonArray()).put("visitId", visit.toString())
              .put("visitExpiresAt", expires.toString()));
    });
  }
}
