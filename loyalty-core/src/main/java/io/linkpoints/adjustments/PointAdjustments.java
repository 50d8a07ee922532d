package io.linkpoints.adjustments;

import io.linkpoints.audit.AuditLog;
import io.linkpoints.auth.Principal;
import io.linkpoints.auth.Role;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LeavingShops;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.ledger.TransferResult;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Proposing, approving, rejecting and posting points adjustments. Every decision is a conditional
 * update {@code where status = 'pending'} (approve and reject each happen once, however many
 * instances are asked at once); the proposer is never the decider (the update also says
 * {@code proposed_by <> $3}). Posting is one ledger transfer whose id is derived from the
 * adjustment's id, so a rerun posts nothing more.
 */
public final class PointAdjustments {
  /** The threshold of an alliance that never set one. */
  public static final long DEFAULT_APPROVAL_ABOVE_POINTS = 500;
  public static final Set<String> REASONS = Set.of("goodwill", "correction_of_sale", "missing_earn", "other");
  static final String CODE = "point_adjustment";
  /** The audit log's actor role of what the posting job does on its own (actor id 0). */
  static final String SYSTEM_ACTOR = "system";

  private static final String POLICY = "select approval_above_points from point_adjustment_policy where alliance_id = $1";
  private static final String SET_POLICY = "insert into point_adjustment_policy (alliance_id, approval_above_points,"
      + " updated_at) values ($1, $2, $3) on conflict (alliance_id) do update set approval_above_points = $2,"
      + " updated_at = $3";
  private static final String SHOP = "select 1 from shop where alliance_id = $1 and id = $2";
  private static final String MEMBER = "select id from member where alliance_id = $1 and handle = $2";
  private static final String ACCRUAL = "select shop_id, member_id from pos_accrual where alliance_id = $1 and id = $2";
  private static final String INSERT = "insert into point_adjustment (alliance_id, shop_id, member_id, points, reason,"
      + " note, accrual_id, idempotency_key, status, proposed_role, proposed_by, proposed_at)"
      + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
      + " on conflict (alliance_id, shop_id, idempotency_key) do nothing returning id";
  private static final String BY_KEY = "select id from point_adjustment where alliance_id = $1 and shop_id = $2"
      + " and idempotency_key = $3";
  private static final String ONE = PointAdjustment.SELECT + " where j.alliance_id = $1 and j.id = $2";
  private static final String OF_SHOP = PointAdjustment.SELECT + " where j.alliance_id = $1 and j.shop_id = $2"
      + " order by j.id desc limit 200";
  private static final String OF_ALLIANCE = PointAdjustment.SELECT + " where j.alliance_id = $1"
      + " and ($2::text is null or j.status = $2) order by j.id desc limit 200";
  private static final String DECIDE = "update point_adjustment set status = $4, decided_by = $3, decided_at = $5"
      + " where alliance_id = $1 and id = $2 and status = 'pending' and proposed_by <> $3 returning id";
  private static final String UNDO_APPROVAL = "update point_adjustment set status = 'pending', decided_by = null,"
      + " decided_at = null where alliance_id = $1 and id = $2 and status = 'approved' and decided_by is not null";
  private static final String DROP_UNPOSTED = "delete from point_adjustment where alliance_id = $1 and id = $2"
      + " and status = 'approved' and decided_by is null";
  private static final String FAILED = "update point_adjustment set status = 'failed', failure_code = $3"
      + " where alliance_id = $1 and id = $2 and status = 'approved' returning id";
  // Uses point_adjustment_status (alliance_id, status, id).
  private static final String UNPOSTED = "select id from point_adjustment where alliance_id = $1 and status = 'approved'"
      + " and transfer_id is null and coalesce(decided_at, proposed_at) <= $2 order by id limit $3";
  private static final String POSTED = "update point_adjustment set status = 'posted', transfer_id = $3"
      + " where alliance_id = $1 and id = $2 and status = 'approved' returning id";

  private final Pool pool;
  private final Ledger ledger;
  private final AuditLog audit;
  private final Clock clock;

  public PointAdjustments(Pool pool, Ledger ledger, AuditLog audit, Clock clock) {
    this.pool = pool;
    this.ledger = ledger;
    this.audit = audit;
    this.clock = clock;
  }

