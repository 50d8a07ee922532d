package io.linkpoints.pos;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LedgerError;
import io.linkpoints.ledger.LedgerException;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.platform.GroupedQuery;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Redemption at the till in two phases: reserve puts a ledger hold on the member's points
 * (wallet → this shop's acceptance account, timing out by itself after {@link #HOLD_SECONDS}),
 * commit posts all or part of it, release voids it. The ledger resolves a hold exactly once.
 *
 * <p>A till that never learnt a reserve's answer releases it by the reserve's key, and that
 * release may reach the server before the reserve does. So a release by key is recorded first
 * ({@code pos_hold_release}, with the id of the void it makes) and only then is the hold looked
 * up; a reserve looks for that record after making its hold, and if it is there, voids the hold
 * itself with that same void id and answers {@code hold_released}. Whichever order the two
 * statements run in, one of them sees the other, and the hold is voided exactly once.
 *
 * <p>Run again with its key (after a crash), each answers from the ledger: commit and release
 * send the same transfer id and the ledger replays its first result, even after the hold timed
 * out; reserve answers with the hold it already made (or {@code hold_released}, if it was).
 */
final class Redemptions {
  static final long HOLD_SECONDS = 120;
  // On a second release by the same reserve key, the void id of the first: one void either way.
  private static final String RECORD_RELEASE = "insert into pos_hold_release (alliance_id, hold_id, void_id, created_at)"
      + " values ($1, $2, $3, $4) on conflict (alliance_id, hold_id) do update set created_at = pos_hold_release.created_at"
      + " returning void_id";
  private static final String RELEASE_BY_KEY = "select void_id from pos_hold_release"
      + " where alliance_id = $1 and hold_id = $2";

  /** A reserve's answer: the hold as made, and what the member has left to spend. */
  record Reserved(UUID holdId, long points, Instant expiresAt, String memberHandle, long availablePoints) {
    static Reserved of(Transfer hold, String memberHandle, long availablePoints) {
      return new Reserved(hold.id(), hold.amount(), hold.timeoutAt(), memberHandle, availablePoints);
    }
  }

  /** A commit's answer: the post ({@code transferId}, {@code points}) and what of the hold went back to the wallet. */
  record Committed(UUID holdId, UUID transferId, long points, long released) {
  }

  /** A release's answer: the points it gave back (0 if the reserve had made no hold). */
  record Released(UUID holdId, long released) {
  }

  private final Pool pool;
  // Every reserve asks, once its hold is made: concurrent reserves share the round trip.
  private final GroupedQuery releaseByKey;
  private final Ledger ledger;
  private final PosMembers members;
  private final Clock clock;
  /** Account ids never change once opened, so each shop's acceptance account is looked up once. */
  private final Map<String, Long> acceptanceAccounts = new ConcurrentHashMap<>();

  /** {@code pool} commits synchronously: a release the till was told of survives a crash. */
  Redemptions(Pool pool, Ledger ledger, PosMembers members, Clock clock) {
    this.pool = pool;
    this.releaseByKey = new GroupedQuery(pool, RELEASE_BY_KEY);
    this.ledger = ledger;
    this.members = members;
    this.clock = clock;
  }

  /** A reserve's request: whose points, and how many to hold. */
  record Reservation(MemberRef member, long points) {
  }

  Future<Reserved> reserve(Caller c, String key, Reservation reservation, boolean rerun) {
    UUID holdId = c.derive(key, "hold");
    if (rerun) {
      // A hold this request already made is its answer, whatever has expired since (code, visit, the hold itself).
      return ledger.transferById(c.allianceId(), holdId).compose(made -> made.isPresent()
          ? alreadyMade(c, made.get()) : reserveNow(c, key, holdId, reservation));
    }
    return reserveNow(c, key, holdId, reservation);
  }

  private Future<Reserved> reserveNow(Caller c, String key, UUID holdId, Reservation reservation) {
    long points = reservation.points();
    return members.resolve(c, key, reservation.member()).compose(m -> ledger.submit(TransferCommand.hold(
            c.allianceId(), holdId, m.walletId(), m.acceptanceId(), points, "pos_redeem", HOLD_SECONDS))
        .compose(r -> notReleased(c, holdId)
            .map(v -> Reserved.of(r.transfer(), m.handle(),
                Math.max(0, m.available() - (r.replayed() ? 0 : points))))));
  }

  /** The answer of a reserve whose hold an earlier run made: the hold as made, the balance as it is now. */
  private Future<Reserved> alreadyMade(Caller c, Transfer hold) {
    return notReleased(c, hold.id()).compose(v -> members.holder(c, hold.debitAccountId()))
        .map(holder -> Reserved.of(hold, holder.handle(), Math.max(0, holder.available())));
  }

  /** Fails with {@code hold_released} if the till released this hold by its reserve's key (the hold is voided here). */
  private Future<Void> notReleased(Caller c, UUID holdId) {
    return releasedBefore(c, holdId).map(stopped -> {
      if (stopped) {
        throw ProblemCode.HOLD_RELEASED.refuse("this reserve's key was released before the reserve"
            + " arrived: nothing is held, scan the member code again to redeem");
      }
      return null;
    });
  }

  /** Whether the till released this hold by its reserve's key already; if so, the hold is voided here. */
  private Future<Boolean> releasedBefore(Caller c, UUID holdId) {
    return releaseByKey.execute(Tuple.of(c.allianceId(), holdId)).compose(rows -> rows.size() == 0
        ? Future.succeededFuture(false)
        : voidOnce(c, rows.iterator().next().getUUID("void_id"), holdId).map(true));
  }

  /** The release's void; if the hold was resolved another way meanwhile, that stands. */
  private Future<Void> voidOnce(Caller c, UUID voidId, UUID holdId) {
    return ledger.submit(TransferCommand.voidHold(c.allianceId(), voidId, holdId, "pos_release")).<Void>mapEmpty()
        .recover(err -> err instanceof LedgerException le && (le.error() == LedgerError.HOLD_ALREADY_RESOLVED
            || le.error() == LedgerError.HOLD_EXPIRED) ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /** A commit's request: the hold, and the points to post of it ({@code null}: all of them). */
  record Capture(UUID holdId, Long points) {
  }

  Future<Committed> commit(Caller c, String key, Capture capture, boolean rerun) {
    UUID holdId = capture.holdId();
    Long points = capture.points();
    return ourHold(c, holdId).compose(hold -> ledger.submit(TransferCommand.post(c.allianceId(), c.derive(key, "commit"),
            holdId, points, "pos_commit"))
        .map(r -> new Committed(holdId, r.transfer().id(), r.transfer().amount(),
            hold.amount() - r.transfer().amount())));
  }

  /** A release's request: the hold, named by its id or by the Idempotency-Key of the reserve that made it. */
  sealed interface Release {
    record ByHold(UUID holdId) implements Release {
    }

    record ByReserveKey(String reserveKey) implements Release {
    }
  }

  /**
   * Releases a hold named by its id, or by the Idempotency-Key of the reserve that made it (when
   * its answer was lost). By key, the release is recorded first: if the reserve has not made its
   * hold yet, it never keeps one ({@code released: 0} now, {@code hold_released} for the reserve).
   */
  Future<Released> release(Caller c, String key, Release release, boolean rerun) {
    if (release instanceof Release.ByHold byHold) {
      UUID holdId = byHold.holdId();
      return ourHold(c, holdId).compose(hold -> ledger.submit(TransferCommand.voidHold(c.allianceId(),
              c.derive(key, "release"), holdId, "pos_release"))
          .map(r -> new Released(holdId, hold.amount())));
    }
    UUID holdId = c.derive(((Release.ByReserveKey) release).reserveKey(), "hold");
    return pool.preparedQuery(RECORD_RELEASE).execute(Tuple.of(c.allianceId(), holdId, c.derive(key, "release"),
            clock.instant().atOffset(ZoneOffset.UTC)))
        .compose(rows -> {
          UUID voidId = rows.iterator().next().getUUID("void_id");
          return ledger.transferById(c.allianceId(), holdId).compose(found -> found.isEmpty()
              ? Future.succeededFuture(new Released(holdId, 0))
              : ourHold(c, holdId).compose(hold -> ledger.submit(TransferCommand.voidHold(c.allianceId(), voidId, holdId,
                  "pos_release")).map(r -> new Released(holdId, hold.amount()))));
        });
  }

  /** The hold, if it is a hold made at this shop; otherwise {@code hold_not_found}. */
  private Future<Transfer> ourHold(Caller c, UUID holdId) {
    return acceptanceAccount(c).compose(account -> ledger.transferById(c.allianceId(), holdId).map(found -> {
      Transfer hold = found.filter(t -> t.isPending() && t.creditAccountId() == account).orElseThrow(() ->
          ProblemCode.HOLD_NOT_FOUND.refuse("no hold " + holdId + " at this shop"));
      return hold;
    }));
  }

  private Future<Long> acceptanceAccount(Caller c) {
    String shop = c.allianceId() + ":" + c.shopId();
    Long known = acceptanceAccounts.get(shop);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return ledger.accountOf(c.allianceId(), AccountKind.MERCHANT_ACCEPTANCE, c.shopId()).map(found -> {
      long id = found.orElseThrow(() -> ProblemCode.NOT_FOUND.refuse("shop " + c.shopId())).id();
      acceptanceAccounts.put(shop, id);
      return id;
    });
  }
}
