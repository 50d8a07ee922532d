package io.linkpoints.ledger;

import io.linkpoints.platform.EachAlliance;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Voids holds whose timeout has passed. The void's id is derived from the hold's, so two
 * instances timing out the same hold write one void between them; a post or void that got
 * there first wins and the timeout steps aside ({@code hold_already_resolved}). Alliance after
 * alliance, each with its own limit, so one alliance's backlog never holds the others' holds.
 */
public final class HoldTimeouts {
  /** The code of the void that times a hold out. */
  public static final String TRANSFER_CODE = "hold_timeout";
  // ledger_open_hold_timeout (alliance_id, timeout_at) where timeout_at is not null.
  private static final String DUE = "select transfer_id from ledger_open_hold"
      + " where alliance_id = $1 and timeout_at <= $2 order by timeout_at limit $3";

  private final Ledger ledger;
  private final Clock clock;

  public HoldTimeouts(Ledger ledger, Clock clock) {
    this.ledger = ledger;
    this.clock = clock;
  }

  public static UUID voidIdFor(long allianceId, UUID holdId) {
    return UUID.nameUUIDFromBytes(("hold-timeout:" + allianceId + ":" + holdId).getBytes(StandardCharsets.UTF_8));
  }

  /** Voids up to {@code limit} due holds of each alliance; returns how many this call voided. */
  public Future<Integer> runOnce(int limit) {
    OffsetDateTime now = Transfer.utc(clock.instant().truncatedTo(ChronoUnit.MICROS));
    return EachAlliance.inTurn(ledger.pool(), alliance -> runOnce(alliance, now, limit))
        .map(voided -> voided.stream().mapToInt(Integer::intValue).sum());
  }

  private Future<Integer> runOnce(long alliance, OffsetDateTime now, int limit) {
    return ledger.pool().preparedQuery(DUE).execute(Tuple.of(alliance, now, limit)).compose(rows -> {
      List<Future<Boolean>> voids = new ArrayList<>();
      for (Row row : rows) {
        UUID hold = row.getUUID("transfer_id");
        voids.add(ledger.submit(TransferCommand.voidHold(alliance, voidIdFor(alliance, hold), hold, TRANSFER_CODE))
            .map(r -> !r.replayed())
            .recover(err -> err instanceof LedgerException le && le.error() == LedgerError.HOLD_ALREADY_RESOLVED
                ? Future.succeededFuture(false) : Future.failedFuture(err)));
      }
      return Future.all(voids).map(done -> (int) voids.stream().filter(Future::result).count());
    });
  }
}
