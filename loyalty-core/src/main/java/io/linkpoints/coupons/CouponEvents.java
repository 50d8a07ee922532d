package io.linkpoints.coupons;

import io.linkpoints.outbox.EventType;
import io.linkpoints.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * The coupon events, each written on the connection and in the transaction of the change: one
 * statement reading the coupon, its campaign and its member's handle, inserting the event and its
 * webhook deliveries ({@link Outbox#FAN_OUT}). Event ids are named by the coupon, so each coupon is
 * issued and redeemed once in the outbox whatever reruns.
 */
final class CouponEvents {
  private CouponEvents() {
  }

  // $1 alliance, $2 event id, $3 coupon, $4 when, $5 the event's type, $6 the shop (null: the campaign's creator).
  // expiresOn: the campaign's end as a local date of the alliance.
  private static final String TOLD = "with e as (insert into outbox_event (alliance_id, id, type, shop_id, member_id,"
      + " payload, created_at) select $1::bigint, $2::uuid, $5::text, coalesce($6::bigint, c.creator_shop_id), k.member_id,"
      + " jsonb_strip_nulls(jsonb_build_object('member', m.handle, 'couponId', k.id, 'campaignId', c.id,"
      + " 'couponTitle', c.name, 'source', k.source, 'shopId', coalesce($6::bigint, c.creator_shop_id),"
      + " 'expiresOn', to_char(c.valid_until at time zone (select a.time_zone from alliance a where a.id = $1),"
      + " 'YYYY-MM-DD'))), $4::timestamptz"
      + " from coupon k join coupon_campaign c on c.alliance_id = k.alliance_id and c.id = k.campaign_id"
      + " join member m on m.alliance_id = k.alliance_id and m.id = k.member_id where k.alliance_id = $1 and k.id = $3"
      + " on conflict (alliance_id, id) do nothing returning id, seq, type, shop_id, created_at)" + Outbox.FAN_OUT;

  /** {@code coupon.issued}: the coupon is the member's (issued, or bought and paid for). */
  static Future<Void> issued(SqlConnection conn, long allianceId, long couponId, Instant now) {
    return tell(conn, allianceId, couponId, EventType.COUPON_ISSUED, null, now);
  }

  /** {@code coupon.redeemed} at {@code shopId}. */
  static Future<Void> redeemed(SqlConnection conn, long allianceId, long couponId, long shopId, Instant now) {
    return tell(conn, allianceId, couponId, EventType.COUPON_REDEEMED, shopId, now);
  }

  static UUID eventId(long allianceId, long couponId, String type) {
    return Outbox.eventId(type, String.valueOf(allianceId), String.valueOf(couponId));
  }

  private static Future<Void> tell(SqlConnection conn, long allianceId, long couponId, String type, Long shopId,
      Instant now) {
    return conn.preparedQuery(TOLD).execute(Tuple.from(new Object[] {allianceId, eventId(allianceId, couponId, type),
        couponId, now.atOffset(ZoneOffset.UTC), type, shopId})).mapEmpty();
  }
}
