package io.linkpoints.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One batch, inside one transaction on one connection: read (holds, then locks in sorted
 * order, then the rest), decide each command in order in memory, write everything at once.
 * Each command gets its own verdict; a refused one changes nothing and fails only itself.
 */
final class LedgerBatch {
  /** What was decided for one command: accepted with its result, or refused with the reason. */
  record Verdict(TransferResult result, LedgerException refusal) {
  }

  private LedgerBatch() {
  }

  static Future<List<Verdict>> run(SqlConnection conn, List<TransferCommand> commands, Instant now) {
    BatchState state = new BatchState(now);
    return BatchReads.loadHolds(conn, commands, state)
        .compose(v -> BatchReads.lockAccounts(conn, commands, state))
        .compose(v -> BatchReads.loadUnderLock(conn, commands, state))
        .compose(v -> {
          TransferRules rules = new TransferRules(state);
          List<Verdict> verdicts = new ArrayList<>(commands.size());
          for (TransferCommand c : commands) {
            verdicts.add(decide(rules, c));
          }
          return BatchWrites.write(conn, state).map(verdicts);
        });
  }

  /** One command against the batch's state; an overflow of a balance is refused as an invalid amount. */
  static Verdict decide(TransferRules rules, TransferCommand c) {
    try {
      return new Verdict(rules.apply(c), null);
    } catch (LedgerException refused) {
      return new Verdict(null, refused);
    } catch (ArithmeticException overflow) {
      return new Verdict(null, new LedgerException(LedgerError.INVALID_AMOUNT, "amount overflows a balance"));
    }
  }
}
