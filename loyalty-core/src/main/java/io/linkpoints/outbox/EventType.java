package io.linkpoints.outbox;

import java.util.List;

/** The events the outbox carries, by their wire names (docs/webhooks.md describes each one's data). */
public final class EventType {
  private EventType() {
  }

  /** A member's wallet credited by a shop (an earn, a promotion's or bounty's bonus, a shop code). */
  public static final String POINTS_EARNED = "points.earned";
  /** A member's points taken in payment by a shop (a single-phase redemption or a captured hold). */
  public static final String POINTS_REDEEMED = "points.redeemed";
  /** A reversal between a member and a shop: an earn taken back, or a redemption given back. */
  public static final String POINTS_REFUNDED = "points.refunded";
  /** A settlement period closed: one event per shop with a statement, with its net. */
  public static final String SETTLEMENT_PERIOD_CLOSED = "settlement.period_closed";
  /** The admin suspended a shop. */
  public static final String SHOP_SUSPENDED = "shop.suspended";
  /** The admin started a shop's exit from the alliance (it issues nothing from now; docs/shop-exit.md). */
  public static final String SHOP_EXIT_STARTED = "shop.exit_started";
  /** The admin cancelled a shop's exit before its end date: it issues again. */
  public static final String SHOP_EXIT_CANCELLED = "shop.exit_cancelled";
  /** A shop's exit completed at its end date: its people and terminals are refused from now. */
  public static final String SHOP_EXITED = "shop.exited";
  /** A shop proposed a cross-promotion naming this shop (one event per other shop named). */
  public static final String PROMOTION_PROPOSED = "promotion.proposed";
  /** A shop taking part accepted the cross-promotion (told to the other shops). */
  public static final String PROMOTION_ACCEPTED = "promotion.accepted";
  /** A shop taking part paused the cross-promotion (told to the other shops). */
  public static final String PROMOTION_PAUSED = "promotion.paused";
  /** A coupon was issued to a member (claimed, bought, granted, or given by a tier perk). */
  public static final String COUPON_ISSUED = "coupon.issued";
  /** A member's issued coupon expires within 7 days (once per coupon). */
  public static final String COUPON_EXPIRING = "coupon.expiring";
  /** A member's coupon was redeemed at a shop's till. */
  public static final String COUPON_REDEEMED = "coupon.redeemed";
  /** A member's tier changed (up, down, or lost), from the tier's change row. */
  public static final String TIER_CHANGED = "tier.changed";
  /** A welcome or birthday reward was granted to a member (once per reward and year). */
  public static final String REWARD_GRANTED = "reward.granted";
  /** A member completed a stamp passport's card (its reward granted once per card). */
  public static final String PASSPORT_COMPLETED = "passport.completed";
  /** A member claimed a shop's printed code (its points follow as a ledger transfer). */
  public static final String SHOP_CODE_CLAIMED = "shop_code.claimed";
  /** An endpoint was disabled after its deliveries kept failing for the give-up time. */
  public static final String WEBHOOK_ENDPOINT_DISABLED = "webhook.endpoint_disabled";

  /** Every type an endpoint may ask for. */
  public static final List<String> ALL = List.of(POINTS_EARNED, POINTS_REDEEMED, POINTS_REFUNDED,
      SETTLEMENT_PERIOD_CLOSED, SHOP_SUSPENDED, PROMOTION_PROPOSED, PROMOTION_ACCEPTED, PROMOTION_PAUSED,
      WEBHOOK_ENDPOINT_DISABLED, COUPON_ISSUED, COUPON_EXPIRING, COUPON_REDEEMED, TIER_CHANGED, REWARD_GRANTED, PASSPORT_COMPLETED,
      SHOP_CODE_CLAIMED, SHOP_EXIT_STARTED, SHOP_EXIT_CANCELLED, SHOP_EXITED);
}
