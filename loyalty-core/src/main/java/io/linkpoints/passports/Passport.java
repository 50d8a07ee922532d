package io.linkpoints.passports;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A stamp passport: its names, the shops named (each with its share of the reward in basis points,
 * its owner's consent and its own pause), the stamps a card needs (from that many different shops),
 * the minimum spend per stamp, the window (alliance-local dates, inclusive), the reward and the
 * fund's share. {@code pausedAt}: the admin's own pause.
 */
public record Passport(long id, String nameZh, String nameEn, int stampsRequired, long minSpendFen,
    LocalDate startsOn, LocalDate endsOn, long rewardPoints, int fundBps, Instant pausedAt, Instant createdAt,
    List<Shop> shops) {

  /** A named shop: its share, when its owner consented (null: not yet), its own pause (null: none). */
  public record Shop(long shopId, String name, int fundingBps, Instant consentedAt, Instant pausedAt) {
  }

  /** Where a passport stands on a day (alliance-local): only {@code LIVE} stamps. */
  public enum Status { AWAITING_CONSENT, PAUSED, SCHEDULED, LIVE, ENDED }

  public Status status(LocalDate today) {
    if (today.isAfter(endsOn)) {
      return Status.ENDED;
    }
    if (shops.stream().anyMatch(s -> s.consentedAt() == null)) {
      return Status.AWAITING_CONSENT;
    }
    if (pausedAt != null || shops.stream().anyMatch(s -> s.pausedAt() != null)) {
      return Status.PAUSED;
    }
    return today.isBefore(startsOn) ? Status.SCHEDULED : Status.LIVE;
  }

  /** What the admin asks for. */
  public record Draft(String nameZh, String nameEn, List<ShopShare> shops, int fundBps, int stampsRequired,
      long minSpendFen, LocalDate startsOn, LocalDate endsOn, long rewardPoints) {
  }

  public record ShopShare(long shopId, int basisPoints) {
  }

  /** Why the draft cannot be a passport (null: it can). Unknown shops are checked against the database. */
  static String check(Draft d) {
    if (d.nameZh() == null || d.nameZh().isBlank() || d.nameZh().length() > 60
        || d.nameEn() == null || d.nameEn().isBlank() || d.nameEn().length() > 60) {
      return "names (zh and en) are 1 to 60 characters";
    }
    if (d.shops() == null || d.shops().size() < 2) {
      return "a passport names at least 2 shops";
    }
    if (d.shops().stream().map(ShopShare::shopId).distinct().count() != d.shops().size()) {
      return "a shop is named twice";
    }
    if (d.stampsRequired() < 2 || d.stampsRequired() > d.shops().size()) {
      return "stampsRequired must be from 2 to the number of shops named (" + d.shops().size() + ")";
    }
    if (d.startsOn() == null || d.endsOn() == null || d.startsOn().isAfter(d.endsOn())) {
      return "startsOn must not be after endsOn";
    }
    if (d.minSpendFen() < 0 || d.rewardPoints() < 1 || d.rewardPoints() > 1_000_000) {
      return "minSpendFen must be 0 or more and rewardPoints from 1 to 1000000";
    }
    long total = d.fundBps();
    for (ShopShare s : d.shops()) {
      if (s.basisPoints() < 0 || s.basisPoints() > 10_000) {
        return "each share is from 0 to 10000 basis points";
      }
      total += s.basisPoints();
    }
    if (d.fundBps() < 0 || total != 10_000) {
      return "the fund's and the shops' basis points must sum to 10000 (they sum to " + total + ")";
    }
    return null;
  }
}
