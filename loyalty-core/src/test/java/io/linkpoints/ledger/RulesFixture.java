package io.linkpoints.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One alliance with two members and two shops on an {@link InMemoryLedger}, a clock the test moves
 * by hand, and short ways to write the commands the ledger's callers send.
 */
final class RulesFixture {
  static final long ALLIANCE = 1;
  static final Instant T0 = Instant.parse("2026-03-15T10:00:00Z");

  final InMemoryLedger db = new InMemoryLedger();
  final Account wallet = db.open(ALLIANCE, AccountKind.MEMBER_WALLET, 100);
  final Account wallet2 = db.open(ALLIANCE, AccountKind.MEMBER_WALLET, 101);
  final Account issuanceA = db.open(ALLIANCE, AccountKind.MERCHANT_ISSUANCE, 1);
  final Account acceptanceA = db.open(ALLIANCE, AccountKind.MERCHANT_ACCEPTANCE, 1);
  final Account issuanceB = db.open(ALLIANCE, AccountKind.MERCHANT_ISSUANCE, 2);
  final Account acceptanceB = db.open(ALLIANCE, AccountKind.MERCHANT_ACCEPTANCE, 2);
  final Account breakage = db.open(ALLIANCE, AccountKind.ALLIANCE_BREAKAGE, 0);
  /** An account flagged "debits must not exceed credits" that is not a wallet. */
  final Account escrow = db.open(ALLIANCE, AccountKind.COUPON_ESCROW, 0, Account.DEBITS_MUST_NOT_EXCEED_CREDITS);
  /** An account flagged "credits must not exceed debits". */
  final Account capped = db.open(ALLIANCE, AccountKind.ADJUSTMENT, 0, Account.CREDITS_MUST_NOT_EXCEED_DEBITS);
  final Account adjustment = db.open(ALLIANCE, AccountKind.ADJUSTMENT, 0, 0);

  Instant now = T0;
  /** Set by a test that wrote an impossible row on purpose: the invariants cannot hold then. */
  boolean tampered;
  private long ids;

  UUID id() {
    return new UUID(0x1ed9e5L, ++ids);
  }

  void later(Duration d) {
    now = now.plus(d);
  }

  List<LedgerBatch.Verdict> run(List<TransferCommand> batch) {
    return db.run(batch, now);
  }

  /** Runs one command alone; fails the test if it is refused. */
  Transfer ok(TransferCommand c) {
    LedgerBatch.Verdict o = run(List.of(c)).get(0);
    if (o.refusal() != null) {
      fail(c + " refused: " + o.refusal().error() + " " + o.refusal().getMessage());
    }
    return o.result().transfer();
  }

  TransferCommand earn(Account to, Account shopIssuance, long points) {
    return TransferCommand.transfer(ALLIANCE, id(), shopIssuance.id(), to.id(), points, "earn");
  }

  TransferCommand redeem(Account from, Account shopAcceptance, long points) {
    return TransferCommand.transfer(ALLIANCE, id(), from.id(), shopAcceptance.id(), points, "redeem");
  }

  TransferCommand hold(Account from, Account to, long points, long timeoutSeconds) {
    return TransferCommand.hold(ALLIANCE, id(), from.id(), to.id(), points, "hold", timeoutSeconds);
  }

  TransferCommand post(Transfer hold, Long points) {
    return TransferCommand.post(ALLIANCE, id(), hold.id(), points, "capture");
  }

  TransferCommand voidHold(Transfer hold) {
    return TransferCommand.voidHold(ALLIANCE, id(), hold.id(), "release");
  }

  TransferCommand reverse(Transfer original, long points) {
    return TransferCommand.reversal(ALLIANCE, id(), original, points, "refund");
  }

  TransferCommand expire(Account member) {
    return TransferCommand.expireLots(ALLIANCE, id(), member.id(), breakage.id());
  }

  /** Earns points that expire after {@code life}. */
  Transfer earnExpiring(Account to, Account shopIssuance, long points, Duration life) {
    return ok(earn(to, shopIssuance, points).withLotExpiry(now.plus(life)));
  }

  Account account(Account a) {
    return db.account(a.allianceId(), a.id());
  }

  /** Posted balance (credits - debits) and pending debits and credits of an account. */
  void assertAccount(Account a, long postedBalance, long debitsPending, long creditsPending) {
    Account now = account(a);
    assertEquals(postedBalance, now.postedBalance(), "posted balance of " + a.kind() + " " + a.id());
    assertEquals(debitsPending, now.debitsPending(), "debits pending of " + a.kind() + " " + a.id());
    assertEquals(creditsPending, now.creditsPending(), "credits pending of " + a.kind() + " " + a.id());
  }

  /** The points left in each lot of the wallet, in spend order (spent lots included, as 0). */
  void assertLots(Account member, long... pointsLeft) {
    List<Long> actual = db.lotsOf(member.allianceId(), member.id()).stream().map(l -> l.pointsLeft).toList();
    assertEquals(java.util.Arrays.stream(pointsLeft).boxed().toList(), actual, "lots of wallet " + member.id());
  }

  /** The lots a transfer created: issuer, points, expiry. */
  List<LotState> lotsMadeBy(Transfer t) {
    return db.lots.values().stream().filter(l -> l.key.transferId().equals(t.id()))
        .sorted(java.util.Comparator.comparingInt(l -> l.key.n())).toList();
  }

  /** Points allocated to a transfer, lot by lot in the order written. */
  List<Long> allocationsOf(Transfer t) {
    return db.allocations.stream().filter(a -> a.transferId().equals(t.id()))
        .map(InMemoryLedger.StoredAllocation::points).toList();
  }

  void assertNoLots(Account a) {
    assertNull(db.lots.values().stream().filter(l -> l.accountId == a.id()).findAny().orElse(null),
        "account " + a.id() + " has lots");
  }
}
