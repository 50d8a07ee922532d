package io.linkpoints.ledger;

import io.linkpoints.platform.EachAlliance;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Moves what is left of expired lots into the alliance's breakage account, one transfer per
 * wallet. The writer decides the amount under the wallet's lock, so running this twice, or on
 * two instances at once, can never expire a point twice. Alliance after alliance, each with its
 * own limit, so one alliance's backlog never holds the others' expiry back.
 */
public final class LotExpiry {
  // ledger_lot_expiring (alliance_id, expires_at) where points_left > 0.
  private static final String DUE = "select distinct account_id from ledger_lot"
      + " where alliance_id = $1 and points_left > 0 and expires_at <= $2 limit $3";

  private final Ledger ledger;
  private final Clock clock;

  public LotExpiry(Ledger ledger, Clock clock) {
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Expires lots in up to {@code limit} wallets of each alliance; returns the points moved to breakage. */
  public Future<Long> runOnce(int limit) {
    OffsetDateTime now = Transfer.utc(clock.instant().truncatedTo(ChronoUnit.MICROS));
    return EachAlliance.inTurn(ledger.pool(), alliance -> runOnce(alliance, now, limit))
        .map(moved -> moved.stream().mapToLong(Long::longValue).sum());
  }

  private Future<Long> runOnce(long alliance, OffsetDateTime now, int limit) {
    return ledger.pool().preparedQuery(DUE).execute(Tuple.of(alliance, now, limit)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(0L);
      }
      return ledger.openAccount(alliance, AccountKind.ALLIANCE_BREAKAGE, 0).compose(breakage -> {
        List<Future<Long>> expiries = new ArrayList<>();
        for (Row row : rows) {
          expiries.add(ledger.submit(
                  TransferCommand.expireLots(alliance, UUID.randomUUID(), row.getLong("account_id"), breakage.id()))
              .map(r -> r.transfer() == null ? 0L : r.transfer().amount()));
        }
        return Future.all(expiries).map(done -> expiries.stream().mapToLong(Future::result).sum());
      });
    });
  }
}
