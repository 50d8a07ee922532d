package io.linkpoints.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A command must be decided the same whether the writer put it in the same batch as the commands
 * before it or in a later one: batches are an accident of timing (and of {@code submitAll}). Each
 * test runs the same commands both ways on two fresh ledgers and compares verdicts, balances and
 * lots. Each case below marked "was a bug" is the minimal failing case of one found while writing the
 * model test (issue 13); TransferRulesModelTest checks the same on random streams split at random.
 */
class TransferRulesSameBatchTest {
  /** Setup runs first, one batch per command, on both ledgers; then the commands, both ways. */
  private static void decidedTheSameEitherWay(Function<RulesFixture, List<TransferCommand>> setup,
      Function<RulesFixture, List<TransferCommand>> commands) {
    RulesFixture apart = new RulesFixture();
    RulesFixture together = new RulesFixture();
    for (RulesFixture f : List.of(apart, together)) {
      for (TransferCommand c : setup.apply(f)) {
        f.ok(c);
      }
      f.later(Duration.ofSeconds(1));
    }
    List<TransferCommand> cmds = commands.apply(apart);
    assertEquals(cmds, commands.apply(together), "the fixtures name the same ids");
    List<String> oneByOne = new ArrayList<>();
    for (TransferCommand c : cmds) {
      oneByOne.add(describe(apart.run(List.of(c)).get(0)));
    }
    List<String> inOneBatch = together.run(cmds).stream().map(TransferRulesSameBatchTest::describe).toList();
    assertEquals(oneByOne, inOneBatch, "verdicts: one batch each, then all in one batch");
    assertEquals(state(apart), state(together), "balances and lots");
    InMemoryInvariants.assertHold(together.db);
  }

  private static String describe(LedgerBatch.Verdict o) {
    return o.refusal() != null ? o.refusal().error().code()
        : o.result().transfer() == null ? "nothing" : "ok " + o.result().transfer().amount();
  }

  private static String state(RulesFixture f) {
    StringBuilder s = new StringBuilder();
    f.db.accounts.values().forEach(a -> s.append(a.id()).append(':').append(a.debitsPosted()).append('/')
        .append(a.creditsPosted()).append('/').append(a.debitsPending()).append('/').append(a.creditsPending())
        .append(' '));
    f.db.lots.values().stream().sorted(LotState.SPEND_ORDER).forEach(l -> s.append("\nlot ").append(l.accountId)
        .append(" issuer ").append(l.issuerShopId).append(' ').append(l.pointsLeft).append('/').append(l.points)
        .append(" expires ").append(l.expiresAt));
    return s.toString();
  }

  @Test
  void redeemOfPointsEarnedInTheSameBatch() {
    // A wallet with other lots: its list of open lots exists, and the new lot joins it.
    decidedTheSameEitherWay(f -> List.of(f.earn(f.wallet, f.issuanceB, 5)),
        f -> List.of(f.earn(f.wallet, f.issuanceA, 30), f.redeem(f.wallet, f.acceptanceA, 20)));
  }

  @Test
  void twoReversalsOfOneRedemption() {
    decidedTheSameEitherWay(f -> {
      TransferCommand earn = f.earn(f.wallet, f.issuanceA, 50);
      return List.of(earn, f.redeem(f.wallet, f.acceptanceB, 40));
    }, f -> {
      Transfer redeem = f.db.transfers.values().stream().filter(t -> t.code().equals("redeem")).findFirst().get();
      return List.of(f.reverse(redeem, 10), f.reverse(redeem, 25), f.reverse(redeem, 6));
    });
  }

  /*
   * Was a bug (issue 13): a member whose wallet has no open lot earns and redeems in one batch: the
   * redeem was refused insufficient_points though the points are there; in two batches it was
   * accepted. BatchReads gives a debited wallet a list of open lots only when it has at least one,
   * and a new lot joined that list only if it existed (BatchState.lotMade makes it).
   */
  @Test
  void earnThenRedeemInOneBatchOnAnEmptyWallet() {
    decidedTheSameEitherWay(f -> List.of(),
        f -> List.of(f.earn(f.wallet, f.issuanceA, 30), f.redeem(f.wallet, f.acceptanceA, 20)));
  }

