package io.linkpoints.coupons;

import io.linkpoints.outbox.Outbox;
import io.linkpoints.platform.EachAlliance;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * {@code coupon.expiring}: 7 days before a member's issued coupon expires (its campaign's end falls on a
 * local day of the alliance at most today + 7), once per coupon. The once-only guard is the event's
 * id, named by the coupon ({@code md5('coupon.expiring:' || alliance || ':' || coupon)}, the outbox's
 * primary key): however many runs or instances write it at once, one row is inserted and the others
 * do nothing ({@code on conflict do nothing}). One statement per alliance and run.
 */
public final class CouponExpiring {
  static final int DAYS = 7;

  private static final String ZONE = "select time_zone from alliance where id = $1";
  // $1 alliance, $2 now, $3 the end of the window (local midnight after today + 7), $4 limit.
  private static final String TELL = "with e as (insert into outbox_event (alliance_id, id, type, shop_id, member_id,"
      + " payload, created_at) select $1::bigint, x.id, 'coupon.expiring', x.shop, x.member_id, x.payload, $2::timestamptz"
      + " from (select md5('coupon.expiring:' || $1::bigint || ':' || k.id)::uuid as id, c.creator_shop_id as shop,"
      + " k.member_id, jsonb_build_object('member', m.handle, 'couponId', k.id, 'campaignId', c.id,"
      + " 'couponTitle', c.name, 'source', k.source, 'shopId', c.creator_shop_id, 'expiresOn',"
      + " to_char(c.valid_until at time zone $5::text, 'YYYY-MM-DD')) as payload"
      + " from coupon_campaign c join coupon k on k.alliance_id = c.alliance_id and k.campaign_id = c.id"
      + " join member m on m.alliance_id = k.alliance_id and m.id = k.member_id"
      + " where c.alliance_id = $1 and c.valid_until > $2::timestamptz and c.valid_until < $3::timestamptz"
      + " and k.state = 'issued' and not exists (select 1 from outbox_event o where o.alliance_id = $1"
      + " and o.id = md5('coupon.expiring:' || $1::bigint || ':' || k.id)::uuid) order by k.id limit $4) x"
      + " on conflict (alliance_id, id) do nothing returning id, seq, type, shop_id, created_at)" + Outbox.FAN_OUT;

  private final Pool pool;
  private final Clock clock;

  CouponExpiring(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Every alliance in turn, up to {@code limit} coupons in each; answers the events written. */
  public Future<Integer> runOnce(int limit) {
    return EachAlliance.inTurn(pool, allianceId -> runAlliance(allianceId, limit))
        .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
  }

  /** One alliance's coupons now within 7 days of their end and not yet told. */
  public Future<Integer> runAlliance(long allianceId, int limit) {
    return pool.preparedQuery(ZONE).execute(Tuple.of(allianceId)).compose(rows -> {
      String zoneName = rows.iterator().next().getString(0);
      ZoneId zone = ZoneId.of(zoneName);
      Instant now = clock.instant();
      Instant end = LocalDate.ofInstant(now, zone).plusDays(DAYS + 1).atStartOfDay(zone).toInstant();
      return pool.preparedQuery(TELL).execute(Tuple.of(allianceId, now.atOffset(ZoneOffset.UTC),
          end.atOffset(ZoneOffset.UTC), limit, zoneName)).map(written -> written.rowCount());
    });
  }
}
