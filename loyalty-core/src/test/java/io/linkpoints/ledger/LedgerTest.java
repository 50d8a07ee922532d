package io.linkpoints.ledger;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.LedgerFixture;
import io.linkpoints.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ledger's single-writer semantics against real PostgreSQL. Every test ends with the invariant check. */
@ExtendWith(VertxExtension.class)
class LedgerTest {
  private static final Instant START = Instant.parse("2026-03-15T04:00:00Z");

  private MutableClock clock;
  private LedgerFixture fx;
  private Ledger ledger;
  private long alliance;
  private long cafeIssuance;
  private long cafeAcceptance;
  private long bookIssuance;
  private long bookAcceptance;
  private long member;

  @BeforeEach
  void setUp(Vertx vertx) {
    clock = new MutableClock(START);
    fx = new LedgerFixture(vertx, clock);
    ledger = fx.ledger;
    alliance = fx.alliance("Riverside");
    cafeIssuance = fx.open(alliance, AccountKind.MERCHANT_ISSUANCE, 1).id();
    cafeAcceptance = fx.open(alliance, AccountKind.MERCHANT_ACCEPTANCE, 1).id();
    bookIssuance = fx.open(alliance, AccountKind.MERCHANT_ISSUANCE, 2).id();
    bookAcceptance = fx.open(alliance, AccountKind.MERCHANT_ACCEPTANCE, 2).id();
    member = fx.open(alliance, AccountKind.MEMBER_WALLET, 100).id();
  }

  @AfterEach
  void checkInvariantsAndClose() {
    fx.assertInvariants();
    fx.close();
  }

  private Transfer earn(long issuance, long points) {
    return await(ledger.transfer(alliance, UUID.randomUUID(), issuance, member, points, "earn"));
  }

  private Future<Transfer> redeem(long acceptance, long points) {
    return ledger.transfer(alliance, UUID.randomUUID(), member, acceptance, points, "redeem");
  }

  private LedgerError refusal(Future<?> f) {
    return assertInstanceOf(LedgerException.class, failure(f)).error();
  }

  private long count(String sql) {
    return await(fx.pool.query(sql).execute()).iterator().next().getLong(0);
  }

  @Test
  void earnCreditsTheMemberAndRecordsALotWithTheAlliancesExpiry() {
    Transfer t = earn(cafeIssuance, 100);

    assertEquals(100, fx.available(alliance, member));
    assertEquals(100, fx.account(alliance, cafeIssuance).debitsPosted());
    Row lot = await(fx.pool.preparedQuery("/* test */ select * from ledger_lot where alliance_id = $1 and transfer_id = $2")
        .execute(Tuple.of(alliance, t.id()))).iterator().next();
    assertEquals(1L, lot.getLong("issuer_shop_id"));
    assertEquals(100L, lot.getLong("points_left"));
    assertEquals(1L, lot.getLong("price_per_point_fen"));
    // 15 March 2026 in Shanghai + 12 months, to the end of the month: April 2027 begins in Shanghai.
    assertEquals(OffsetDateTime.parse("2027-04-01T00:00+08:00").toInstant(), lot.getOffsetDateTime("expires_at").toInstant());
  }

  @Test
  void redeemMovesPointsToTheAcceptingShop() {
    earn(cafeIssuance, 100);
    Transfer t = await(redeem(bookAcceptance, 30));

    assertEquals(70, fx.available(alliance, member));
    assertEquals(30, fx.account(alliance, bookAcceptance).creditsPosted());
    assertEquals(30, count("/* test */ select sum(points) from ledger_allocation where transfer_id = '" + t.id() + "'"));
  }

  @Test
  void insufficientPointsIsRefusedAndChangesNothing() {
    earn(cafeIssuance, 50);
    assertEquals(LedgerError.INSUFFICIENT_POINTS, refusal(redeem(bookAcceptance, 51)));
    assertEquals(LedgerError.INSUFFICIENT_POINTS, refusal(redeem(bookAcceptance, 1_000_000)));

    assertEquals(50, fx.available(alliance, member));
    assertEquals(0, fx.account(alliance, bookAcceptance).creditsPosted());
    assertEquals(1, count("/* test */ select count(*) from ledger_transfer"));
  }

