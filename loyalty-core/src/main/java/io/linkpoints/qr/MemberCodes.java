package io.linkpoints.qr;

import io.linkpoints.member.MemberDevices;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;

/**
 * A member's LP2 code now, computed by the server for one of the member's devices: the same code
 * the wallet computes itself, offline, for a member whose phone cannot show its own.
 */
public final class MemberCodes {
  private static final String DEVICE = "select id, revoked_at from member_device"
      + " where alliance_id = $1 and member_id = $2 and ($3::bigint is null and revoked_at is null or id = $3)"
      + " order by created_at desc, id desc limit 1";
  private static final String USED = "select counter from member_code_use"
      + " where alliance_id = $1 and device_id = $2 and step = $3";

  private final Pool pool;
  private final DeviceKeys keys;
  private final int window;
  private final Clock clock;

  /** {@code window}: the configured code step window ({@code LinkpointsConfig.codeStepWindow}). */
  public MemberCodes(Pool pool, DeviceKeys keys, int window, Clock clock) {
    this.pool = pool;
    this.keys = keys;
    this.window = window;
    this.clock = clock;
  }

  /** The code of a device, time step and one-use counter; a till takes it until {@code expiresAt}. */
  public record Current(String code, long deviceId, long step, int counter, Instant expiresAt) {
  }

  /**
   * The member's code now: for {@code deviceId}, or (null) their newest active device; the first
   * counter of this time step not used yet.
   */
  public Future<Current> current(long allianceId, long memberId, Long deviceId) {
    long step = Lp2Code.stepOf(clock.instant());
    return pool.preparedQuery(DEVICE).execute(Tuple.of(allianceId, memberId, deviceId)).compose(rows -> {
      if (rows.size() == 0) {
        throw deviceId != null ? MemberDevices.deviceNotFound(deviceId)
            : ProblemCode.NO_DEVICE.refuse("sign in on a phone first: codes are made from a phone's secret");
      }
      Row device = rows.iterator().next();
      if (device.getValue("revoked_at") != null) {
        throw ProblemCode.DEVICE_REVOKED.refuse("that phone was signed out: its codes are refused");
      }
      long id = device.getLong("id");
      return pool.preparedQuery(USED).execute(Tuple.of(allianceId, id, step)).compose(used -> {
        boolean[] taken = new boolean[Lp2Code.COUNTERS_PER_STEP];
        used.forEach(r -> taken[r.getInteger("counter")] = true);
        int counter = 0;
        while (counter < taken.length && taken[counter]) {
          counter++;
        }
        if (counter == taken.length) {
          throw ProblemCode.CODES_USED_UP.refuse("ten codes were used in these 30 seconds: wait for the next ones");
        }
        int chosen = counter;
        return keys.of(allianceId, id).map(key -> new Current(Lp2Code.code(key.orElseThrow(() -> new IllegalStateException(
            "device " + id + ": its secret does not open here")).secret(), id, step, chosen), id, step, chosen,
            Lp2Code.stepStart(step + 1 + window)));
      });
    });
  }
}
