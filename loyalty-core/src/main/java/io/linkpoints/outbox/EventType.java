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
  /** A shop proposed a cross-promotion naming this shop (one event per other shop named). */
  public static final String PROMOTION_PROPOSED = "promotion.proposed";
  /** A shop taking part accepted the cross-promotion (told to the other shops). */
  public static final String PROMOTION_ACCEPTED = "promotion.accepted";
  /** A shop taking part paused the cross-promotion (told to the other shops). */
  public static final String PROMOTION_PAUSED = "promotion.paused";
  /** An endpoint was disabled after its deliveries kept failing for the give-up time. */
  public static final String WEBHOOK_ENDPOINT_DISABLED = "webhook.endpoint_disabled";

  /** Every type an endpoint may ask for. */
  public static final List<String> ALL = List.of(POINTS_EARNED, POINTS_REDEEMED, POINTS_REFUNDED,
      SETTLEMENT_PERIOD_CLOSED, SHOP_SUSPENDED, PROMOTION_PROPOSED, PROMOTION_ACCEPTED, PROMOTION_PAUSED,
      WEBHOOK_ENDPOINT_DISABLED);
}