  @Test
  void replayReturnsTheFirstResultAndAppliesNothingTwice() {
    UUID id = UUID.randomUUID();
    TransferCommand cmd = TransferCommand.transfer(alliance, id, cafeIssuance, member, 80, "earn")
        .withMetadata(new JsonObject().put("order", "A-1").put("fen", 8000));
    TransferResult first = await(ledger.submit(cmd));
    clock.advance(Duration.ofMinutes(5));
    TransferResult again = await(ledger.submit(cmd));

    assertFalse(first.replayed());
    assertTrue(again.replayed());
    assertEquals(first.transfer(), again.transfer());
    assertEquals(80, fx.available(alliance, member));
    assertEquals(1, count("/* test */ select count(*) from ledger_transfer"));
  }

  @Test
  void replayInsideOneBatchIsAppliedOnce() {
    TransferCommand cmd = TransferCommand.transfer(alliance, UUID.randomUUID(), cafeIssuance, member, 10, "earn");
    List<TransferResult> results = await(ledger.writer().submitAll(List.of(cmd, cmd, cmd)));

    assertEquals(1, results.stream().filter(r -> !r.replayed()).count());
    assertEquals(10, fx.available(alliance, member));
  }

  /**
   * On PostgreSQL, what TransferRulesSameBatchTest found in memory: an empty wallet earns and
   * spends in one batch as it would in two (the old code refused the redemption).
   */
  @Test
  void anEmptyWalletSpendsPointsEarnedEarlierInTheSameBatch() {
    List<TransferResult> results = await(ledger.writer().submitAll(List.of(
        TransferCommand.transfer(alliance, UUID.randomUUID(), cafeIssuance, member, 100, "earn"),
        TransferCommand.transfer(alliance, UUID.randomUUID(), member, bookAcceptance, 30, "redeem"))));

    assertEquals(2, results.size());
    results.forEach(r -> assertFalse(r.replayed()));
    assertEquals(70, fx.available(alliance, member));
    assertEquals(30, fx.account(alliance, bookAcceptance).creditsPosted());
    assertEquals(30, count("/* test */ select sum(points) from ledger_allocation where transfer_id = '"
        + results.get(1).transfer().id() + "'"));
  }

  /**
   * On PostgreSQL, what TransferRulesSameBatchTest pins in memory: a hold posted or voided in the
   * batch that made it, and a redemption refunded in it, are decided and written as they would be in
   * batches of their own. A writer that waits for all seven commands makes them one batch.
   */
  @Test
  void holdsAndRefundsResolvedInTheBatchThatMadeThemAreWrittenAsInBatchesOfTheirOwn(Vertx vertx) {
    Ledger oneBatch = new Ledger(vertx, fx.pool, fx.database, clock, new WriterOptions(7, 60_000, 1, 100));
    UUID earn = UUID.randomUUID();
    UUID posted = UUID.randomUUID();
    UUID voided = UUID.randomUUID();
    UUID redeem = UUID.randomUUID();
    UUID refund = UUID.randomUUID();
    try {
      List<TransferResult> results = await(oneBatch.writer().submitAll(List.of(
          TransferCommand.transfer(alliance, earn, bookIssuance, member, 100, "earn"),
          TransferCommand.hold(alliance, posted, member, cafeAcceptance, 40, "redeem", 120),
          TransferCommand.post(alliance, UUID.randomUUID(), posted, 25L, "redeem"),
          TransferCommand.hold(alliance, voided, member, cafeAcceptance, 10, "redeem", 120),
          TransferCommand.voidHold(alliance, UUID.randomUUID(), voided, "release"),
          TransferCommand.transfer(alliance, redeem, member, cafeAcceptance, 30, "redeem"),
          new TransferCommand(TransferCommand.Kind.TRANSFER, alliance, refund, cafeAcceptance, member, 30L, 0, "refund",
              null, redeem, 0, null, null))));
      assertEquals(1, oneBatch.writer().batchesWritten());
      results.forEach(r -> assertFalse(r.replayed()));
    } finally {
      await(oneBatch.close());
    }

    assertEquals(75, fx.available(alliance, member));
    Account cafe = fx.account(alliance, cafeAcceptance);
    assertEquals(55, cafe.creditsPosted());
    assertEquals(30, cafe.debitsPosted());
    assertEquals(0, cafe.creditsPending());
    assertEquals(0, count("/* test */ select count(*) from ledger_open_hold"), "both holds were resolved in their batch");
    Row back = await(fx.pool.preparedQuery("/* test */ select * from ledger_lot where transfer_id = $1").execute(Tuple.of(refund)))
        .iterator().next();
    Row earned = await(fx.pool.preparedQuery("/* test */ select * from ledger_lot where transfer_id = $1").execute(Tuple.of(earn)))
        .iterator().next();
    assertEquals(2L, back.getLong("issuer_shop_id"), "the refund gives back the bookshop's points");
    assertEquals(earned.getOffsetDateTime("expires_at"), back.getOffsetDateTime("expires_at"));
  }