  /*
   * Was a bug (issue 13): a hold posted or voided in the batch that opened it was refused
   * hold_already_resolved: the new hold went to state.holdsOpened but not to state.openHolds, and
   * its reservation to newAllocations but not to allocationsByTransfer. The refusal was safe
   * (nothing moved) but wrong: in a later batch the same post is accepted. BatchState.holdOpened
   * and allocated now record both.
   */
  @Test
  void holdThenPostInOneBatch() {
    decidedTheSameEitherWay(f -> List.of(f.earn(f.wallet, f.issuanceA, 100)), f -> {
      TransferCommand hold = f.hold(f.wallet, f.acceptanceA, 40, 600);
      return List.of(hold, TransferCommand.post(RulesFixture.ALLIANCE, f.id(), hold.id(), 25L, "capture"));
    });
  }

  @Test
  void holdThenVoidInOneBatch() {
    decidedTheSameEitherWay(f -> List.of(f.earn(f.wallet, f.issuanceA, 100)), f -> {
      TransferCommand hold = f.hold(f.wallet, f.acceptanceA, 40, 600);
      return List.of(hold, TransferCommand.voidHold(RulesFixture.ALLIANCE, f.id(), hold.id(), "release"));
    });
  }

  /*
   * Was a bug (issue 13): a refund of an earn made in the same batch did not take the earn's own lot
   * first (state.lotsByCreatingTransfer held only lots read from the database), so it spent the
   * wallet's other lots in spend order: here shop B's points went back to shop A, the very case the
   * refund rule exists to prevent. Accepted either way, but with different lots.
   */
  @Test
  void earnThenRefundInOneBatch() {
    decidedTheSameEitherWay(f -> List.of(f.earn(f.wallet, f.issuanceB, 50).withLotExpiry(f.now.plus(Duration.ofDays(5)))),
        f -> {
          TransferCommand earn = f.earn(f.wallet, f.issuanceA, 30);
          return List.of(earn, new TransferCommand(TransferCommand.Kind.TRANSFER, RulesFixture.ALLIANCE, f.id(),
              f.wallet.id(), f.issuanceA.id(), 30L, 0, "refund", null, earn.id(), 0, null, null));
        });
  }

  /*
   * Was a bug (issue 13): a reversal of a redemption made in the same batch did not give the points
   * back as they were (state.allocationsByTransfer held only allocations read from the database): it
   * made one new lot with no issuer, today's price and a new expiry instead of the spent lots'
   * issuer and expiry.
   */
  @Test
  void redeemThenReverseInOneBatch() {
    decidedTheSameEitherWay(f -> List.of(f.earn(f.wallet, f.issuanceA, 50).withLotExpiry(f.now.plus(Duration.ofDays(5)))),
        f -> {
          TransferCommand redeem = f.redeem(f.wallet, f.acceptanceB, 40);
          return List.of(redeem, new TransferCommand(TransferCommand.Kind.TRANSFER, RulesFixture.ALLIANCE, f.id(),
              f.acceptanceB.id(), f.wallet.id(), 40L, 0, "refund", null, redeem.id(), 0, null, null));
        });
  }

  /*
   * Was a bug (issue 13): within a batch a replay had to equal the first command exactly
   * (TransferCommand.equals); across batches TransferRules.sameFields compares the stored transfer,
   * so a post first sent with no amount and replayed with the hold's amount was a replay in a later
   * batch but idempotency_key_reused in the same one. Now both compare the transfer.
   */
  @Test
  void replayOfAPostWithTheAmountSpelledOut() {
    decidedTheSameEitherWay(f -> List.of(f.hold(f.issuanceA, f.wallet, 40, 0)), f -> {
      Transfer hold = f.db.transfers.values().iterator().next();
      TransferCommand post = TransferCommand.post(RulesFixture.ALLIANCE, f.id(), hold.id(), null, "capture");
      return List.of(post, TransferCommand.post(RulesFixture.ALLIANCE, post.id(), hold.id(), 40L, "capture"));
    });
  }
}
