package io.linkpoints.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The economics the ledger needs at write time: the price per point recorded on each lot and
 * the expiry policy, computed in the alliance's own time zone.
 */
public record AllianceTerms(long allianceId, long pricePerPointFen, int expiryMonths, boolean expiryEndOfMonth,
    ZoneId zone) {

  /**
   * When points earned at {@code earnedAt} expire. "12 months, to end of month": points earned on
   * 15 March 2026 expire when April 2027 begins in the alliance's zone.
   */
  public Instant expiryFor(Instant earnedAt) {
    ZonedDateTime local = earnedAt.atZone(zone).plusMonths(expiryMonths);
    if (!expiryEndOfMonth) {
      return local.toInstant();
    }
    LocalDate firstOfNextMonth = local.toLocalDate().withDayOfMonth(1).plusMonths(1);
    return firstOfNextMonth.atStartOfDay(zone).toInstant();
  }
}
