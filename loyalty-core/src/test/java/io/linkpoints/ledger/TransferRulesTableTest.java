package io.linkpoints.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decision {@link TransferRules} makes, one named case each, decided in memory: a case sets
 * the ledger up with earlier batches, then judges one last batch. A refusal must carry its code and
 * change nothing; an acceptance is checked by its balances and lots.
 */
class TransferRulesTableTest {
  /** The batch to judge (its last command is the one the case is about) and what must hold after. */
  record Step(List<TransferCommand> batch, BiConsumer<RulesFixture, TransferResult> then) {
  }

  record Case(String name, LedgerError refusal, Function<RulesFixture, Step> given) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Step judge(TransferCommand c) {
    return new Step(List.of(c), (f, r) -> { });
  }

  private static Step judge(TransferCommand c, BiConsumer<RulesFixture, TransferResult> then) {
    return new Step(List.of(c), then);
  }

  private static Case refused(String name, LedgerError error, Function<RulesFixture, Step> given) {
    return new Case(name, error, given);
  }

  private static Case accepted(String name, Function<RulesFixture, Step> given) {
    return new Case(name, null, given);
  }

  private static final long A = RulesFixture.ALLIANCE;
  private static final Duration DAY = Duration.ofDays(1);

  static Stream<Arguments> cases() {
    List<Case> cases = new ArrayList<>();
    cases.addAll(malformed());
    cases.addAll(refusedByState());
    cases.addAll(singlePhase());
    cases.addAll(holds());
    cases.addAll(reversals());
    cases.addAll(expiry());
    cases.addAll(replays());
    return cases.stream().map(c -> Arguments.of(c));
  }

  // ---- refused before any state is read (TransferCommand.validate, called by TransferRules.apply)