  /** What a proposer asks for. */
  public record Proposal(String memberHandle, long points, String reason, String note, UUID accrualId) {
  }

  public Future<Long> threshold(long allianceId) {
    return pool.preparedQuery(POLICY).execute(Tuple.of(allianceId)).map(rows -> rows.size() == 0
        ? DEFAULT_APPROVAL_ABOVE_POINTS : rows.iterator().next().getLong(0));
  }

  public Future<Long> setThreshold(long allianceId, long approvalAbovePoints) {
    if (approvalAbovePoints < 0 || approvalAbovePoints > TransferCommand.MAX_AMOUNT) {
      return Future.failedFuture(ProblemCode.INVALID_PARAMETER.refuse("approvalAbovePoints must be 0 or more"));
    }
    return pool.preparedQuery(SET_POLICY).execute(Tuple.of(allianceId, approvalAbovePoints, now()))
        .map(v -> approvalAbovePoints);
  }

  /**
   * Records a proposal for {@code shopId} by {@code who}; an owner's or admin's within the threshold
   * is approved and posted at once, a cashier's and any above the threshold waits for an admin. The
   * same Idempotency-Key at the same shop returns the adjustment it made first.
   */
  public Future<PointAdjustment> propose(Principal who, long shopId, Proposal p, String key) {
    long alliance = who.allianceId();
    try {
      check(p);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(BY_KEY).execute(Tuple.of(alliance, shopId, key)).compose(found -> {
      if (found.size() == 1) {
        return resume(alliance, found.iterator().next().getLong(0));
      }
      // A credit (not a correction of a sale) is points the shop issues: none once its exit has started.
      Future<Void> may = p.points() > 0 && p.accrualId() == null ? LeavingShops.refuseIfLeaving(pool, alliance, shopId)
          : Future.succeededFuture();
      return may.compose(ok -> exists(alliance, shopId)).compose(v -> member(alliance, p.memberHandle()))
          .compose(memberId -> sale(alliance, shopId, memberId, p.accrualId()).map(v -> memberId))
          .compose(memberId -> threshold(alliance).compose(limit -> {
            boolean atOnce = who.role() != Role.CASHIER && Math.abs(p.points()) <= limit;
            return pool.preparedQuery(INSERT).execute(Tuple.from(new Object[] {alliance, shopId, memberId, p.points(),
                p.reason(), p.note(), p.accrualId(), key, atOnce ? "approved" : "pending", who.role().claim(),
                who.subjectId(), now()})).compose(rows -> {
                  if (rows.size() == 0) {
                    return pool.preparedQuery(BY_KEY).execute(Tuple.of(alliance, shopId, key))
                        .compose(again -> resume(alliance, again.iterator().next().getLong(0)));
                  }
                  long id = rows.iterator().next().getLong(0);
                  if (!atOnce) {
                    return get(alliance, id).compose(a -> record(who, "pointAdjustment.proposed", a, null, "pending"));
                  }
                  return postAtOnce(who, alliance, id);
                });
          }));
    });
  }

  /** An owner's or admin's within the threshold: posted now, or (refused by the ledger) gone as if never asked. */
  private Future<PointAdjustment> postAtOnce(Principal who, long alliance, long id) {
    return get(alliance, id).compose(a -> post(alliance, a)
        .recover(err -> pool.preparedQuery(DROP_UNPOSTED).execute(Tuple.of(alliance, id))
            .compose(v -> Future.<PointAdjustment>failedFuture(err)))
        .compose(posted -> record(who, "pointAdjustment.proposed", posted, null, posted.status())));
  }

  /** The same key again: the adjustment as it stands, its posting finished if a first run was cut short. */
  private Future<PointAdjustment> resume(long alliance, long id) {
    return get(alliance, id).compose(a -> "approved".equals(a.status()) && a.decidedBy() == null
        ? post(alliance, a) : Future.succeededFuture(a));
  }

  /** The admin {@code who} approves: exactly once, never the proposer; then it is posted. */
  public Future<PointAdjustment> approve(Principal who, long id) {
    long alliance = who.allianceId();
    return decide(who, id, "approved").compose(before -> get(alliance, id).compose(a -> post(alliance, a)
        .recover(err -> pool.preparedQuery(UNDO_APPROVAL).execute(Tuple.of(alliance, id))
            .compose(v -> Future.<PointAdjustment>failedFuture(err))))
        .compose(posted -> record(who, "pointAdjustment.approved", posted, before.status(), posted.status())));
  }

  /** The admin {@code who} rejects: exactly once, never the proposer; nothing is posted. */
  public Future<PointAdjustment> reject(Principal who, long id) {
    long alliance = who.allianceId();
    return decide(who, id, "rejected").compose(before -> get(alliance, id)
        .compose(a -> record(who, "pointAdjustment.rejected", a, before.status(), a.status())));
  }

  private Future<PointAdjustment> decide(Principal who, long id, String to) {
    long alliance = who.allianceId();
    return get(alliance, id).compose(before -> {
      if (before.proposedBy() == who.subjectId()) {
        return Future.failedFuture(ProblemCode.SELF_APPROVAL.refuse("the proposer of adjustment " + id
            + " may not approve or reject it"));
      }
      return pool.preparedQuery(DECIDE).execute(Tuple.of(alliance, id, who.subjectId(), to, now()))
          .compose(rows -> rows.size() == 1 ? Future.succeededFuture(before)
              : Future.failedFuture(ProblemCode.ADJUSTMENT_NOT_PENDING.refuse("adjustment " + id + " is "
                  + before.status() + " already")));
    });
  }

  /** Moves the points (an id derived from the adjustment's: once however often run) and marks it posted. */
  private Future<PointAdjustment> post(long alliance, PointAdjustment a) {
    return posting(alliance, a).compose(marked -> get(alliance, a.id()));
  }

  /**
   * Moves the points and marks the adjustment posted; true if this call marked it (false: another
   * posting of the same adjustment, on this instance or another, got there first).
   */
  Future<Boolean> posting(long alliance, PointAdjustment a) {
    return move(alliance, a).compose(t -> pool.preparedQuery(POSTED).execute(Tuple.of(alliance, a.id(), t.id())))
        .map(rows -> rows.size() == 1);
  }

  /**
   * An approved adjustment whose posting the ledger refused for good: {@code failed} with the
   * refusal's code; true if this call ended it (an approved one only, so once).
   */
  Future<Boolean> fail(long alliance, long id, String code) {
    return pool.preparedQuery(FAILED).execute(Tuple.of(alliance, id, code)).map(rows -> rows.size() == 1);
  }

  /** The approved adjustments with no posted transfer, decided at or before {@code decidedBy}, oldest first. */
  Future<List<Long>> unposted(long alliance, Instant decidedBy, int limit) {
    return pool.preparedQuery(UNPOSTED).execute(Tuple.of(alliance, decidedBy.atOffset(ZoneOffset.UTC), limit))
        .map(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getLong(0)));
          return ids;
        });
  }

  /** An audit record of the alliance's own (no staff acted: the posting job). */
  Future<PointAdjustment> recordBySystem(long alliance, String action, PointAdjustment a, String before) {
    return audit.append(alliance, SYSTEM_ACTOR, 0, action, "/v1/alliances/" + alliance + "/point-adjustments/" + a.id(),
        AdjustmentJson.auditDetail(a, before, a.status())).map(v -> a);
  }

  private Future<Transfer> move(long alliance, PointAdjustment a) {
    UUID transferId = transferId(alliance, a.id());
    Future<Transfer> moved;
    if (a.accrualId() != null) {
      moved = ledger.transferById(alliance, a.accrualId()).compose(sale -> sale.isEmpty()
          ? Future.failedFuture(ProblemCode.ACCRUAL_NOT_FOUND.refuse("the sale's transfer is not in the ledger"))
          : ledger.submit(TransferCommand.reversal(alliance, transferId, sale.get(), -a.points(), CODE))
              .map(TransferResult::transfer));
    } else {
      // A credit is points the shop issues: none once its exit has started (a debit still takes back).
      Future<Void> may = a.points() > 0 ? LeavingShops.refuseIfLeaving(pool, alliance, a.shopId())
          : Future.succeededFuture();
      moved = may.compose(ok -> ledger.openAccount(alliance, AccountKind.MERCHANT_ISSUANCE, a.shopId())).compose(issuance ->
          ledger.openAccount(alliance, AccountKind.MEMBER_WALLET, a.memberId()).compose(wallet -> a.points() > 0
              ? ledger.transfer(alliance, transferId, issuance.id(), wallet.id(), a.points(), CODE)
              : ledger.transfer(alliance, transferId, wallet.id(), issuance.id(), -a.points(), CODE)));
    }
    return moved;
  }

  /** The ledger transfer id of adjustment {@code id}: derived, so a rerun sends the same one. */
  public static UUID transferId(long allianceId, long id) {
    return UUID.nameUUIDFromBytes(("point-adjustment:" + allianceId + ":" + id).getBytes(StandardCharsets.UTF_8));
  }

  public Future<PointAdjustment> get(long alliance, long id) {
    return pool.preparedQuery(ONE).execute(Tuple.of(alliance, id)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(ProblemCode.ADJUSTMENT_NOT_FOUND.refuse("no adjustment " + id))
        : Future.succeededFuture(PointAdjustment.fromRow(rows.iterator().next())));
  }

  public Future<List<PointAdjustment>> ofShop(long alliance, long shopId) {
    return exists(alliance, shopId).compose(v -> pool.preparedQuery(OF_SHOP).execute(Tuple.of(alliance, shopId)))
        .map(PointAdjustments::list);
  }

  /** The alliance's adjustments, newest first; {@code status} null for all. */
  public Future<List<PointAdjustment>> ofAlliance(long alliance, String status) {
    return pool.preparedQuery(OF_ALLIANCE).execute(Tuple.of(alliance, status)).map(PointAdjustments::list);
  }

  private static List<PointAdjustment> list(RowSet<Row> rows) {
    List<PointAdjustment> items = new ArrayList<>();
    for (Row r : rows) {
      items.add(PointAdjustment.fromRow(r));
    }
    return items;
  }

  private Future<PointAdjustment> record(Principal who, String action, PointAdjustment a, String before, String after) {
    return audit.append(who.allianceId(), who.role().claim(), who.subjectId(), action,
        "/v1/alliances/" + who.allianceId() + "/point-adjustments/" + a.id(), AdjustmentJson.auditDetail(a, before, after)).map(v -> a);
  }

  private static void check(Proposal p) {
    if (p.points() == 0 || Math.abs(p.points()) > TransferCommand.MAX_AMOUNT) {
      throw ProblemCode.INVALID_ADJUSTMENT.refuse("points must be a non-zero whole number");
    }
    if (!REASONS.contains(p.reason())) {
      throw ProblemCode.INVALID_ADJUSTMENT.refuse("reason must be one of " + REASONS);
    }
    boolean correction = "correction_of_sale".equals(p.reason());
    if (correction != (p.accrualId() != null)) {
      throw ProblemCode.INVALID_ADJUSTMENT.refuse("accrualId is given for, and only for, a correction_of_sale");
    }
    if (correction && p.points() > 0) {
      throw ProblemCode.INVALID_ADJUSTMENT.refuse("a correction of a sale takes points back (negative points)");
    }
  }

  private Future<Void> exists(long alliance, long shopId) {
    return pool.preparedQuery(SHOP).execute(Tuple.of(alliance, shopId)).compose(rows -> rows.size() == 1
        ? Future.succeededFuture() : Future.failedFuture(ApiException.shopNotFound(shopId)));
  }

  private Future<Long> member(long alliance, String handle) {
    return pool.preparedQuery(MEMBER).execute(Tuple.of(alliance, handle)).compose(rows -> rows.size() == 1
        ? Future.succeededFuture(rows.iterator().next().getLong(0))
        : Future.failedFuture(ProblemCode.MEMBER_NOT_FOUND.refuse("no member with that handle")));
  }

  private Future<Void> sale(long alliance, long shopId, long memberId, UUID accrualId) {
    if (accrualId == null) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(ACCRUAL).execute(Tuple.of(alliance, accrualId)).compose(rows -> {
      if (rows.size() == 1 && rows.iterator().next().getLong("shop_id") == shopId
          && rows.iterator().next().getLong("member_id") == memberId) {
        return Future.succeededFuture();
      }
      return Future.failedFuture(ProblemCode.ACCRUAL_NOT_FOUND.refuse("no sale " + accrualId
          + " of this member at this shop"));
    });
  }

  private java.time.OffsetDateTime now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
  }
}
