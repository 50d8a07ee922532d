package io.linkpoints.pos;

import io.linkpoints.coupons.MemberCoupons;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * identify: the member code is used up and a short visit opens at this terminal, so one sale can
 * both redeem and earn without asking the member for a second code.
 */
final class Visits {
  static final Duration VISIT_LENGTH = Duration.ofMinutes(5);
  private static final String OPEN = "insert into pos_visit (alliance_id, id, shop_id, terminal_id, member_id, expires_at)"
      + " values ($1, $2, $3, $4, $5, $6)"
      // Run again, the visit it already opened keeps its expiry (and the answer says so).
      + " on conflict (alliance_id, id) do update set expires_at = pos_visit.expires_at returning expires_at";

  private final Pool pool;
  private final PosMembers members;
  private final MemberCoupons coupons;
  private final Clock clock;

  Visits(Pool pool, PosMembers members, MemberCoupons coupons, Clock clock) {
    this.pool = pool;
    this.members = members;
    this.coupons = coupons;
    this.clock = clock;
  }

  /**
   * identify's answer: who the member is, their points and the coupons usable here ({@code coupons}),
   * and the visit that names them for the rest of the sale.
   */
  record Visit(String memberHandle, long availablePoints, List<MemberCoupons.Usable> coupons, UUID visitId,
      Instant expiresAt) {
  }

  /** Uses up the member code (read now, or by the call's opening) and opens the visit. */
  Future<Visit> identify(Caller c, String key, MemberRef member, boolean rerun) {
    return members.resolve(c, key, member).compose(m -> {
      UUID visit = c.derive(key, "visit");
      return pool.preparedQuery(OPEN).execute(Tuple.of(c.allianceId(), visit, c.shopId(), c.terminalId(),
              m.memberId(), clock.instant().plus(VISIT_LENGTH).atOffset(ZoneOffset.UTC)))
          .map(rows -> rows.iterator().next().getOffsetDateTime("expires_at").toInstant())
          .compose(expires -> coupons.usable(c.allianceId(), m.memberId(), c.shopId())
              .map(usable -> new Visit(m.handle(), m.available(), usable, visit, expires)));
    });
  }
}
