package io.linkpoints.pos;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Housekeeping forgets what can no longer matter in every alliance, alliance by alliance, and keeps
 * what still can; each alliance gets its own bounded batch per run, so one alliance's backlog does
 * not keep another's old rows.
 */
@ExtendWith(VertxExtension.class)
class PosHousekeepingTest {
  private static final Instant NOW = Instant.parse("2026-03-15T04:00:00Z");
  private static final String[] TABLES = {"pos_request", "pos_visit", "pos_hold_release", "pos_earn_reservation",
      "member_code_use"};

  private MutableClock clock;
  private LedgerFixture fx;
  private long busy;
  private long quiet;

  @BeforeEach
  void setUp(Vertx vertx) {
    clock = new MutableClock(NOW);
    fx = new LedgerFixture(vertx, clock);
    busy = fx.alliance("Busy street");
    quiet = fx.alliance("Quiet lane");
  }

  @AfterEach
  void close() {
    fx.close();
  }

  @Test
  void oldRowsGoInEveryAllianceAndRecentOnesStay() {
    for (long alliance : new long[] {busy, quiet}) {
      rows(alliance, 1, Duration.ofDays(8), Duration.ofMinutes(1)); // past every retention
      rows(alliance, 1, Duration.ofHours(1), Duration.ofMinutes(-5)); // all still of use
    }
    attempts(busy, 2, Duration.ofHours(2));
    attempts(quiet, 3, Duration.ofHours(2));
    attempts(quiet, 1, Duration.ofMinutes(5));

    await(new PosHousekeeping(fx.pool, clock).runOnce());
    for (long alliance : new long[] {busy, quiet}) {
      for (String table : TABLES) {
        assertEquals(1, count(table, alliance), table + " of alliance " + alliance + " keeps only its recent row");
      }
    }
    assertEquals(1, count("/* test */ select count(*) from member_code_attempt"),
        "wrong-code counts of a past window go, in each alliance");
  }

  @Test
  void aBacklogInOneAllianceDoesNotKeepAnothersOldRows() {
    // More old requests in the busy alliance than a run deletes; the quiet one has one, created later.
    rows(busy, PosHousekeeping.BATCH + 1, Duration.ofDays(9), Duration.ofMinutes(10));
    rows(quiet, 1, Duration.ofDays(8), Duration.ofMinutes(1));

    PosHousekeeping housekeeping = new PosHousekeeping(fx.pool, clock);
    await(housekeeping.runOnce());
    for (String table : TABLES) {
      assertEquals(0, count(table, quiet), table + ": the quiet alliance's old row went in the first run");
      assertEquals(1, count(table, busy), table + ": one batch of the busy alliance's backlog per run");
    }
    await(housekeeping.runOnce());
    for (String table : TABLES) {
      assertEquals(0, count(table, busy), table);
    }
  }

  /**
   * {@code n} rows in each table of the alliance: requests, releases and reservations made
   * {@code age} ago, visits and code uses expiring {@code expiredFor} ago (negative: still to come).
   */
  private void rows(long alliance, int n, Duration age, Duration expiredFor) {
    OffsetDateTime made = NOW.minus(age).atOffset(ZoneOffset.UTC);
    OffsetDateTime expired = NOW.minus(expiredFor).atOffset(ZoneOffset.UTC);
    Tuple args = Tuple.of(alliance, n, made, expired);
    for (String sql : new String[] {
        "/* test */ insert into pos_request (alliance_id, terminal_id, idempotency_key, operation, fingerprint, created_at)"
            + " select $1, 1, gen_random_uuid()::text, 'accrue', 'f', $3 - g * interval '1 ms' from generate_series(1, $2) g"
            + " where $4::timestamptz is not null",
        "/* test */ insert into pos_visit (alliance_id, id, shop_id, terminal_id, member_id, expires_at)"
            + " select $1, gen_random_uuid(), 1, 1, 1, $4 from generate_series(1, $2) g where $3::timestamptz is not null",
        "/* test */ insert into pos_hold_release (alliance_id, hold_id, void_id, created_at)"
            + " select $1, gen_random_uuid(), gen_random_uuid(), $3 from generate_series(1, $2) g"
            + " where $4::timestamptz is not null",
        "/* test */ insert into pos_earn_reservation (alliance_id, accrual_id, member_id, shop_id, points, created_at)"
            + " select $1, gen_random_uuid(), 1, 1, 5, $3 from generate_series(1, $2) g where $4::timestamptz is not null",
        "/* test */ insert into member_code_use (device_id, step, counter, alliance_id, used_at, expires_at, used_by)"
            + " select $1 * 1000000 + (random() * 999999)::int, g, 0, $1, $3, $4, 'r' from generate_series(1, $2) g"}) {
      await(fx.pool.preparedQuery("/* test */ " + sql).execute(args));
    }
  }

  private void attempts(long alliance, long subject, Duration windowAge) {
    await(fx.pool.preparedQuery("/* test */ insert into member_code_attempt (alliance_id, scope, subject_id,"
        + " window_start, failures) values ($3, 'device', $1, $2, 1)")
        .execute(Tuple.of(subject, NOW.minus(windowAge).atOffset(ZoneOffset.UTC), alliance)));
  }

  private long count(String table, long alliance) {
    return count("/* test */ select count(*) from " + table + " where alliance_id = " + alliance);
  }

  private long count(String sql) {
    return await(fx.pool.query(sql).execute()).iterator().next().getLong(0);
  }
}