  static List<Case> malformed() {
    UUID someHold = new UUID(7, 7);
    return List.of(
        refused("code with capitals and punctuation", LedgerError.INVALID_COMMAND,
            f -> judge(TransferCommand.transfer(A, f.id(), f.issuanceA.id(), f.wallet.id(), 10, "Earn!"))),
        refused("alliance 0", LedgerError.INVALID_COMMAND,
            f -> judge(TransferCommand.transfer(0, f.id(), f.issuanceA.id(), f.wallet.id(), 10, "earn"))),
        refused("unknown flags", LedgerError.INVALID_COMMAND,
            f -> judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), f.issuanceA.id(), f.wallet.id(),
                10L, 8, "earn", null, null, 0, null, null))),
        refused("metadata over 2048 characters", LedgerError.INVALID_COMMAND,
            f -> judge(f.earn(f.wallet, f.issuanceA, 10).withMetadata(new JsonObject().put("x", "a".repeat(2100))))),
        refused("expiry with an amount", LedgerError.INVALID_COMMAND,
            f -> judge(new TransferCommand(TransferCommand.Kind.EXPIRE_LOTS, A, f.id(), f.wallet.id(), f.breakage.id(),
                5L, 0, "expiry", null, null, 0, null, null))),
        refused("post without pendingId", LedgerError.INVALID_COMMAND,
            f -> judge(TransferCommand.post(A, f.id(), null, null, "capture"))),
        refused("void with an amount", LedgerError.INVALID_COMMAND,
            f -> judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), 0, 0, 5L, Transfer.VOID_PENDING,
                "release", someHold, null, 0, null, null))),
        refused("post with a timeout", LedgerError.INVALID_COMMAND,
            f -> judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), 0, 0, null, Transfer.POST_PENDING,
                "capture", someHold, null, 60, null, null))),
        refused("pendingId on a single-phase transfer", LedgerError.INVALID_COMMAND,
            f -> judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), f.issuanceA.id(), f.wallet.id(),
                10L, 0, "earn", someHold, null, 0, null, null))),
        refused("hold timeout over a week", LedgerError.INVALID_COMMAND,
            f -> judge(f.hold(f.wallet, f.acceptanceA, 10, TransferCommand.MAX_TIMEOUT_SECONDS + 1))),
        refused("negative hold timeout", LedgerError.INVALID_COMMAND,
            f -> judge(f.hold(f.wallet, f.acceptanceA, 10, -1))),
        refused("a hold that reverses", LedgerError.INVALID_COMMAND,
            f -> judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), f.wallet.id(), f.issuanceA.id(),
                10L, Transfer.PENDING, "refund", null, someHold, 0, null, null))),
        refused("timeout on a single-phase transfer", LedgerError.INVALID_COMMAND,
            f -> judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), f.issuanceA.id(), f.wallet.id(),
                10L, 0, "earn", null, null, 60, null, null))),
        refused("amount 0", LedgerError.INVALID_AMOUNT, f -> judge(f.earn(f.wallet, f.issuanceA, 0))),
        refused("negative amount", LedgerError.INVALID_AMOUNT, f -> judge(f.earn(f.wallet, f.issuanceA, -5))),
        refused("amount over MAX_AMOUNT", LedgerError.INVALID_AMOUNT,
            f -> judge(f.earn(f.wallet, f.issuanceA, TransferCommand.MAX_AMOUNT + 1))),
        refused("no amount on a transfer", LedgerError.INVALID_AMOUNT,
            f -> judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), f.issuanceA.id(), f.wallet.id(),
                null, 0, "earn", null, null, 0, null, null))),
        refused("post of 0", LedgerError.INVALID_AMOUNT, f -> judge(TransferCommand.post(A, f.id(), someHold, 0L, "capture"))),
        refused("post over MAX_AMOUNT", LedgerError.INVALID_AMOUNT,
            f -> judge(TransferCommand.post(A, f.id(), someHold, TransferCommand.MAX_AMOUNT + 1, "capture"))),
        refused("debit and credit the same account", LedgerError.ACCOUNTS_MUST_DIFFER,
            f -> judge(TransferCommand.transfer(A, f.id(), f.wallet.id(), f.wallet.id(), 10, "earn"))),
        refused("post naming the same account twice", LedgerError.ACCOUNTS_MUST_DIFFER,
            f -> judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), 5, 5, null, Transfer.POST_PENDING,
                "capture", someHold, null, 0, null, null))),
        refused("expiry into the wallet itself", LedgerError.ACCOUNTS_MUST_DIFFER,
            f -> judge(TransferCommand.expireLots(A, f.id(), f.wallet.id(), f.wallet.id()))),
        refused("debit account 0", LedgerError.ACCOUNT_NOT_FOUND,
            f -> judge(TransferCommand.transfer(A, f.id(), 0, f.wallet.id(), 10, "earn"))));
  }

  // ---- refused by what the ledger holds

  static List<Case> refusedByState() {
    return List.of(
        refused("unknown debit account", LedgerError.ACCOUNT_NOT_FOUND,
            f -> judge(TransferCommand.transfer(A, f.id(), 999, f.wallet.id(), 10, "earn"))),
        refused("unknown credit account", LedgerError.ACCOUNT_NOT_FOUND,
            f -> judge(TransferCommand.transfer(A, f.id(), f.issuanceA.id(), 999, 10, "earn"))),
        refused("account of another alliance", LedgerError.ACCOUNT_NOT_FOUND,
            f -> judge(TransferCommand.transfer(2, f.id(), f.issuanceA.id(), f.wallet.id(), 10, "earn"))),
        refused("expiry from a shop account", LedgerError.INVALID_COMMAND,
            f -> judge(TransferCommand.expireLots(A, f.id(), f.issuanceA.id(), f.breakage.id()))),
        refused("expiry into a shop account", LedgerError.INVALID_COMMAND,
            f -> judge(TransferCommand.expireLots(A, f.id(), f.wallet.id(), f.acceptanceA.id()))),
        refused("redeem more than the wallet holds", LedgerError.INSUFFICIENT_POINTS, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          return judge(f.redeem(f.wallet, f.acceptanceA, 101));
        }),
        refused("redeem from an empty wallet", LedgerError.INSUFFICIENT_POINTS,
            f -> judge(f.redeem(f.wallet, f.acceptanceA, 1))),
        refused("redeem points that are all in expired lots", LedgerError.INSUFFICIENT_POINTS, f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 50, DAY);
          f.later(DAY.multipliedBy(2));
          return judge(f.redeem(f.wallet, f.acceptanceA, 10)); // the balance says 50, the lots say 0
        }),
        refused("hold beyond what another hold left", LedgerError.INSUFFICIENT_POINTS, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          f.ok(f.hold(f.wallet, f.acceptanceA, 60, 600));
          return judge(f.hold(f.wallet, f.acceptanceB, 41, 600));
        }),
        refused("debit a flagged account with nothing credited", LedgerError.DEBITS_EXCEED_CREDITS,
            f -> judge(TransferCommand.transfer(A, f.id(), f.escrow.id(), f.adjustment.id(), 1, "coupon"))),
        refused("hold on a flagged account beyond its credits", LedgerError.DEBITS_EXCEED_CREDITS, f -> {
          f.ok(TransferCommand.transfer(A, f.id(), f.adjustment.id(), f.escrow.id(), 10, "coupon"));
          f.ok(f.hold(f.escrow, f.adjustment, 6, 0));
          return judge(f.hold(f.escrow, f.adjustment, 5, 0)); // 6 pending + 5 > 10
        }),
        refused("credit a capped account beyond its debits", LedgerError.CREDITS_EXCEED_DEBITS,
            f -> judge(TransferCommand.transfer(A, f.id(), f.adjustment.id(), f.capped.id(), 1, "fix"))),
        refused("an overflowing balance (LedgerBatch maps the ArithmeticException)", LedgerError.INVALID_AMOUNT, f -> {
          Account e = f.escrow;
          f.tampered = true;
          f.db.accounts.put(new Keys.AccountKey(A, e.id()), new Account(A, e.id(), e.kind(), e.ownerId(), e.flags(),
              0, Long.MAX_VALUE - 5, 0, Long.MAX_VALUE));
          return judge(TransferCommand.transfer(A, f.id(), e.id(), f.adjustment.id(), 10, "coupon"));
        }),
        refused("id reused with another amount, in a later batch", LedgerError.IDEMPOTENCY_KEY_REUSED, f -> {
          Transfer first = f.ok(f.earn(f.wallet, f.issuanceA, 10));
          return judge(TransferCommand.transfer(A, first.id(), f.issuanceA.id(), f.wallet.id(), 11, "earn"));
        }),
        refused("id reused with another amount, in the same batch", LedgerError.IDEMPOTENCY_KEY_REUSED, f -> {
          TransferCommand first = f.earn(f.wallet, f.issuanceA, 10);
          return new Step(List.of(first,
              TransferCommand.transfer(A, first.id(), f.issuanceA.id(), f.wallet.id(), 11, "earn")),
              (g, r) -> g.assertLots(g.wallet, 10));
        }),
        refused("id of a hold reused for a post of it", LedgerError.IDEMPOTENCY_KEY_REUSED, f -> {
          Transfer hold = f.ok(f.hold(f.issuanceA, f.wallet, 10, 0));
          return judge(TransferCommand.post(A, hold.id(), hold.id(), null, "capture"));
        }),
        refused("post of an unknown hold", LedgerError.PENDING_TRANSFER_NOT_FOUND,
            f -> judge(TransferCommand.post(A, f.id(), new UUID(9, 9), null, "capture"))),
        refused("void of an unknown hold", LedgerError.PENDING_TRANSFER_NOT_FOUND,
            f -> judge(TransferCommand.voidHold(A, f.id(), new UUID(9, 9), "release"))),
        refused("post of a single-phase transfer", LedgerError.NOT_A_HOLD, f -> {
          Transfer earn = f.ok(f.earn(f.wallet, f.issuanceA, 10));
          return judge(f.post(earn, null));
        }),
        refused("post naming other accounts than the hold's", LedgerError.ACCOUNTS_MISMATCH, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          return judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), f.wallet.id(), f.acceptanceB.id(),
              null, Transfer.POST_PENDING, "capture", hold.id(), null, 0, null, null));
        }),
        refused("void after a void", LedgerError.HOLD_ALREADY_RESOLVED, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          f.ok(f.voidHold(hold));
          return judge(f.voidHold(hold), (g, r) -> g.assertLots(g.wallet, 100));
        }),
        refused("post after a partial post", LedgerError.HOLD_ALREADY_RESOLVED, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          f.ok(f.post(hold, 10L));
          return judge(f.post(hold, 10L), (g, r) -> g.assertLots(g.wallet, 90));
        }),
        refused("void after a post", LedgerError.HOLD_ALREADY_RESOLVED, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          f.ok(f.post(hold, null));
          return judge(f.voidHold(hold));
        }),
        refused("post after the timeout", LedgerError.HOLD_EXPIRED, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 60));
          f.later(Duration.ofSeconds(61));
          return judge(f.post(hold, null), (g, r) -> g.assertAccount(g.wallet, 100, 40, 0));
        }),
        refused("post at the very second of the timeout", LedgerError.HOLD_EXPIRED, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 60));
          f.later(Duration.ofSeconds(60));
          return judge(f.post(hold, null));
        }),
        refused("post more than the hold", LedgerError.POST_EXCEEDS_HOLD, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          return judge(f.post(hold, 41L));
        }),
        refused("reverse an unknown transfer", LedgerError.REVERSAL_TARGET_NOT_FOUND,
            f -> judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), f.wallet.id(), f.issuanceA.id(),
                10L, 0, "refund", null, new UUID(9, 9), 0, null, null))),
        refused("reverse a hold", LedgerError.REVERSAL_TARGET_INVALID, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          return judge(f.reverse(hold, 40));
        }),
        refused("reverse a void", LedgerError.REVERSAL_TARGET_INVALID, f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          Transfer released = f.ok(f.voidHold(hold));
          return judge(f.reverse(released, 40));
        }),
        refused("reverse a reversal", LedgerError.REVERSAL_TARGET_INVALID, f -> {
          Transfer earn = f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer refund = f.ok(f.reverse(earn, 30));
          return judge(f.reverse(refund, 30));
        }),
        refused("reversal in the original's direction", LedgerError.REVERSAL_TARGET_INVALID, f -> {
          Transfer earn = f.ok(f.earn(f.wallet, f.issuanceA, 100));
          return judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), f.issuanceA.id(), f.wallet.id(),
              10L, 0, "refund", null, earn.id(), 0, null, null));
        }),
        refused("reversal naming another account", LedgerError.REVERSAL_TARGET_INVALID, f -> {
          Transfer earn = f.ok(f.earn(f.wallet, f.issuanceA, 100));
          return judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), f.wallet.id(), f.issuanceB.id(),
              10L, 0, "refund", null, earn.id(), 0, null, null));
        }),
        refused("reverse more than the original", LedgerError.REVERSAL_EXCEEDS_ORIGINAL, f -> {
          Transfer earn = f.ok(f.earn(f.wallet, f.issuanceA, 100));
          f.ok(f.earn(f.wallet, f.issuanceB, 100));
          return judge(f.reverse(earn, 101));
        }),
        refused("reverse more than what earlier reversals left", LedgerError.REVERSAL_EXCEEDS_ORIGINAL, f -> {
          Transfer earn = f.ok(f.earn(f.wallet, f.issuanceA, 100));
          f.ok(f.reverse(earn, 60));
          return judge(f.reverse(earn, 41), (g, r) -> g.assertLots(g.wallet, 40));
        }),
        refused("reverse more than what earlier reversals left, in the same batch", LedgerError.REVERSAL_EXCEEDS_ORIGINAL,
            f -> {
              Transfer earn = f.ok(f.earn(f.wallet, f.issuanceA, 100));
              return new Step(List.of(f.reverse(earn, 60), f.reverse(earn, 41)), (g, r) -> g.assertLots(g.wallet, 40));
            }));
  }

  // ---- accepted: single-phase

  static List<Case> singlePhase() {
    return List.of(
        accepted("earn: the wallet gets one lot with the shop as issuer, the alliance's price and expiry", f ->
            judge(f.earn(f.wallet, f.issuanceA, 100), (g, r) -> {
              g.assertAccount(g.wallet, 100, 0, 0);
              g.assertAccount(g.issuanceA, -100, 0, 0);
              g.assertLots(g.wallet, 100);
              LotState lot = g.lotsMadeBy(r.transfer()).get(0);
              assertEquals(1L, lot.issuerShopId);
              assertEquals(10, lot.pricePerPointFen);
              assertEquals(RulesFixture.T0.atZone(java.time.ZoneOffset.UTC).plusMonths(12).toInstant(), lot.expiresAt);
            })),
        accepted("earn with its own lot expiry", f ->
            judge(f.earn(f.wallet, f.issuanceA, 100).withLotExpiry(f.now.plus(DAY)),
                (g, r) -> assertEquals(RulesFixture.T0.plus(DAY), g.lotsMadeBy(r.transfer()).get(0).expiresAt))),
        accepted("credit from an adjustment: a lot with no issuing shop", f ->
            judge(TransferCommand.transfer(A, f.id(), f.adjustment.id(), f.wallet.id(), 7, "bonus"), (g, r) -> {
              assertNull(g.lotsMadeBy(r.transfer()).get(0).issuerShopId);
              g.assertLots(g.wallet, 7);
            })),
        accepted("between shop accounts: balances move, no lots", f ->
            judge(TransferCommand.transfer(A, f.id(), f.adjustment.id(), f.acceptanceA.id(), 10, "fix"), (g, r) -> {
              g.assertAccount(g.adjustment, -10, 0, 0);
              g.assertAccount(g.acceptanceA, 10, 0, 0);
              assertTrue(g.db.lots.isEmpty());
            })),
        accepted("flagged account debited within its credits", f -> {
          f.ok(TransferCommand.transfer(A, f.id(), f.adjustment.id(), f.escrow.id(), 10, "coupon"));
          return judge(TransferCommand.transfer(A, f.id(), f.escrow.id(), f.acceptanceA.id(), 10, "coupon"),
              (g, r) -> g.assertAccount(g.escrow, 0, 0, 0));
        }),
        accepted("capped account credited within its debits", f -> {
          f.ok(TransferCommand.transfer(A, f.id(), f.capped.id(), f.adjustment.id(), 10, "fix"));
          return judge(TransferCommand.transfer(A, f.id(), f.adjustment.id(), f.capped.id(), 10, "fix"),
              (g, r) -> g.assertAccount(g.capped, 0, 0, 0));
        }),
        accepted("redeem the whole balance", f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          return judge(f.redeem(f.wallet, f.acceptanceB, 100), (g, r) -> {
            g.assertAccount(g.wallet, 0, 0, 0);
            g.assertAccount(g.acceptanceB, 100, 0, 0);
            g.assertLots(g.wallet, 0);
            g.assertNoLots(g.acceptanceB);
          });
        }),
        accepted("redeem spends the soonest expiry first", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 30, DAY.multipliedBy(10));
          f.earnExpiring(f.wallet, f.issuanceB, 50, DAY.multipliedBy(5));
          return judge(f.redeem(f.wallet, f.acceptanceA, 60), (g, r) -> {
            g.assertLots(g.wallet, 0, 20); // B's lot (sooner) first, then 10 of A's
            assertEquals(List.of(50L, 10L), g.allocationsOf(r.transfer()));
            g.assertAccount(g.wallet, 20, 0, 0);
          });
        }),
        accepted("redeem: same expiry, the oldest lot first", f -> {
          java.time.Instant expiry = f.now.plus(DAY.multipliedBy(30));
          f.ok(f.earn(f.wallet, f.issuanceA, 30).withLotExpiry(expiry));
          f.later(Duration.ofHours(1));
          f.ok(f.earn(f.wallet, f.issuanceB, 50).withLotExpiry(expiry));
          return judge(f.redeem(f.wallet, f.acceptanceA, 40), (g, r) -> g.assertLots(g.wallet, 0, 40));
        }),
        accepted("redeem skips expired lots", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 30, DAY);
          f.ok(f.earn(f.wallet, f.issuanceB, 50));
          f.later(DAY.multipliedBy(2));
          return judge(f.redeem(f.wallet, f.acceptanceA, 40), (g, r) -> {
            g.assertLots(g.wallet, 30, 10);
            g.assertAccount(g.wallet, 40, 0, 0);
          });
        }),
        accepted("transfer between two wallets: a lot for the receiver", f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 30));
          return judge(TransferCommand.transfer(A, f.id(), f.wallet.id(), f.wallet2.id(), 20, "gift"), (g, r) -> {
            g.assertLots(g.wallet, 10);
            g.assertLots(g.wallet2, 20);
            assertNull(g.lotsMadeBy(r.transfer()).get(0).issuerShopId);
          });
        }));
  }

  // ---- accepted: holds, posts, voids

  static List<Case> holds() {
    return List.of(
        accepted("hold on a wallet reserves lots", f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          return judge(f.hold(f.wallet, f.acceptanceA, 40, 600), (g, r) -> {
            g.assertAccount(g.wallet, 100, 40, 0);
            g.assertAccount(g.acceptanceA, 0, 0, 40);
            g.assertLots(g.wallet, 60);
            assertEquals(RulesFixture.T0.plusSeconds(600), r.transfer().timeoutAt());
            assertTrue(g.db.openHolds.contains(Keys.TransferKey.of(r.transfer())));
          });
        }),
        accepted("hold with no timeout", f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          return judge(f.hold(f.wallet, f.acceptanceA, 40, 0), (g, r) -> assertNull(r.transfer().timeoutAt()));
        }),
        accepted("hold crediting a wallet: no lot until posted", f ->
            judge(f.hold(f.issuanceA, f.wallet, 40, 600), (g, r) -> {
              g.assertAccount(g.wallet, 0, 0, 40);
              g.assertNoLots(g.wallet);
            })),
        accepted("post all of a hold (no amount)", f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          return judge(f.post(hold, null), (g, r) -> {
            assertEquals(40, r.transfer().amount());
            g.assertAccount(g.wallet, 60, 0, 0);
            g.assertAccount(g.acceptanceA, 40, 0, 0);
            g.assertLots(g.wallet, 60);
            assertFalse(g.db.openHolds.contains(Keys.TransferKey.of(hold)));
          });
        }),
        accepted("post part of a hold: the rest goes back to the lots", f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          return judge(f.post(hold, 25L), (g, r) -> {
            g.assertAccount(g.wallet, 75, 0, 0);
            g.assertAccount(g.acceptanceA, 25, 0, 0);
            g.assertLots(g.wallet, 75);
          });
        }),
        accepted("partial post captures reserved lots in spend order", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 30, DAY.multipliedBy(5));
          f.earnExpiring(f.wallet, f.issuanceB, 50, DAY.multipliedBy(10));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 60, 600));
          return judge(f.post(hold, 35L), (g, r) -> {
            assertEquals(List.of(30L, 5L), g.allocationsOf(r.transfer()));
            g.assertLots(g.wallet, 0, 45);
          });
        }),
        accepted("post naming the hold's own accounts", f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          return judge(new TransferCommand(TransferCommand.Kind.TRANSFER, A, f.id(), f.wallet.id(),
              f.acceptanceA.id(), 40L, Transfer.POST_PENDING, "capture", hold.id(), null, 0, null, null),
              (g, r) -> g.assertAccount(g.wallet, 60, 0, 0));
        }),
        accepted("post a hold crediting a wallet: the captured part becomes a lot", f -> {
          Transfer hold = f.ok(f.hold(f.issuanceA, f.wallet, 40, 600));
          return judge(f.post(hold, 30L), (g, r) -> {
            g.assertAccount(g.wallet, 30, 0, 0);
            g.assertAccount(g.issuanceA, -30, 0, 0);
            g.assertLots(g.wallet, 30);
            assertEquals(1L, g.lotsMadeBy(r.transfer()).get(0).issuerShopId);
          });
        }),
        accepted("void: every reserved point goes back", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 30, DAY.multipliedBy(5));
          f.earnExpiring(f.wallet, f.issuanceB, 50, DAY.multipliedBy(10));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 60, 600));
          return judge(f.voidHold(hold), (g, r) -> {
            assertEquals(60, r.transfer().amount());
            g.assertAccount(g.wallet, 80, 0, 0);
            g.assertAccount(g.acceptanceA, 0, 0, 0);
            g.assertLots(g.wallet, 30, 50);
          });
        }),
        accepted("void after the timeout (what HoldTimeouts sends)", f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 60));
          f.later(Duration.ofSeconds(120));
          return judge(TransferCommand.voidHold(A, HoldTimeouts.voidIdFor(A, hold.id()), hold.id(),
              HoldTimeouts.TRANSFER_CODE),
              (g, r) -> g.assertLots(g.wallet, 100));
        }),
        accepted("void of a hold crediting a wallet", f -> {
          Transfer hold = f.ok(f.hold(f.issuanceA, f.wallet, 40, 600));
          return judge(f.voidHold(hold), (g, r) -> {
            g.assertAccount(g.wallet, 0, 0, 0);
            g.assertNoLots(g.wallet);
          });
        }),
        accepted("post on a flagged non-wallet account", f -> {
          f.ok(TransferCommand.transfer(A, f.id(), f.adjustment.id(), f.escrow.id(), 10, "coupon"));
          Transfer hold = f.ok(f.hold(f.escrow, f.acceptanceA, 10, 0));
          return judge(f.post(hold, 4L), (g, r) -> g.assertAccount(g.escrow, 6, 0, 0));
        }));
  }

  // ---- accepted: reversals

  static List<Case> reversals() {
    return List.of(
        accepted("refund of an earn takes the sale's own lots first", f -> {
          f.earnExpiring(f.wallet, f.issuanceB, 50, DAY.multipliedBy(5));
          Transfer earnA = f.earnExpiring(f.wallet, f.issuanceA, 30, DAY.multipliedBy(10));
          return judge(f.reverse(earnA, 30), (g, r) -> {
            g.assertLots(g.wallet, 50, 0); // B's lot, though spent first otherwise, is untouched
            g.assertAccount(g.issuanceA, 0, 0, 0);
            g.assertAccount(g.wallet, 50, 0, 0);
          });
        }),
        accepted("refund of a partly spent earn: its own lot, then others in spend order", f -> {
          Transfer earnA = f.earnExpiring(f.wallet, f.issuanceA, 30, DAY.multipliedBy(10));
          f.earnExpiring(f.wallet, f.issuanceB, 50, DAY.multipliedBy(20));
          f.ok(f.redeem(f.wallet, f.acceptanceA, 20)); // A's lot: 10 left
          return judge(f.reverse(earnA, 25), (g, r) -> {
            g.assertLots(g.wallet, 0, 35);
            assertEquals(List.of(10L, 15L), g.allocationsOf(r.transfer()));
          });
        }),
        accepted("reversal of a redemption gives the points back as they were", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 30, DAY.multipliedBy(10));
          f.ok(f.earn(f.wallet, f.issuanceB, 50));
          Transfer redeem = f.ok(f.redeem(f.wallet, f.acceptanceB, 60));
          return judge(f.reverse(redeem, 40), (g, r) -> {
            List<LotState> back = g.lotsMadeBy(r.transfer());
            assertEquals(2, back.size());
            assertEquals(30, back.get(0).points);
            assertEquals(1L, back.get(0).issuerShopId);
            assertEquals(RulesFixture.T0.plus(DAY.multipliedBy(10)), back.get(0).expiresAt);
            assertEquals(10, back.get(1).points);
            assertEquals(2L, back.get(1).issuerShopId);
            g.assertAccount(g.wallet, 60, 0, 0);
            g.assertAccount(g.acceptanceB, 20, 0, 0);
          });
        }),
        accepted("a second partial reversal gives back only what the first did not", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 30, DAY.multipliedBy(10));
          f.ok(f.earn(f.wallet, f.issuanceB, 50));
          Transfer redeem = f.ok(f.redeem(f.wallet, f.acceptanceB, 60));
          f.ok(f.reverse(redeem, 40));
          return judge(f.reverse(redeem, 15), (g, r) -> {
            List<LotState> back = g.lotsMadeBy(r.transfer());
            assertEquals(1, back.size());
            assertEquals(15, back.get(0).points);
            assertEquals(2L, back.get(0).issuerShopId);
          });
        }),
        accepted("reversal of a post gives back the captured lots", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 100, DAY.multipliedBy(10));
          Transfer hold = f.ok(f.hold(f.wallet, f.acceptanceA, 40, 600));
          Transfer post = f.ok(f.post(hold, 30L));
          return judge(f.reverse(post, 30), (g, r) -> {
            g.assertAccount(g.wallet, 100, 0, 0);
            g.assertAccount(g.acceptanceA, 0, 0, 0);
            assertEquals(RulesFixture.T0.plus(DAY.multipliedBy(10)), g.lotsMadeBy(r.transfer()).get(0).expiresAt);
          });
        }),
        accepted("reversal between shop accounts", f -> {
          Transfer fix = f.ok(TransferCommand.transfer(A, f.id(), f.adjustment.id(), f.acceptanceA.id(), 10, "fix"));
          return judge(f.reverse(fix, 4), (g, r) -> {
            g.assertAccount(g.acceptanceA, 6, 0, 0);
            g.assertAccount(g.adjustment, -6, 0, 0);
          });
        }),
        accepted("two partial reversals in the same batch add up", f -> {
          Transfer earn = f.ok(f.earn(f.wallet, f.issuanceA, 100));
          return new Step(List.of(f.reverse(earn, 60), f.reverse(earn, 40)), (g, r) -> {
            g.assertLots(g.wallet, 0);
            g.assertAccount(g.issuanceA, 0, 0, 0);
          });
        }));
  }

  // ---- accepted: expiry

  static List<Case> expiry() {
    return List.of(
        accepted("expiry moves what is left of expired lots to breakage", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 30, DAY);
          f.ok(f.earn(f.wallet, f.issuanceB, 50));
          f.ok(f.redeem(f.wallet, f.acceptanceA, 10));
          f.later(DAY.multipliedBy(2));
          return judge(f.expire(f.wallet), (g, r) -> {
            assertEquals(20, r.transfer().amount());
            g.assertAccount(g.breakage, 20, 0, 0);
            g.assertAccount(g.wallet, 50, 0, 0);
            g.assertLots(g.wallet, 0, 50);
          });
        }),
        accepted("expiry at the very second a lot expires", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 30, DAY);
          f.later(DAY);
          return judge(f.expire(f.wallet), (g, r) -> assertEquals(30, r.transfer().amount()));
        }),
        accepted("expiry with nothing expired: no transfer, nothing moves", f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 30));
          return judge(f.expire(f.wallet), (g, r) -> {
            assertNull(r.transfer());
            g.assertAccount(g.breakage, 0, 0, 0);
            g.assertLots(g.wallet, 30);
          });
        }),
        accepted("expiry leaves points reserved by a hold", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 30, DAY);
          f.ok(f.hold(f.wallet, f.acceptanceA, 10, 0));
          f.later(DAY.multipliedBy(2));
          return judge(f.expire(f.wallet), (g, r) -> {
            assertEquals(20, r.transfer().amount());
            g.assertAccount(g.wallet, 10, 10, 0);
            g.assertLots(g.wallet, 0);
          });
        }));
  }

  // ---- accepted: replays

  static List<Case> replays() {
    return List.of(
        accepted("same id, same fields, later batch: the first result, nothing moves", f -> {
          TransferCommand earn = f.earn(f.wallet, f.issuanceA, 100);
          f.ok(earn);
          return judge(earn, (g, r) -> {
            assertTrue(r.replayed());
            g.assertAccount(g.wallet, 100, 0, 0);
            g.assertLots(g.wallet, 100);
          });
        }),
        accepted("same id, same fields, same batch", f -> {
          TransferCommand earn = f.earn(f.wallet, f.issuanceA, 100);
          return new Step(List.of(earn, earn), (g, r) -> {
            assertTrue(r.replayed());
            g.assertLots(g.wallet, 100);
          });
        }),
        accepted("replayed post: no amount first, the hold's amount later", f -> {
          Transfer hold = f.ok(f.hold(f.issuanceA, f.wallet, 40, 0));
          TransferCommand post = f.post(hold, null);
          f.ok(post);
          return judge(TransferCommand.post(A, post.id(), hold.id(), 40L, "capture"), (g, r) -> {
            assertTrue(r.replayed());
            g.assertLots(g.wallet, 40);
          });
        }),
        accepted("replayed hold with its timeout", f -> {
          f.ok(f.earn(f.wallet, f.issuanceA, 100));
          TransferCommand hold = f.hold(f.wallet, f.acceptanceA, 40, 600);
          f.ok(hold);
          f.later(Duration.ofSeconds(30));
          return judge(hold, (g, r) -> assertTrue(r.replayed()));
        }),
        accepted("replayed expiry", f -> {
          f.earnExpiring(f.wallet, f.issuanceA, 30, DAY);
          f.later(DAY.multipliedBy(2));
          TransferCommand expire = f.expire(f.wallet);
          f.ok(expire);
          return judge(expire, (g, r) -> {
            assertTrue(r.replayed());
            g.assertAccount(g.breakage, 30, 0, 0);
          });
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(Case c) {
    RulesFixture f = new RulesFixture();
    Step step = c.given().apply(f);
    Snapshot before = Snapshot.of(f.db);
    List<LedgerBatch.Verdict> verdicts = f.run(step.batch());
    LedgerBatch.Verdict last = verdicts.get(verdicts.size() - 1);
    if (c.refusal() != null) {
      assertNotNull(last.refusal(), "accepted: " + last.result());
      assertEquals(c.refusal(), last.refusal().error(), last.refusal().getMessage());
      if (step.batch().size() == 1) {
        assertEquals(before, Snapshot.of(f.db), "a refused command changed the ledger");
      }
      step.then().accept(f, null);
    } else {
      if (last.refusal() != null) {
        fail("refused " + last.refusal().error() + ": " + last.refusal().getMessage());
      }
      step.then().accept(f, last.result());
    }
    if (!f.tampered) {
      InMemoryInvariants.assertHold(f.db);
    }
  }

  /** Every code TransferRules can produce has a case above; the two writer codes cannot come from it. */
  @Test
  void everyRefusalCodeHasACase() {
    Set<LedgerError> covered = EnumSet.noneOf(LedgerError.class);
    cases().map(a -> (Case) a.get()[0]).filter(c -> c.refusal() != null).forEach(c -> covered.add(c.refusal()));
    Set<LedgerError> missing = EnumSet.allOf(LedgerError.class);
    missing.removeAll(covered);
    assertEquals(EnumSet.of(LedgerError.LEDGER_BUSY, LedgerError.LEDGER_UNAVAILABLE), missing);
  }

  /** What a refusal must leave exactly as it was. */
  record Snapshot(Map<Keys.AccountKey, Account> accounts, Map<Keys.LotKey, Long> lots, int transfers,
      int allocations, Set<Keys.TransferKey> openHolds) {
    static Snapshot of(InMemoryLedger db) {
      Map<Keys.LotKey, Long> lots = new HashMap<>();
      db.lots.forEach((k, l) -> lots.put(k, l.pointsLeft));
      return new Snapshot(new HashMap<>(db.accounts), lots, db.transfers.size(), db.allocations.size(),
          new HashSet<>(db.openHolds));
    }
  }
}
