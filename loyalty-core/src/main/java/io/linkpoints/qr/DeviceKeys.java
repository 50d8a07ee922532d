package io.linkpoints.qr;

import io.linkpoints.auth.MemberDeviceSecrets;
import io.vertx.core.Future;
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
 * a code checks it, so a revocation takes effect at the next sale, on every instance.
 */
public final class DeviceKeys {
  private static final Logger log = LoggerFactory.getLogger(DeviceKeys.class);
  /** 32-byte secrets: 200,000 devices cost about 20 MB; past that the cache starts again. */
  private static final int MAX_CACHED = 200_000;
  private static final String SEALED = "select alliance_id, secret_sealed from member_device where alliance_id = $1 and id = $2";

  /** A device's alliance and secret. */
  public record DeviceKey(long deviceId, long allianceId, byte[] secret) {
  }

  private final Pool pool;
  private final MemberDeviceSecrets secrets;
  private final ConcurrentMap<Long, DeviceKey> cache = new ConcurrentHashMap<>();

  public DeviceKeys(Pool pool, MemberDeviceSecrets secrets) {
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
    return pool.preparedQuery(SEALED).execute(Tuple.of(allianceId, deviceId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      try {
        DeviceKey key = new DeviceKey(deviceId, row.getLong("alliance_id"),
            secrets.open(deviceId, row.getBuffer("secret_sealed").getBytes()));
        if (cache.size() >= MAX_CACHED) {
          cache.clear();
        }
        cache.put(deviceId, key);
        return Optional.of(key);
      } catch (GeneralSecurityException e) {
        // Sealed with another key (a restored dump, a wrong LINKPOINTS_CODE_KEYS_DIR): no code of it is genuine.
        log.warn("Member device {}: its secret does not open with this instance's device-secrets key", deviceId);
        return Optional.empty();
      }
    });
  }
}
