package io.linkpoints.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Moves what is left of expired lots into the alliance's breakage account, one transfer per
 * wallet. The writer decides the amount under the wallet's lock, so running this twice, or on
 * two instances at once, can never expire a point twice.
 */
public final class LotExpiry {
  private static final String DUE = "select distinct alliance_id, account_id from ledger_lot"
      + " where points_left > 0 and expires_at <= $1 limit $2";

  private final Ledger ledger;
  private final Clock clock;

  public LotExpiry(Ledger ledger, Clock clock) {
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Expires lots in up to {@code limit} wallets; returns the points moved to breakage. */
  public Future<Long> runOnce(int limit) {
    return ledger.pool().preparedQuery(DUE)
        .execute(Tuple.of(Transfer.utc(clock.instant().truncatedTo(ChronoUnit.MICROS)), limit))
        .compose(rows -> {
          List<Future<Long>> expiries = new ArrayList<>();
          for (Row row : rows) {
            long alliance = row.getLong("alliance_id");
            long wallet = row.getLong("account_id");
            expiries.add(ledger.openAccount(alliance, AccountKind.ALLIANCE_BREAKAGE, 0)
                .compose(breakage -> ledger.submit(
                    TransferCommand.expireLots(alliance, UUID.randomUUID(), wallet, breakage.id())))
                .map(r -> r.transfer() == null ? 0L : r.transfer().amount()));
          }
          return Future.all(expiries).map(done -> expiries.stream().mapToLong(Future::result).sum());
        });
  }
}
