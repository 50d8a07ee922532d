package io.linkpoints.bench;

import io.linkpoints.ledger.Account;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.TransferCommand;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * The benchmark's own alliance: shops with issuance and acceptance accounts, and members with a
 * starting balance. Always a new alliance, so a shared database keeps everything else untouched.
 */
record BenchAlliance(long id, long[] issuance, long[] acceptance, long[] members) {
  /** Every member starts with this much, earned through the writer, so redemptions can pay. */
  static final long STARTING_POINTS = 500;

  int shops() {
    return issuance.length;
  }

  /** The shop that the hot mix sends most transfers to. */
  long hotAcceptance() {
    return acceptance[0];
  }

  /** Creates and funds the alliance, {@code window} requests at a time. Blocking: main thread only. */
  static BenchAlliance seed(Ledger ledger, int shops, int members, int window) {
    long alliance = Blocking.await(ledger.pool()
        .preparedQuery("insert into alliance (name) values ($1) returning id")
        .execute(Tuple.of("ledger-bench " + UUID.randomUUID()))).iterator().next().getLong(0);
    long[] issuance = open(shops, window, i -> ledger.openAccount(alliance, AccountKind.MERCHANT_ISSUANCE, i + 1));
    long[] acceptance = open(shops, window, i -> ledger.openAccount(alliance, AccountKind.MERCHANT_ACCEPTANCE, i + 1));
    long[] wallets = open(members, window, i -> ledger.openAccount(alliance, AccountKind.MEMBER_WALLET, i + 1));
    inWindows(members, window, i -> ledger.submit(TransferCommand.transfer(alliance, UUID.randomUUID(),
        issuance[i % shops], wallets[i], STARTING_POINTS, "earn")));
    return new BenchAlliance(alliance, issuance, acceptance, wallets);
  }

  private static long[] open(int count, int window, IntFunction<Future<Account>> opener) {
    return inWindows(count, window, opener).stream().mapToLong(Account::id).toArray();
  }

  /** Issues {@code count} requests with at most {@code window} outstanding; fails on the first failure. */
  private static <T> List<T> inWindows(int count, int window, IntFunction<Future<T>> request) {
    List<T> results = new ArrayList<>(count);
    for (int start = 0; start < count; start += window) {
      List<Future<T>> chunk = new ArrayList<>();
      for (int i = start; i < Math.min(count, start + window); i++) {
        chunk.add(request.apply(i));
      }
      Blocking.await(Future.all(chunk));
      chunk.forEach(f -> results.add(f.result()));
    }
    return results;
  }
}