  @Test
  void sameIdWithOtherFieldsIsIdempotencyKeyReused() {
    UUID id = UUID.randomUUID();
    await(ledger.transfer(alliance, id, cafeIssuance, member, 80, "earn"));

    assertEquals(LedgerError.IDEMPOTENCY_KEY_REUSED,
        refusal(ledger.transfer(alliance, id, cafeIssuance, member, 81, "earn")));
    assertEquals(LedgerError.IDEMPOTENCY_KEY_REUSED,
        refusal(ledger.transfer(alliance, id, bookIssuance, member, 80, "earn")));
    assertEquals(LedgerError.IDEMPOTENCY_KEY_REUSED,
        refusal(ledger.submit(TransferCommand.transfer(alliance, id, cafeIssuance, member, 80, "earn")
            .withMetadata(new JsonObject().put("order", "other")))));
    assertEquals(80, fx.available(alliance, member));
  }

  @Test
  void holdThenPartialPostCapturesPartAndReturnsTheRest() {
    earn(cafeIssuance, 100);
    UUID hold = UUID.randomUUID();
    await(ledger.submit(TransferCommand.hold(alliance, hold, member, bookAcceptance, 60, "redeem", 120)));

    Account held = fx.account(alliance, member);
    assertEquals(60, held.debitsPending());
    assertEquals(40, held.availableBalance());
    assertEquals(60, fx.account(alliance, bookAcceptance).creditsPending());

    Transfer post = await(ledger.submit(TransferCommand.post(alliance, UUID.randomUUID(), hold, 45L, "redeem")))
        .transfer();
    assertEquals(45, post.amount());
    Account after = fx.account(alliance, member);
    assertEquals(0, after.debitsPending());
    assertEquals(45, after.debitsPosted());
    assertEquals(55, after.availableBalance());
    assertEquals(45, fx.account(alliance, bookAcceptance).creditsPosted());
    assertEquals(0, fx.account(alliance, bookAcceptance).creditsPending());

    assertEquals(LedgerError.HOLD_ALREADY_RESOLVED,
        refusal(ledger.submit(TransferCommand.post(alliance, UUID.randomUUID(), hold, null, "redeem"))));
    assertEquals(LedgerError.HOLD_ALREADY_RESOLVED,
        refusal(ledger.submit(TransferCommand.voidHold(alliance, UUID.randomUUID(), hold, "release"))));
  }

  @Test
  void postCannotExceedTheHoldAndAHoldIsCheckedWhenMade() {
    earn(cafeIssuance, 100);
    assertEquals(LedgerError.INSUFFICIENT_POINTS, refusal(ledger.submit(
        TransferCommand.hold(alliance, UUID.randomUUID(), member, bookAcceptance, 101, "redeem", 60))));
    UUID hold = UUID.randomUUID();
    await(ledger.submit(TransferCommand.hold(alliance, hold, member, bookAcceptance, 70, "redeem", 60)));
    // Held points cannot be spent twice.
    assertEquals(LedgerError.INSUFFICIENT_POINTS, refusal(redeem(cafeAcceptance, 31)));
    assertEquals(LedgerError.POST_EXCEEDS_HOLD,
        refusal(ledger.submit(TransferCommand.post(alliance, UUID.randomUUID(), hold, 71L, "redeem"))));
    assertEquals(LedgerError.PENDING_TRANSFER_NOT_FOUND,
        refusal(ledger.submit(TransferCommand.post(alliance, UUID.randomUUID(), UUID.randomUUID(), null, "redeem"))));
    Transfer single = earn(cafeIssuance, 5);
    assertEquals(LedgerError.NOT_A_HOLD,
        refusal(ledger.submit(TransferCommand.post(alliance, UUID.randomUUID(), single.id(), null, "redeem"))));
    await(ledger.submit(TransferCommand.post(alliance, UUID.randomUUID(), hold, null, "redeem")));
    assertEquals(35, fx.available(alliance, member));
  }

