package io.linkpoints.qr;

import io.linkpoints.auth.MemberDeviceSecrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device secrets by device id, opened once and kept in memory: a secret never changes, so the
 * cache is never stale. Whether the device is still active is not cached: the statement that uses
 * a code checks it, so a revocation takes effect at the next sale, on every instance. A secret
 * sealed with a code key this instance has not read (rotated and re-sealed by an instance restarted
 * first) makes it read the keys folder again, at most every few seconds.
 */
public final class DeviceKeys {
  private static final Logger log = LoggerFactory.getLogger(DeviceKeys.class);
  /** 32-byte secrets: 200,000 devices cost about 20 MB; past that the cache starts again. */
  private static final int MAX_CACHED = 200_000;
  private static final long LEARN_EVERY_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
  private static final String SEALED = "select secret_sealed from member_device where alliance_id = $1 and id = $2";

  /** A device's alliance and secret. */
  public record DeviceKey(long deviceId, long allianceId, byte[] secret) {
  }

  private final Vertx vertx;
  private final Pool pool;
  private final MemberDeviceSecrets secrets;
  private final ConcurrentMap<Long, DeviceKey> cache = new ConcurrentHashMap<>();
  /** When the keys folder was last read again for an unknown key id, and that reading (guarded by this). */
  private long lastLearnt = System.nanoTime() - LEARN_EVERY_NANOS;
  private Future<Boolean> learning = Future.succeededFuture(false);

  public DeviceKeys(Vertx vertx, Pool pool, MemberDeviceSecrets secrets) {
    this.vertx = vertx;
    this.pool = pool;
    this.secrets = secrets;
  }

  /**
   * The device's key, or empty if there is no such device in this alliance (or its secret does not
   * open here). Looked up within the alliance, as every statement is (docs/scaling.md).
   */
  public Future<Optional<DeviceKey>> of(long allianceId, long deviceId) {
    DeviceKey cached = cache.get(deviceId);
    if (cached != null) {
      return Future.succeededFuture(cached.allianceId() == allianceId ? Optional.of(cached) : Optional.empty());
    }
    return pool.preparedQuery(SEALED).execute(Tuple.of(allianceId, deviceId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Optional.empty());
      }
      Row row = rows.iterator().next();
      byte[] sealed = row.getBuffer("secret_sealed").getBytes();
      try {
        return Future.succeededFuture(opened(deviceId, allianceId, sealed));
      } catch (MemberDeviceSecrets.UnknownKeyException unknown) {
        // After a rotation, an instance restarted before this one seals (and re-seals) with the new key.
        // Tried again even when this call did not read the folder: a reading just before may have.
        return learnNewKeys().map(learnt -> {
          try {
            return opened(deviceId, allianceId, sealed);
          } catch (GeneralSecurityException e) {
            return refused(deviceId, e);
          }
        });
      } catch (GeneralSecurityException e) {
        return Future.succeededFuture(refused(deviceId, e));
      }
    });
  }

  private Optional<DeviceKey> opened(long deviceId, long allianceId, byte[] sealed) throws GeneralSecurityException {
    DeviceKey key = new DeviceKey(deviceId, allianceId, secrets.open(deviceId, sealed));
    if (cache.size() >= MAX_CACHED) {
      cache.clear();
    }
    cache.put(deviceId, key);
    return Optional.of(key);
  }

  /** The reading in progress if there is one; else a new one, unless the last began under 5 s ago. */
  private synchronized Future<Boolean> learnNewKeys() {
    long now = System.nanoTime();
    if (!learning.isComplete() || now - lastLearnt < LEARN_EVERY_NANOS) {
      return learning.isComplete() ? Future.succeededFuture(false) : learning;
    }
    lastLearnt = now;
    learning = vertx.executeBlocking(secrets::learnNewKeys, false).otherwise(err -> {
      log.warn("Could not read the code keys folder again: {}", err.toString());
      return false;
    });
    return learning;
  }

  private static Optional<DeviceKey> refused(long deviceId, GeneralSecurityException e) {
    // A restored dump, a wrong LINKPOINTS_CODE_KEYS_DIR, a deleted key file: no code of it is genuine.
    log.warn("Member device {}: its secret does not open with this instance's code keys: {}", deviceId, e.getMessage());
    return Optional.empty();
  }
}
