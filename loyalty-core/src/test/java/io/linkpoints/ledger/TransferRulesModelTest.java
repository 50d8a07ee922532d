package io.linkpoints.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random commands decided by {@link TransferRules} (through {@link InMemoryLedger}) and by
 * {@link ReferenceLedger}: after every command both must have made the same decision and hold the
 * same balances, lots and open holds, and every invariant of {@link InvariantCheck} must hold.
 * Each command is its own batch there, as when the writer is idle; {@link #batchingChangesNothing}
 * then sends the same stream in batches cut at random and expects the same of every command.
 */
class TransferRulesModelTest {
  static final int COMMANDS = 2000;
  static final long A = ReferenceLedger.ALLIANCE;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void agreesWithTheModel(long seed) {
    Run run = new Run(seed);
    for (int i = 0; i < COMMANDS; i++) {
      run.step(i);
    }
    // The run must have exercised the interesting paths, not only refusals.
    Map<String, Long> seen = run.decisions;
    for (String kind : List.of("earn", "redeem", "hold", "post", "void", "reversal", "expire", "replay")) {
      if (seen.getOrDefault(kind + ":ok", 0L) == 0) {
        throw new AssertionError("seed " + seed + ": no accepted " + kind + " in " + seen);
      }
    }
  }

  /**
   * The same commands in random batches of 1 to 8, with no model to compare with: no command may
   * break an invariant or throw anything but a refusal, whatever its batch.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void invariantsHoldInRandomBatches(long seed) {
    Run run = new Run(seed);
    int sent = 0;
    for (int batch = 0; sent < COMMANDS; batch++) {
      sent += run.batch(batch, 1 + run.rnd.nextInt(8));
    }
  }

  /**
   * A command's outcome must not depend on how the writer groups commands into batches. The run
   * decides each command alone (checked against the model, as above); a second ledger gets the same
   * commands cut into batches at random, and after each group every verdict, balance, transfer, lot,
   * allocation and open hold must be the same on both. A batch has one clock, so the clock moves only
   * between groups of up to 12 commands, and each group is cut into batches at random points.
   */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void batchingChangesNothing(long seed) {
    Run run = new Run(seed);
    InMemoryLedger batched = run.twin();
    Random cuts = new Random(~seed);
    for (int group = 0; run.sent.size() < COMMANDS; group++) {
      run.tick();
      int first = run.sent.size();
      int size = 1 + cuts.nextInt(12);
      List<ReferenceLedger.Decision> alone = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        alone.add(run.decideAlone(first + i));
      }
      List<TransferCommand> commands = run.sent.subList(first, first + size);
      List<ReferenceLedger.Decision> together = new ArrayList<>();
      List<Integer> batchSizes = new ArrayList<>();
      for (int from = 0; from < size; ) {
        int n = 1 + cuts.nextInt(size - from);
        batched.run(commands.subList(from, from + n), run.now).forEach(v -> together.add(Run.decision(v)));
        batchSizes.add(n);
        from += n;
      }
      String where = "seed " + seed + ", group " + group + " (commands " + first + ".." + (first + size - 1)
          + " in batches of " + batchSizes + "): " + commands;
      assertEquals(alone, together, where + "\nverdicts, one by one and in batches");
      assertSameTables(run.db, batched, where);
      List<String> broken = InMemoryInvariants.check(batched);
      if (!broken.isEmpty()) {
        throw new AssertionError(where + "\ninvariants broken:\n  " + String.join("\n  ", broken));
      }
    }
  }

  /** Every table of two in-memory ledgers, compared row by row. */
  static void assertSameTables(InMemoryLedger expected, InMemoryLedger actual, String where) {
    assertEquals(expected.accounts, actual.accounts, where + "\naccounts");
    assertEquals(expected.transfers, actual.transfers, where + "\ntransfers");
    assertEquals(expected.openHolds, actual.openHolds, where + "\nopen holds");
    assertEquals(lotRows(expected), lotRows(actual), where + "\nlots");
    assertEquals(expected.allocations, actual.allocations, where + "\nallocations");
  }

  private static Map<Keys.LotKey, List<Object>> lotRows(InMemoryLedger db) {
    Map<Keys.LotKey, List<Object>> rows = new HashMap<>();
    db.lots.forEach((k, l) -> rows.put(k, java.util.Arrays.asList(l.accountId, l.issuerShopId, l.points, l.pointsLeft,
        l.pricePerPointFen, l.expiresAt, l.createdAt)));
    return rows;
  }

  /** One seeded run: the generator, both ledgers and the comparison. */
  static final class Run {
    final long seed;
    final Random rnd;
    final InMemoryLedger db = new InMemoryLedger();
    final ReferenceLedger model = new ReferenceLedger();
    final List<Account> wallets = new ArrayList<>();
    final List<Account> issuance = new ArrayList<>();
    final List<Account> acceptance = new ArrayList<>();
    final List<Account> all = new ArrayList<>();
    final Account breakage;
    final List<TransferCommand> sent = new ArrayList<>();
    /** Accepted transfers by kind of command, to pick targets for posts, voids and reversals. */
    final List<UUID> holds = new ArrayList<>();
    final List<UUID> posted = new ArrayList<>();
    final Map<String, Long> decisions = new HashMap<>();
    Instant now = RulesFixture.T0;
    long ids;

    Run(long seed) {
      this.seed = seed;
      this.rnd = new Random(seed);
      for (int i = 0; i < 4; i++) {
        wallets.add(open(AccountKind.MEMBER_WALLET, 100 + i, AccountKind.MEMBER_WALLET.defaultFlags()));
      }
      for (int shop = 1; shop <= 2; shop++) {
        issuance.add(open(AccountKind.MERCHANT_ISSUANCE, shop, 0));
        acceptance.add(open(AccountKind.MERCHANT_ACCEPTANCE, shop, 0));
      }
      breakage = open(AccountKind.ALLIANCE_BREAKAGE, 0, 0);
      open(AccountKind.COUPON_ESCROW, 0, Account.DEBITS_MUST_NOT_EXCEED_CREDITS);
      open(AccountKind.ADJUSTMENT, 0, Account.CREDITS_MUST_NOT_EXCEED_DEBITS);
      open(AccountKind.ADJUSTMENT, 0, 0);
    }

    private Account open(AccountKind kind, long owner, int flags) {
      Account a = db.open(A, kind, owner, flags);
      model.open(a.id(), kind, owner, flags);
      all.add(a);
      return a;
    }

    void step(int index) {
      tick();
      decideAlone(index);
    }

    /** Mostly minutes, so holds can be posted; now and then days, so holds time out and lots expire. */
    void tick() {
      now = now.plusSeconds(rnd.nextInt(25) == 0 ? rnd.nextInt(3 * 24 * 3600) : rnd.nextInt(600));
    }

    /** The next command, alone in its batch and in the model: both must decide it the same. */
    ReferenceLedger.Decision decideAlone(int index) {
      Generated g = next();
      TransferCommand c = g.command();
      sent.add(c);
      LedgerBatch.Verdict verdict = db.run(List.of(c), now).get(0);
      ReferenceLedger.Decision expected = model.apply(c, now);
      // Built only when a check fails: a mismatch names the seed and the command's index.
      Supplier<String> where = () -> "seed " + seed + ", command " + index + " (" + g.kind() + "): " + c;
      assertEquals(expected, decision(verdict), where);
      if (expected.refusal() == null && !expected.replayed() && expected.amount() != null) {
        if (c.isHold()) {
          holds.add(c.id());
        } else if (c.kind() == TransferCommand.Kind.TRANSFER) {
          posted.add(c.id());
        }
      }
      decisions.merge(g.kind() + (expected.refusal() == null ? ":ok" : ":" + expected.refusal().code()), 1L, Long::sum);
      assertSameState(where);
      List<String> broken = InMemoryInvariants.check(db);
      if (!broken.isEmpty()) {
        throw new AssertionError(where.get() + "\ninvariants broken:\n  " + String.join("\n  ", broken));
      }
      return expected;
    }

    /** A second ledger with the same accounts (and ids) as this run's, and nothing else. */
    InMemoryLedger twin() {
      InMemoryLedger twin = new InMemoryLedger();
      for (Account a : all) {
        assertEquals(a, twin.open(A, a.kind(), a.ownerId(), a.flags()), "the twin's accounts");
      }
      return twin;
    }

    /** Sends {@code size} commands as one batch; checks the invariants after it. */
    int batch(int index, int size) {
      tick();
      List<TransferCommand> batch = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        TransferCommand c = next().command();
        sent.add(c);
        batch.add(c);
      }
      List<LedgerBatch.Verdict> verdicts;
      try {
        verdicts = db.run(batch, now);
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + ", batch " + index + " (commands " + (sent.size() - size) + ".."
            + (sent.size() - 1) + "): " + batch, e);
      }
      for (LedgerBatch.Verdict o : verdicts) {
        Transfer t = o.result() == null ? null : o.result().transfer();
        if (t != null && !o.result().replayed()) {
          (t.isPending() ? holds : posted).add(t.id());
        }
      }
      List<String> broken = InMemoryInvariants.check(db);
      if (!broken.isEmpty()) {
        throw new AssertionError("seed " + seed + ", batch " + index + ": " + batch + "\ninvariants broken:\n  "
            + String.join("\n  ", broken));
      }
      return size;
    }

    static ReferenceLedger.Decision decision(LedgerBatch.Verdict o) {
      if (o.refusal() != null) {
        return ReferenceLedger.Decision.refused(o.refusal().error());
      }
      Transfer t = o.result().transfer();
      return new ReferenceLedger.Decision(null, t == null ? null : t.amount(), o.result().replayed());
    }

    private void assertSameState(Supplier<String> where) {
      for (Account a : all) {
        Account actual = db.account(A, a.id());
        ReferenceLedger.Acct m = model.accounts.get(a.id());
        if (m.debitsPending != actual.debitsPending() || m.debitsPosted != actual.debitsPosted()
            || m.creditsPending != actual.creditsPending() || m.creditsPosted != actual.creditsPosted()) {
          assertEquals(List.of(m.debitsPending, m.debitsPosted, m.creditsPending, m.creditsPosted),
              List.of(actual.debitsPending(), actual.debitsPosted(), actual.creditsPending(), actual.creditsPosted()),
              where.get() + "\naccount " + a.id() + " " + a.kind() + " [dp, dpo, cp, cpo]");
        }
      }
      assertEquals(model.lots.size(), db.lots.size(), () -> where.get() + "\nnumber of lots");
      for (ReferenceLedger.Lot m : model.lots) {
        LotState l = db.lots.get(new Keys.LotKey(A, m.transfer, (short) m.n));
        if (l == null) {
          throw new AssertionError(where.get() + "\nlot " + m.transfer + "/" + m.n + " missing");
        }
        boolean same = l.accountId == m.account && l.points == m.points && l.pointsLeft == m.left
            && l.pricePerPointFen == m.price && l.expiresAt.equals(m.expires)
            && java.util.Objects.equals(l.issuerShopId, m.issuer);
        if (!same) { // built only on a mismatch: this runs for every lot after every command
          assertEquals(List.of(m.account, m.points, m.left, m.price, m.expires, String.valueOf(m.issuer)),
              List.of(l.accountId, l.points, l.pointsLeft, l.pricePerPointFen, l.expiresAt,
                  String.valueOf(l.issuerShopId)),
              where.get() + "\nlot " + m.transfer + "/" + m.n + " [account, points, left, price, expires, issuer]");
        }
      }
      assertEquals(model.openHolds, db.openHolds.stream().map(Keys.TransferKey::id).collect(Collectors.toSet()),
          () -> where.get() + "\nopen holds");
    }

    // ---- the generator

    record Generated(String kind, TransferCommand command) {
    }

    private Generated next() {
      int r = rnd.nextInt(100);
      if (r < 20) {
        TransferCommand earn = TransferCommand.transfer(A, id(), pick(issuance).id(), pick(wallets).id(), amount(), "earn");
        return new Generated("earn", rnd.nextInt(3) == 0
            ? earn.withLotExpiry(now.plusSeconds(3600 + rnd.nextInt(20 * 24 * 3600))) : earn);
      }
      if (r < 35) {
        return new Generated("redeem", TransferCommand.transfer(A, id(), pick(wallets).id(), pick(acceptance).id(),
            amount(), "redeem"));
      }
      if (r < 40) {
        return new Generated("move", TransferCommand.transfer(A, id(), pick(all).id(), pick(all).id(), amount(), "move"));
      }
      if (r < 50) {
        long timeout = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(10) == 0 ? -1 - rnd.nextInt(3)
            : 1 + rnd.nextInt(2 * 24 * 3600);
        boolean intoWallet = rnd.nextInt(4) == 0;
        Account from = intoWallet ? pick(issuance) : rnd.nextInt(5) == 0 ? pick(all) : pick(wallets);
        Account to = intoWallet ? pick(wallets) : rnd.nextInt(5) == 0 ? pick(all) : pick(acceptance);
        return new Generated("hold", TransferCommand.hold(A, id(), from.id(), to.id(), amount(), "hold", timeout));
      }
      if (r < 60) {
        Long amount = rnd.nextInt(3) == 0 ? null : amount();
        return new Generated("post", TransferCommand.post(A, id(), target(holds), amount, "capture"));
      }
      if (r < 66) {
        return new Generated("void", TransferCommand.voidHold(A, id(), target(holds), "release"));
      }
      if (r < 78) {
        return new Generated("reversal", reversal());
      }
      if (r < 83) {
        Account wallet = rnd.nextInt(10) == 0 ? pick(all) : pick(wallets);
        Account into = rnd.nextInt(10) == 0 ? pick(all) : breakage;
        return new Generated("expire", TransferCommand.expireLots(A, id(), wallet.id(), into.id()));
      }
      if (r < 91 && !sent.isEmpty()) {
        return new Generated("replay", sent.get(rnd.nextInt(sent.size())));
      }
      if (r < 95 && !sent.isEmpty()) {
        TransferCommand c = sent.get(rnd.nextInt(sent.size()));
        return new Generated("changed_replay", new TransferCommand(c.kind(), c.allianceId(), c.id(),
            c.debitAccountId(), c.creditAccountId(), c.amount() == null ? null : c.amount() + 1, c.flags(),
            c.code(), c.pendingId(), c.reversesId(), c.timeoutSeconds(), c.metadata(), c.lotExpiresAt()));
      }
      long debit = rnd.nextBoolean() ? 999 : pick(all).id();
      long credit = rnd.nextBoolean() ? debit : pick(all).id();
      long alliance = rnd.nextInt(4) == 0 ? 2 : A;
      return new Generated("odd", TransferCommand.transfer(alliance, id(), debit, credit, amount(), "odd"));
    }

    /** A reversal of a posted transfer, mostly the right way round and within it; sometimes not. */
    private TransferCommand reversal() {
      UUID targetId = target(posted);
      Transfer original = db.transfers.get(new Keys.TransferKey(A, targetId));
      if (original == null || rnd.nextInt(10) == 0) {
        long debit = pick(all).id();
        long credit = pick(all).id();
        return new TransferCommand(TransferCommand.Kind.TRANSFER, A, id(), debit, credit, amount(), 0, "refund", null,
            original == null ? targetId : original.id(), 0, null, null);
      }
      long amount = rnd.nextInt(4) == 0 ? original.amount() : rnd.nextInt(3) == 0 ? amount()
          : 1 + (long) (rnd.nextDouble() * original.amount());
      return TransferCommand.reversal(A, id(), original, amount, "refund");
    }

    /** Mostly a known id of the right kind, sometimes any earlier transfer, sometimes an unknown one. */
    private UUID target(List<UUID> known) {
      int r = rnd.nextInt(10);
      if (r < 7 && !known.isEmpty()) {
        return known.get(known.size() - 1 - rnd.nextInt(Math.min(known.size(), 20)));
      }
      if (r < 9 && !sent.isEmpty()) {
        return sent.get(rnd.nextInt(sent.size())).id();
      }
      return new UUID(seed, -rnd.nextInt(1000) - 1);
    }

    /** Small amounts mostly; also 0, negative, the largest allowed and beyond it. */
    private long amount() {
      int r = rnd.nextInt(100);
      if (r < 75) {
        return 1 + rnd.nextInt(100);
      }
      if (r < 85) {
        return 101 + rnd.nextInt(10_000);
      }
      if (r < 88) {
        return 0;
      }
      if (r < 91) {
        return -1 - rnd.nextInt(100);
      }
      if (r < 96) {
        return TransferCommand.MAX_AMOUNT;
      }
      return rnd.nextBoolean() ? TransferCommand.MAX_AMOUNT + 1 : Long.MAX_VALUE;
    }

    private <T> T pick(List<T> list) {
      return list.get(rnd.nextInt(list.size()));
    }

    private UUID id() {
      return new UUID(seed, ++ids);
    }
  }
}