  @Test
  void voidReleasesTheHoldExactlyOnce() {
    earn(cafeIssuance, 100);
    UUID hold = UUID.randomUUID();
    await(ledger.submit(TransferCommand.hold(alliance, hold, member, bookAcceptance, 100, "redeem", 0)));
    assertEquals(0, fx.available(alliance, member));

    UUID voidId = UUID.randomUUID();
    Transfer released = await(ledger.submit(TransferCommand.voidHold(alliance, voidId, hold, "release"))).transfer();
    assertEquals(100, released.amount());
    assertEquals(100, fx.available(alliance, member));
    assertEquals(0, fx.account(alliance, bookAcceptance).creditsPending());
    // The same void again is a replay; a different resolution is refused.
    assertTrue(await(ledger.submit(TransferCommand.voidHold(alliance, voidId, hold, "release"))).replayed());
    assertEquals(LedgerError.HOLD_ALREADY_RESOLVED,
        refusal(ledger.submit(TransferCommand.post(alliance, UUID.randomUUID(), hold, null, "redeem"))));
    // The released points are spendable again.
    await(redeem(bookAcceptance, 100));
  }

  @Test
  void aHoldTimesOutByItselfAndThenCannotBePosted() {
    earn(cafeIssuance, 100);
    UUID hold = UUID.randomUUID();
    await(ledger.submit(TransferCommand.hold(alliance, hold, member, bookAcceptance, 40, "redeem", 30)));
    HoldTimeouts timeouts = new HoldTimeouts(ledger, clock);

    assertEquals(0, await(timeouts.runOnce(100)), "nothing is due yet");
    clock.advance(Duration.ofSeconds(31));
    assertEquals(LedgerError.HOLD_EXPIRED,
        refusal(ledger.submit(TransferCommand.post(alliance, UUID.randomUUID(), hold, null, "redeem"))));
    assertEquals(1, await(timeouts.runOnce(100)));
    assertEquals(0, await(timeouts.runOnce(100)), "a hold times out once");

    assertEquals(100, fx.available(alliance, member));
    Transfer voided = await(ledger.transferById(alliance, HoldTimeouts.voidIdFor(alliance, hold))).orElseThrow();
    assertTrue(voided.isVoid());
    assertEquals(HoldTimeouts.TRANSFER_CODE, voided.code());
  }

  @Test
  void lotsAreSpentSoonestExpiryFirstThenOldestAcrossShops() {
    // The bookshop's points are earned first, the café's a month later: the bookshop's expire first.
    Transfer book = earn(bookIssuance, 100);
    clock.advance(Duration.ofDays(31));
    Transfer cafe = earn(cafeIssuance, 100);
    Transfer spend = await(redeem(cafeAcceptance, 150));

    assertEquals(100, allocated(spend.id(), book.id()));
    assertEquals(50, allocated(spend.id(), cafe.id()));

    // Same expiry month: the older lot goes first.
    clock.advance(Duration.ofHours(1));
    Transfer early = earn(bookIssuance, 10);
    clock.advance(Duration.ofHours(1));
    Transfer late = earn(cafeIssuance, 10);
    Transfer second = await(redeem(bookAcceptance, 55));
    assertEquals(50, allocated(second.id(), cafe.id()));
    assertEquals(5, allocated(second.id(), early.id()));
    assertEquals(0, allocated(second.id(), late.id()));
  }

  @Test
  void aWalletWithMoreLotsThanTheFirstReadSpendsAndExpiresThemAllInOrder() {
    // 100 one-point earns an hour apart: more open lots than a batch reads first (BatchReads.FIRST_LOTS).
    List<Transfer> lots = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      lots.add(earn(i % 2 == 0 ? cafeIssuance : bookIssuance, 1));
      clock.advance(Duration.ofHours(1));
    }
    assertTrue(BatchReads.FIRST_LOTS > 10 && BatchReads.FIRST_LOTS < 80);
    Transfer small = await(redeem(cafeAcceptance, 10)); // covered by the first lots alone
    Transfer large = await(redeem(bookAcceptance, 70)); // reaches past the lots read first
    for (int i = 0; i < 100; i++) {
      assertEquals(i < 10 ? 1 : 0, allocated(small.id(), lots.get(i).id()), "lot " + i);
      assertEquals(i >= 10 && i < 80 ? 1 : 0, allocated(large.id(), lots.get(i).id()), "lot " + i);
    }
    assertEquals(LedgerError.INSUFFICIENT_POINTS, refusal(redeem(cafeAcceptance, 21)));
    assertEquals(20, fx.available(alliance, member));

