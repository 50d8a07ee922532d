package io.linkpoints.coupons;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits a benefit in fen among the campaign's sponsors by their basis points (summing to
 * 10000), so that the parts are whole fen and add up to the benefit exactly.
 *
 * <p>The rule (largest remainder, Hamilton): each sponsor first gets floor(benefit * bps / 10000);
 * the fen left over (fewer than the number of sponsors) go one each to the sponsors with the
 * largest remainders (benefit * bps mod 10000); ties go to the larger share in basis points, then
 * to the lower shop id. Deterministic, so a replay or an audit computes the same split.
 * Example: 1 fen split 3334/3333/3333 goes wholly to the 3334 sponsor; 3333/3333/3334 likewise.
 */
public final class FundingSplit {
  public static final int TOTAL_BPS = 10_000;

  public record Share(long shopId, int basisPoints) {
  }

  public record Part(long shopId, int basisPoints, long amountFen) {
  }

  private FundingSplit() {
  }

  public static List<Part> split(long benefitFen, List<Share> shares) {
    if (benefitFen < 0) {
      throw new IllegalArgumentException("benefit must not be negative");
    }
    long total = shares.stream().mapToLong(Share::basisPoints).sum();
    if (shares.isEmpty() || total != TOTAL_BPS || shares.stream().anyMatch(s -> s.basisPoints() < 0)) {
      throw new IllegalArgumentException("shares must be non-negative basis points summing to " + TOTAL_BPS);
    }
    record Work(Share share, long floor, long remainder) {
    }
    List<Work> work = new ArrayList<>();
    long assigned = 0;
    for (Share s : shares) {
      long product = Math.multiplyExact(benefitFen, (long) s.basisPoints());
      work.add(new Work(s, product / TOTAL_BPS, product % TOTAL_BPS));
      assigned += product / TOTAL_BPS;
    }
    long left = benefitFen - assigned; // 0 <= left < shares.size(): the sum of remainders / 10000
    List<Work> order = new ArrayList<>(work);
    order.sort(Comparator.comparingLong((Work w) -> w.remainder).reversed()
        .thenComparing(Comparator.comparingInt((Work w) -> w.share.basisPoints()).reversed())
        .thenComparingLong(w -> w.share.shopId()));
    java.util.Set<Work> bonus = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    bonus.addAll(order.subList(0, (int) left));
    List<Part> parts = new ArrayList<>();
    for (Work w : work) {
      parts.add(new Part(w.share.shopId(), w.share.basisPoints(), w.floor + (bonus.contains(w) ? 1 : 0)));
    }
    return parts;
  }
}
