package io.linkpoints.member;

import io.linkpoints.auth.MemberDeviceSecrets;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves device secrets sealed with an older code key (or before key ids) to the current key, so
 * that after a rotation the old key file can go. Alliance by alliance, in small batches (a batch's
 * crypto is well under a millisecond on the event loop), each row by a conditional update on the
 * sealed bytes it read: instances running it at once each move a row at most once between them,
 * and a row changed meanwhile is left for the next run. Run by every instance at start and hourly.
 */
public final class DeviceSecretReseal {
  private static final Logger log = LoggerFactory.getLogger(DeviceSecretReseal.class);
  private static final int BATCH = 100;

  private static final String ALLIANCES = "select id from alliance order by id";
  /** Not under the current key: the length of secrets sealed before key ids, or another header. */
  private static final String OLD = "select id, secret_sealed from member_device where alliance_id = $1 and id > $2"
      + " and (length(secret_sealed) = $3 or substring(secret_sealed from 1 for $4) <> $5) order by id limit $6";
  private static final String COUNT_OLD = "select count(*) as n from member_device where alliance_id = $1"
      + " and (length(secret_sealed) = $2 or substring(secret_sealed from 1 for $3) <> $4)";
  private static final String RESEAL = "update member_device set secret_sealed = $4"
      + " where alliance_id = $1 and id = $2 and secret_sealed = $3";

  /** One run: rows this instance moved, and rows still under older keys when it ended. */
  public record Outcome(long resealed, long remaining) {
  }

  private final Pool pool;
  private final MemberDeviceSecrets secrets;
  private final int batch;
  private final AtomicLong remaining = new AtomicLong();
  private volatile Outcome last;

  public DeviceSecretReseal(Pool pool, MemberDeviceSecrets secrets, MeterRegistry meters) {
    this(pool, secrets, meters, BATCH);
  }

  /** With {@code batch} rows per statement (tests: several batches from a few rows). */
  DeviceSecretReseal(Pool pool, MemberDeviceSecrets secrets, MeterRegistry meters, int batch) {
    this.pool = pool;
    this.secrets = secrets;
    this.batch = batch;
    Gauge.builder("linkpoints.member.device.secrets.old.key", remaining, AtomicLong::get)
        .description("Member device secrets still sealed with an older code key, at this instance's last re-seal run")
        .register(meters);
  }

  /** Moves every row it can to the current key, then counts what is left, logging both. */
  public Future<Outcome> runOnce() {
    return pool.query(ALLIANCES).execute().compose(rows -> {
      List<Long> alliances = new ArrayList<>();
      rows.forEach(r -> alliances.add(r.getLong("id")));
      Future<long[]> done = Future.succeededFuture(new long[2]);
      for (long alliance : alliances) {
        done = done.compose(sum -> alliance(alliance, 0, 0).compose(moved -> countOld(alliance)
            .map(left -> new long[] {sum[0] + moved, sum[1] + left})));
      }
      return done.map(sum -> new Outcome(sum[0], sum[1]));
    }).onSuccess(this::report);
  }

  private Future<Long> alliance(long allianceId, long afterId, long movedSoFar) {
    byte[] header = secrets.currentHeader();
    return pool.preparedQuery(OLD).execute(Tuple.of(allianceId, afterId, MemberDeviceSecrets.LEGACY_LENGTH,
        header.length, Buffer.buffer(header), batch)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(movedSoFar);
          }
          List<Tuple> updates = new ArrayList<>();
          long lastId = afterId;
          for (Row row : rows) {
            long id = row.getLong("id");
            lastId = id;
            byte[] sealed = row.getBuffer("secret_sealed").getBytes();
            try {
              updates.add(Tuple.of(allianceId, id, Buffer.buffer(sealed),
                  Buffer.buffer(secrets.seal(id, secrets.open(id, sealed)))));
            } catch (GeneralSecurityException e) {
              log.warn("Member device {}: its secret does not open with the code keys here, so it stays as it is: {}",
                  id, e.getMessage());
            }
          }
          long next = lastId;
          Future<Long> moved = updates.isEmpty() ? Future.succeededFuture(0L)
              : pool.preparedQuery(RESEAL).executeBatch(updates).map(DeviceSecretReseal::rowsChanged);
          return moved.compose(n -> rows.size() < batch ? Future.succeededFuture(movedSoFar + n)
              : alliance(allianceId, next, movedSoFar + n));
        });
  }

  private Future<Long> countOld(long allianceId) {
    byte[] header = secrets.currentHeader();
    return pool.preparedQuery(COUNT_OLD).execute(Tuple.of(allianceId, MemberDeviceSecrets.LEGACY_LENGTH,
        header.length, Buffer.buffer(header))).map(rows -> rows.iterator().next().getLong("n"));
  }

  private static long rowsChanged(RowSet<Row> batch) {
    long n = 0;
    for (RowSet<Row> r = batch; r != null; r = r.next()) {
      n += r.rowCount();
    }
    return n;
  }

  private void report(Outcome outcome) {
    Outcome before = last;
    last = outcome;
    remaining.set(outcome.remaining());
    if (outcome.resealed() > 0) {
      log.info("Re-sealed {} member device secret(s) with code key {}", outcome.resealed(), secrets.currentKeyId());
    }
    if (outcome.remaining() > 0) {
      log.warn("{} member device secret(s) are still sealed with older code keys: keep those key files in {}",
          outcome.remaining(), secrets.dir());
    } else if (secrets.keyIds().size() > 1 && (before == null || before.remaining() > 0 || outcome.resealed() > 0)) {
      // Said once, when it becomes true: the operator's cue that the older key files may go.
      log.info("Every member device secret is sealed with code key {}: once every instance has restarted since the"
          + " rotation, the other key files in {} may be deleted", secrets.currentKeyId(), secrets.dir());
    }
  }
}
