package io.linkpoints.ledger;

import static io.linkpoints.ledger.PerAlliance.column;

import io.linkpoints.outbox.EventType;
import io.linkpoints.outbox.Outbox;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The outbox events of one batch: {@code points.earned}, {@code points.redeemed} and
 * {@code points.refunded} for every transfer the batch made that moved posted points between a
 * member's wallet and a shop (its issuance or acceptance account). Holds and voids move nothing
 * posted and tell nothing; a hold's capture (a post) is the redemption. Written by
 * {@link BatchWrites} in the batch's transaction: one statement per alliance per batch, which also
 * reads the member's handle (events name members by handle, never by phone) and fans the events
 * out to the endpoints that want them ({@link Outbox#FAN_OUT}).
 */
final class LedgerEvents {
  private LedgerEvents() {
  }

  static final String INSERT = "with e as (insert into outbox_event (alliance_id, id, type, shop_id, member_id,"
      + " payload, created_at) select $1::bigint, v.id, v.type, v.shop, v.member, jsonb_strip_nulls(jsonb_build_object("
      + "'transferId', v.tid, 'shopId', v.shop, 'member', m.handle, 'points', v.points, 'code', v.code,"
      + " 'reversesId', v.rev)), v.at from unnest($2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::uuid[],"
      + " $7::bigint[], $8::text[], $9::uuid[], $10::timestamptz[]) with ordinality"
      + " as v(id, type, shop, member, tid, points, code, rev, at, n)"
      + " join member m on m.alliance_id = $1 and m.id = v.member order by v.n"
      + " on conflict (alliance_id, id) do nothing returning id, seq, type, shop_id, created_at)" + Outbox.FAN_OUT;

  /** One event of the batch. */
  record Told(long allianceId, UUID eventId, String type, long shopId, long memberId, Transfer transfer) {
  }

  static List<Told> of(BatchState s) {
    List<Told> told = new ArrayList<>();
    for (Transfer t : s.created.values()) {
      if (!t.movesPostedBalance()) {
        continue;
      }
      AccountState debit = s.account(t.allianceId(), t.debitAccountId());
      AccountState credit = s.account(t.allianceId(), t.creditAccountId());
      if (debit == null || credit == null) {
        continue;
      }
      boolean reversal = t.reversesId() != null;
      if (credit.kind() == AccountKind.MEMBER_WALLET && isShop(debit.kind())) {
        told.add(new Told(t.allianceId(), eventId(t), reversal ? EventType.POINTS_REFUNDED : EventType.POINTS_EARNED,
            debit.ownerId(), credit.ownerId(), t));
      } else if (debit.kind() == AccountKind.MEMBER_WALLET && isShop(credit.kind())) {
        told.add(new Told(t.allianceId(), eventId(t), reversal ? EventType.POINTS_REFUNDED : EventType.POINTS_REDEEMED,
            credit.ownerId(), debit.ownerId(), t));
      }
    }
    return told;
  }

  /** The event of a transfer: one per transfer, named by it. */
  static UUID eventId(Transfer t) {
    return Outbox.eventId("ledger", String.valueOf(t.allianceId()), t.id().toString());
  }

  private static boolean isShop(AccountKind kind) {
    return kind == AccountKind.MERCHANT_ISSUANCE || kind == AccountKind.MERCHANT_ACCEPTANCE;
  }

  static List<io.vertx.sqlclient.Tuple> tuples(BatchState s) {
    return PerAlliance.tuples(of(s), Told::allianceId,
        column(UUID[]::new, Told::eventId),
        column(String[]::new, Told::type),
        column(Long[]::new, Told::shopId),
        column(Long[]::new, Told::memberId),
        column(UUID[]::new, x -> x.transfer().id()),
        column(Long[]::new, x -> x.transfer().amount()),
        column(String[]::new, x -> x.transfer().code()),
        column(UUID[]::new, x -> x.transfer().reversesId()),
        column(OffsetDateTime[]::new, x -> Transfer.utc(x.transfer().createdAt())));
  }
}