    // 70 more lots, then every one of the 90 open lots expires: all in one run, not only those read first.
    for (int i = 0; i < 70; i++) {
      earn(cafeIssuance, 1);
    }
    long breakage = fx.open(alliance, AccountKind.ALLIANCE_BREAKAGE, 0).id();
    clock.set(Instant.parse("2030-01-01T00:00:00Z"));
    assertEquals(90, await(new LotExpiry(ledger, clock).runOnce(100)));
    assertEquals(0, fx.available(alliance, member));
    assertEquals(90, fx.account(alliance, breakage).creditsPosted());
  }

  private long allocated(UUID transfer, UUID lotTransfer) {
    return count("/* test */ select coalesce(sum(points), 0) from ledger_allocation where transfer_id = '" + transfer
        + "' and lot_transfer_id = '" + lotTransfer + "'");
  }

  @Test
  void expiredPointsCannotBeSpentAndGoToBreakage() {
    earn(cafeIssuance, 100);
    await(redeem(bookAcceptance, 30));
    clock.advance(Duration.ofDays(31));
    earn(bookIssuance, 20);
    long breakage = fx.open(alliance, AccountKind.ALLIANCE_BREAKAGE, 0).id();

    // Past the first lot's expiry (April 2027 in Shanghai) but not the second's (May 2027).
    clock.set(Instant.parse("2027-04-02T00:00:00Z"));
    assertEquals(LedgerError.INSUFFICIENT_POINTS, refusal(redeem(bookAcceptance, 21)));

    LotExpiry expiry = new LotExpiry(ledger, clock);
    assertEquals(70, await(expiry.runOnce(100)));
    assertEquals(0, await(expiry.runOnce(100)), "a point expires once");

    assertEquals(20, fx.available(alliance, member));
    assertEquals(70, fx.account(alliance, breakage).creditsPosted());
    await(redeem(bookAcceptance, 20));
  }

  @Test
  void reversalsAreLinkedTransfersThatCannotExceedTheOriginal() {
    Transfer earned = earn(cafeIssuance, 100);
    Transfer back = await(ledger.submit(TransferCommand.reversal(alliance, UUID.randomUUID(), earned, 40, "refund")))
        .transfer();
    assertEquals(earned.id(), back.reversesId());
    assertEquals(60, fx.available(alliance, member));
    assertEquals(40, fx.account(alliance, cafeIssuance).creditsPosted());

    assertEquals(LedgerError.REVERSAL_EXCEEDS_ORIGINAL, refusal(ledger.submit(
        TransferCommand.reversal(alliance, UUID.randomUUID(), earned, 61, "refund"))));
    assertEquals(LedgerError.REVERSAL_TARGET_INVALID, refusal(ledger.submit(new TransferCommand(
        TransferCommand.Kind.TRANSFER, alliance, UUID.randomUUID(), member, bookIssuance, 10L, 0, "refund", null,
        earned.id(), 0, null, null))));
    assertEquals(LedgerError.REVERSAL_TARGET_INVALID, refusal(ledger.submit(
        TransferCommand.reversal(alliance, UUID.randomUUID(), back, 10, "refund"))));
    assertEquals(LedgerError.REVERSAL_TARGET_NOT_FOUND, refusal(ledger.submit(new TransferCommand(
        TransferCommand.Kind.TRANSFER, alliance, UUID.randomUUID(), member, cafeIssuance, 10L, 0, "refund", null,
        UUID.randomUUID(), 0, null, null))));
    await(ledger.submit(TransferCommand.reversal(alliance, UUID.randomUUID(), earned, 60, "refund")));
    assertEquals(0, fx.available(alliance, member));
  }

  @Test
  void reversingARedemptionGivesBackTheSamePoints() {
    Transfer earned = earn(bookIssuance, 100);
    Transfer spent = await(redeem(cafeAcceptance, 30));
    Transfer refund = await(ledger.submit(TransferCommand.reversal(alliance, UUID.randomUUID(), spent, 30, "refund")))
        .transfer();

    assertEquals(100, fx.available(alliance, member));
    Row lot = await(fx.pool.preparedQuery("/* test */ select * from ledger_lot where transfer_id = $1").execute(Tuple.of(refund.id())))
        .iterator().next();
    Row original = await(fx.pool.preparedQuery("/* test */ select * from ledger_lot where transfer_id = $1")
        .execute(Tuple.of(earned.id()))).iterator().next();
    assertEquals(2L, lot.getLong("issuer_shop_id"), "the points still belong to the shop that issued them");
    assertEquals(original.getOffsetDateTime("expires_at"), lot.getOffsetDateTime("expires_at"));
  }

  @Test
  void malformedCommandsAreRefusedWithDistinctCodes() {
    earn(cafeIssuance, 10);
    long otherAlliance = fx.alliance("Elsewhere");
    long foreignWallet = fx.open(otherAlliance, AccountKind.MEMBER_WALLET, 100).id();

    assertEquals(LedgerError.INVALID_AMOUNT, refusal(ledger.transfer(alliance, UUID.randomUUID(), cafeIssuance, member, 0, "earn")));
    assertEquals(LedgerError.INVALID_AMOUNT, refusal(ledger.transfer(alliance, UUID.randomUUID(), cafeIssuance, member, -5, "earn")));
    assertEquals(LedgerError.INVALID_AMOUNT, refusal(ledger.transfer(alliance, UUID.randomUUID(), cafeIssuance, member,
        TransferCommand.MAX_AMOUNT + 1, "earn")));
    assertEquals(LedgerError.ACCOUNTS_MUST_DIFFER, refusal(ledger.transfer(alliance, UUID.randomUUID(), member, member, 1, "earn")));
    assertEquals(LedgerError.ACCOUNT_NOT_FOUND, refusal(ledger.transfer(alliance, UUID.randomUUID(), cafeIssuance, 999_999, 1, "earn")));
    assertEquals(LedgerError.ACCOUNT_NOT_FOUND, refusal(ledger.transfer(alliance, UUID.randomUUID(), cafeIssuance, foreignWallet, 1, "earn")),
        "another alliance's account does not exist here");
    assertEquals(LedgerError.INVALID_COMMAND, refusal(ledger.transfer(alliance, UUID.randomUUID(), cafeIssuance, member, 1, "Earn; drop")));

    assertEquals(10, fx.available(alliance, member));
    assertEquals(0, fx.account(otherAlliance, foreignWallet).creditsPosted());
    assertEquals(1, count("/* test */ select count(*) from ledger_transfer"));
  }

  @Test
  void oneRefusedCommandInABatchFailsOnlyItself() {
    earn(cafeIssuance, 100);
    List<Future<TransferResult>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long amount = i == 7 ? 1_000 : 1;
      futures.add(ledger.submit(TransferCommand.transfer(alliance, UUID.randomUUID(), member, bookAcceptance, amount, "redeem")));
    }
    int failed = 0;
    for (int i = 0; i < futures.size(); i++) {
      Future<TransferResult> f = futures.get(i);
      await(f.transform(ar -> Future.succeededFuture()));
      if (f.failed()) {
        failed++;
        assertEquals(7, i);
      }
    }
    assertEquals(1, failed);
    assertEquals(19, fx.account(alliance, bookAcceptance).creditsPosted());
    assertEquals(81, fx.available(alliance, member));
  }

  @Test
  void theInvariantCheckCatchesATamperedBalance() {
    earn(cafeIssuance, 10);
    await(fx.pool.query("/* test */ update ledger_account set credits_posted = credits_posted + 5 where id = " + member).execute());

    InvariantReport report = await(new InvariantCheck(fx.pool).run(alliance));
    assertFalse(report.ok());
    List<String> broken = report.findings().stream().filter(f -> !f.ok()).map(InvariantReport.Finding::name).toList();
    assertTrue(broken.containsAll(List.of("balanced", "account_balances_match_transfers", "wallet_equals_lots")), broken.toString());
    // Put it right so the after-test check sees a whole ledger again.
    await(fx.pool.query("/* test */ update ledger_account set credits_posted = credits_posted - 5 where id = " + member).execute());
    assertEquals(10, report.findings().size(), "every invariant is checked");
  }
}
