package io.linkpoints.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One batch, inside one transaction on one connection: read (holds, then locks in sorted
 * order, then the rest), decide each command in order in memory, write everything at once.
 * Each command gets its own outcome; a refused one changes nothing and fails only itself.
 */
final class LedgerBatch {
  /** A command's outcome: a result, or the reason it was refused. */
  record Outcome(TransferResult result, LedgerException refusal) {
  }

  private LedgerBatch() {
  }

  static Future<List<Outcome>> run(SqlConnection conn, List<TransferCommand> commands, Instant now) {
    BatchState state = new BatchState(now);
    return BatchReads.loadHolds(conn, commands, state)
        .compose(v -> BatchReads.lockAccounts(conn, commands, state))
        .compose(v -> BatchReads.loadUnderLock(conn, commands, state))
        .compose(v -> {
          TransferRules rules = new TransferRules(state);
          List<Outcome> outcomes = new ArrayList<>(commands.size());
          for (TransferCommand c : commands) {
            try {
              outcomes.add(new Outcome(rules.apply(c), null));
            } catch (LedgerException refused) {
              outcomes.add(new Outcome(null, refused));
            } catch (ArithmeticException overflow) {
              outcomes.add(new Outcome(null, new LedgerException(LedgerError.INVALID_AMOUNT, "amount overflows a balance")));
            }
          }
          return BatchWrites.write(conn, state).map(outcomes);
        });
  }
}
