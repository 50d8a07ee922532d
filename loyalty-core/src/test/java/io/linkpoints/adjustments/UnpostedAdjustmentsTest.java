package io.linkpoints.adjustments;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.linkpoints.audit.AuditLog;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Adjustments approved but never posted (the instance died between the decision and the ledger),
 * simulated by writing the row as such: the posting job, run twice at once from two instances
 * (each its own pool and ledger writer) and then again, posts each exactly once, leaves one decided
 * a moment ago to its own posting, and ends one the ledger refuses {@code failed} with the code,
 * audited once and never retried.
 */
class UnpostedAdjustmentsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T02:00:00Z"));
  private Vertx vertx;
  private LedgerFixture fx;
  private LedgerFixture second;
  private UnpostedAdjustments job;
  private UnpostedAdjustments jobOnTheOther;
  private long alliance;
  private long shop;
  private long member;
  private long owner;
  private long wallet;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fx = new LedgerFixture(vertx, clock);
    second = fx.secondInstance(clock);
    job = new UnpostedAdjustments(fx.pool, new PointAdjustments(fx.pool, fx.ledger, new AuditLog(fx.pool, clock),
        clock), clock);
    jobOnTheOther = new UnpostedAdjustments(second.pool, new PointAdjustments(second.pool, second.ledger,
        new AuditLog(second.pool, clock), clock), clock);
    alliance = fx.alliance("Cut short");
    shop = id("/* test */ insert into shop (alliance_id, name) values ($1, 'Café') returning id");
    member = id("/* test */ insert into member (alliance_id, phone, handle) values ($1, '+8613900000201', 'cut-short-ann-handle')"
        + " returning id");
    owner = await(fx.pool.preparedQuery("/* test */ insert into staff (alliance_id, username, role, shop_id, password_hash)"
        + " values ($1, 'cut-owner', 'owner', $2, 'x') returning id").execute(Tuple.of(alliance, shop)))
        .iterator().next().getLong(0);
    fx.open(alliance, AccountKind.MERCHANT_ISSUANCE, shop);
    wallet = fx.open(alliance, AccountKind.MEMBER_WALLET, member).id();
  }

  @AfterEach
  void stop() {
    try {
      fx.assertInvariants();
    } finally {
      second.close();
      fx.close();
      await(vertx.close());
    }
  }

  private long id(String sql) {
    return await(fx.pool.preparedQuery(sql).execute(Tuple.of(alliance))).iterator().next().getLong(0);
  }

  /** An adjustment as a cut-short posting leaves it: approved (by no decider, as an owner's at once), no transfer. */
  private long approvedNotPosted(long points, Instant proposedAt) {
    return await(fx.pool.preparedQuery("/* test */ insert into point_adjustment (alliance_id, shop_id, member_id, points,"
        + " reason, note, idempotency_key, status, proposed_role, proposed_by, proposed_at)"
        + " values ($1, $2, $3, $4, 'goodwill', 'cut short', $5, 'approved', 'owner', $6, $7) returning id")
        .execute(Tuple.from(new Object[] {alliance, shop, member, points, UUID.randomUUID().toString(), owner,
            proposedAt.atOffset(ZoneOffset.UTC)}))).iterator().next().getLong(0);
  }

  private long count(String sql, Object... more) {
    Object[] args = new Object[more.length + 1];
    args[0] = alliance;
    System.arraycopy(more, 0, args, 1, more.length);
    return await(fx.pool.preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  private String status(long id) {
    return await(fx.pool.preparedQuery("/* test */ select status from point_adjustment where alliance_id = $1 and id = $2")
        .execute(Tuple.of(alliance, id))).iterator().next().getString(0);
  }

  /** Both instances at once, then once more: the outcomes added up. */
  private UnpostedAdjustments.Outcome runTwiceAtOnceAndAgain() {
    Future<UnpostedAdjustments.Outcome> one = job.run(alliance, 100);
    Future<UnpostedAdjustments.Outcome> other = jobOnTheOther.run(alliance, 100);
    UnpostedAdjustments.Outcome sum = await(one).plus(await(other));
    return sum.plus(await(job.run(alliance, 100)));
  }

  @Test
  void aCutShortApprovalIsPostedOnceWhateverRunsItAndAFreshOneIsLeftToItsOwnPosting() {
    long cut = approvedNotPosted(70, clock.instant().minusSeconds(60));
    long fresh = approvedNotPosted(5, clock.instant().minusSeconds(2));

    assertEquals(new UnpostedAdjustments.Outcome(1, 0), runTwiceAtOnceAndAgain());
    UUID transfer = PointAdjustments.transferId(alliance, cut);
    assertEquals(1, count("/* test */ select count(*) from ledger_transfer where alliance_id = $1 and code = 'point_adjustment'"));
    assertEquals(1, count("/* test */ select count(*) from ledger_transfer where alliance_id = $1 and id = $2", transfer));
    assertEquals("posted", status(cut));
    assertEquals(1, count("/* test */ select count(*) from point_adjustment where alliance_id = $1 and id = $2"
        + " and transfer_id = $3", cut, transfer));
    assertEquals(70, fx.available(alliance, wallet));
    assertEquals(1, count("/* test */ select count(*) from audit_log where alliance_id = $1"
        + " and action = 'pointAdjustment.posted' and actor_role = 'system'"
        + " and detail::jsonb ->> 'adjustmentId' = $2 and detail::jsonb ->> 'before' = 'approved'"
        + " and detail::jsonb ->> 'after' = 'posted'", String.valueOf(cut)));

    // Decided two seconds ago: its own posting may still be under way, so the job leaves it alone...
    assertEquals("approved", status(fresh));
    // ...until it has had its time.
    clock.set(clock.instant().plus(UnpostedAdjustments.SETTLE));
    assertEquals(new UnpostedAdjustments.Outcome(1, 0), runTwiceAtOnceAndAgain());
    assertEquals("posted", status(fresh));
    assertEquals(75, fx.available(alliance, wallet));
    assertEquals(2, count("/* test */ select count(*) from ledger_transfer where alliance_id = $1 and code = 'point_adjustment'"));
  }

  @Test
  void aPostingTheLedgerRefusesEndsFailedWithItsCodeOnceAndIsNotRetried() {
    // A debit of 30 approved while the member held it; the points are gone by the time the job runs.
    long refused = approvedNotPosted(-30, clock.instant().minusSeconds(60));

    assertEquals(new UnpostedAdjustments.Outcome(0, 1), runTwiceAtOnceAndAgain());
    assertEquals("failed", status(refused));
    assertEquals(1, count("/* test */ select count(*) from point_adjustment where alliance_id = $1 and id = $2"
        + " and failure_code = 'insufficient_points' and transfer_id is null", refused));
    assertEquals(0, count("/* test */ select count(*) from ledger_transfer where alliance_id = $1"));
    assertEquals(1, count("/* test */ select count(*) from audit_log where alliance_id = $1"
        + " and action = 'pointAdjustment.failed' and actor_role = 'system' and detail::jsonb ->> 'adjustmentId' = $2"
        + " and detail::jsonb ->> 'after' = 'failed' and detail::jsonb ->> 'failureCode' = 'insufficient_points'",
        String.valueOf(refused)));
    PointAdjustment read = await(new PointAdjustments(fx.pool, fx.ledger, new AuditLog(fx.pool, clock), clock)
        .get(alliance, refused));
    assertEquals("insufficient_points", read.failureCode());
    assertNull(read.transferId());

    // Failed is final: later runs leave it, even once the member could pay.
    clock.set(clock.instant().plusSeconds(3_600));
    assertEquals(new UnpostedAdjustments.Outcome(0, 0), runTwiceAtOnceAndAgain());
    assertEquals("failed", status(refused));
  }
}
