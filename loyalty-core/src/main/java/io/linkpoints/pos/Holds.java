package io.linkpoints.pos;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.web.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Redemption at the till in two phases: reserve puts a ledger hold on the member's points
 * (wallet → this shop's acceptance account, timing out by itself after {@link #HOLD_SECONDS}),
 * commit posts all or part of it, release voids it. The ledger resolves a hold exactly once.
 *
 * <p>Run again with its key (after a crash), each answers from the ledger: commit and release
 * send the same transfer id and the ledger replays its first result, even after the hold timed
 * out; reserve answers with the hold it already made.
 */
final class Holds {
  static final long HOLD_SECONDS = 120;

  private final Ledger ledger;
  private final PosMembers members;
  /** Account ids never change once opened, so the shop's acceptance account is looked up once. */
  private final Map<String, Long> acceptance = new ConcurrentHashMap<>();

  Holds(Ledger ledger, PosMembers members) {
    this.ledger = ledger;
    this.members = members;
  }

  Future<JsonObject> reserve(Caller c, String key, JsonObject body, boolean rerun) {
    UUID holdId = c.derive(key, "hold");
    if (rerun) {
      // A hold this request already made is its answer, whatever has expired since (code, visit, the hold itself).
      return ledger.transferById(c.allianceId(), holdId).compose(made -> made.isPresent() ? made(c, made.get())
          : reserveNow(c, key, holdId, body));
    }
    return reserveNow(c, key, holdId, body);
  }

  private Future<JsonObject> reserveNow(Caller c, String key, UUID holdId, JsonObject body) {
    long points = body.getLong("points");
    return members.resolve(c, key, body, false).compose(m -> ledger.submit(TransferCommand.hold(c.allianceId(), holdId,
            m.walletId(), m.acceptanceId(), points, "pos_redeem", HOLD_SECONDS))
        .map(r -> reserved(r.transfer(), m.handle(), Math.max(0, m.available() - (r.replayed() ? 0 : points)))));
  }

  /** The answer of a reserve whose hold an earlier run made: the hold as made, the balance as it is now. */
  private Future<JsonObject> made(Caller c, Transfer hold) {
    return members.holder(c, hold.debitAccountId())
        .map(holder -> reserved(hold, holder.getString("handle"), Math.max(0, holder.getLong("available"))));
  }

  private static JsonObject reserved(Transfer hold, String handle, long available) {
    return new JsonObject().put("holdId", hold.id().toString()).put("points", hold.amount())
        .put("expiresAt", hold.timeoutAt().toString()).put("memberHandle", handle).put("availablePoints", available);
  }

  Future<JsonObject> commit(Caller c, String key, JsonObject body, boolean rerun) {
    UUID holdId = UUID.fromString(body.getString("holdId"));
    Long points = body.getLong("points");
    return ourHold(c, holdId).compose(hold -> ledger.submit(TransferCommand.post(c.allianceId(), c.derive(key, "commit"),
            holdId, points, "pos_commit"))
        .map(r -> new JsonObject().put("holdId", holdId.toString()).put("transferId", r.transfer().id().toString())
            .put("points", r.transfer().amount()).put("released", hold.amount() - r.transfer().amount())));
  }

  /** Releases a hold named by its id, or by the Idempotency-Key of the reserve that made it (when its answer was lost). */
  Future<JsonObject> release(Caller c, String key, JsonObject body, boolean rerun) {
    String byId = body.getString("holdId");
    String byKey = body.getString("reserveKey");
    if ((byId == null) == (byKey == null)) {
      throw ApiException.badRequest("hold_required", "give exactly one of holdId and reserveKey");
    }
    UUID holdId = byId != null ? UUID.fromString(byId) : c.derive(byKey, "hold");
    return ourHold(c, holdId).compose(hold -> ledger.submit(TransferCommand.voidHold(c.allianceId(),
            c.derive(key, "release"), holdId, "pos_release"))
        .map(r -> new JsonObject().put("holdId", holdId.toString()).put("released", hold.amount())));
  }

  /** The hold, if it is a hold made at this shop; otherwise {@code hold_not_found}. */
  private Future<Transfer> ourHold(Caller c, UUID holdId) {
    return acceptanceAccount(c).compose(account -> ledger.transferById(c.allianceId(), holdId).map(found -> {
      Transfer hold = found.filter(t -> t.isPending() && t.creditAccountId() == account).orElseThrow(() ->
          new ApiException(404, "hold_not_found", "no hold " + holdId + " at this shop"));
      return hold;
    }));
  }

  private Future<Long> acceptanceAccount(Caller c) {
    String shop = c.allianceId() + ":" + c.shopId();
    Long known = acceptance.get(shop);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    return ledger.accountOf(c.allianceId(), AccountKind.MERCHANT_ACCEPTANCE, c.shopId()).map(found -> {
      long id = found.orElseThrow(() -> new ApiException(404, "not_found", "shop " + c.shopId())).id();
      acceptance.put(shop, id);
      return id;
    });
  }
}
