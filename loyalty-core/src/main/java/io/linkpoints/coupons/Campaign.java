package io.linkpoints.coupons;

import java.time.Instant;
import java.util.List;

/**
 * A campaign as a shop taking part in it (or the admin) sees it: its terms, its counters, who
 * takes part and how. {@code status} is awaiting_consent, live or paused; {@code ended} says its
 * window closed (as of when it was read). {@code minTierLevel}: a tier-only campaign (a shop's tier
 * perk) hands coupons only to members holding that level or above; null for everyone.
 */
public record Campaign(long id, long allianceId, long creatorShopId, String name, Benefit benefit, long minSpendFen,
    Instant validFrom, Instant validUntil, int inventory, int issued, int perMemberLimit, Long autoIssueMinSpendFen,
    Long marketPricePoints, boolean shopCodes, String status, boolean ended, Instant createdAt,
    List<Participant> participants, long redeemed, Integer minTierLevel) {

  /** Coupons not handed out yet. */
  public int remaining() {
    return inventory - issued;
  }

  /** A shop's part in the campaign: hands coupons out, honours them, funds them, and whether it accepted or paused. */
  public record Participant(long shopId, String shopName, boolean issuer, boolean honouring, int fundingBasisPoints,
      boolean accepted, boolean paused) {
  }
}
