package io.linkpoints.settlement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fewest-ish transfers that settle a matrix: each party's net position, then the largest
 * debtor pays the largest creditor as much as it can, again and again (ties: lower party id
 * first, so the answer is the same every time). At most parties - 1 transfers; whole fen only,
 * nothing is divided, so no rounding arises.
 */
public final class Netting {
  public record Owed(long payer, long payee, long amountFen) {
  }

  private Netting() {
  }

  /** Net position per party: what it is owed minus what it owes (sums to zero). */
  public static Map<Long, Long> positions(List<Owed> matrix) {
    Map<Long, Long> net = new TreeMap<>();
    for (Owed o : matrix) {
      if (o.payer() != o.payee()) {
        net.merge(o.payee(), o.amountFen(), Math::addExact);
        net.merge(o.payer(), -o.amountFen(), Math::addExact);
      }
    }
    return net;
  }

  public static List<Owed> settle(List<Owed> matrix) {
    List<long[]> debtors = new ArrayList<>();
    List<long[]> creditors = new ArrayList<>();
    positions(matrix).forEach((party, net) -> {
      if (net < 0) {
        debtors.add(new long[] {party, -net});
      } else if (net > 0) {
        creditors.add(new long[] {party, net});
      }
    });
    Comparator<long[]> largestFirst = Comparator.<long[]>comparingLong(x -> -x[1]).thenComparingLong(x -> x[0]);
    List<Owed> transfers = new ArrayList<>();
    while (!debtors.isEmpty() && !creditors.isEmpty()) {
      debtors.sort(largestFirst);
      creditors.sort(largestFirst);
      long[] d = debtors.get(0);
      long[] c = creditors.get(0);
      long amount = Math.min(d[1], c[1]);
      transfers.add(new Owed(d[0], c[0], amount));
      d[1] -= amount;
      c[1] -= amount;
      if (d[1] == 0) {
        debtors.remove(0);
      }
      if (c[1] == 0) {
        creditors.remove(0);
      }
    }
    return transfers;
  }
}
