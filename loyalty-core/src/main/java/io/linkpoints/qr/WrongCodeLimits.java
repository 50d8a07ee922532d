package io.linkpoints.qr;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Limits guessing: member codes with a wrong MAC are counted per device and per terminal in fixed
 * 10-minute windows. Past {@link #PER_DEVICE} a device, past {@link #PER_TERMINAL} a terminal,
 * gets {@code too_many_attempts} until its window ends, for genuine codes too (else the limit
 * would only slow a guesser down). The member's other devices are not affected. The count is one
 * conditional upsert, so racing guesses are counted exactly.
 */
public final class WrongCodeLimits {
  public static final int PER_DEVICE = 10;
  public static final int PER_TERMINAL = 20;
  public static final long WINDOW_SECONDS = 600;

  private static final String COUNT = "insert into member_code_attempt (alliance_id, scope, subject_id, window_start,"
      + " failures) select $4, v.scope, v.subject_id, $3, 1 from (values ('device', $1::bigint), ('terminal', $2))"
      + " as v(scope, subject_id) on conflict (alliance_id, scope, subject_id, window_start)"
      + " do update set failures = member_code_attempt.failures + 1 returning scope, failures";

  /**
   * The condition a statement that accepts a code adds, with the alliance, window, device and
   * terminal as parameters.
   */
  public static String limitedSql(String alliance, String window, String device, String terminal) {
    return "select 1 from member_code_attempt where alliance_id = " + alliance + " and window_start = " + window
        + " and ((scope = 'device' and subject_id = " + device + " and failures >= " + PER_DEVICE + ")"
        + " or (scope = 'terminal' and subject_id = " + terminal + " and failures >= " + PER_TERMINAL + "))";
  }

  private final Pool pool;

  public WrongCodeLimits(Pool pool) {
    this.pool = pool;
  }

  public static OffsetDateTime windowOf(Instant now) {
    return Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), WINDOW_SECONDS) * WINDOW_SECONDS)
        .atOffset(ZoneOffset.UTC);
  }

  /** Counts one wrong code; true if this one is past a limit (the caller answers too_many_attempts). */
  public Future<Boolean> countWrong(long allianceId, long deviceId, long terminalId, Instant now) {
    return pool.preparedQuery(COUNT).execute(Tuple.of(deviceId, terminalId, windowOf(now), allianceId)).map(rows -> {
      boolean over = false;
      for (Row r : rows) {
        int limit = "device".equals(r.getString("scope")) ? PER_DEVICE : PER_TERMINAL;
        over |= r.getInteger("failures") > limit;
      }
      return over;
    });
  }
}
