/**
 * A shop's reasons for a member to come back, paid by the shop: promotions (time-boxed earn boosts
 * in the alliance's time zone) and the new-customer bounty. Which promotion a sale earns is decided
 * here ({@code Promotion}, {@code BestPromotion}, pure); the POS ({@code pos}) pays it at the till.
 * Services take and return records; {@code PromotionJson} writes them for {@code PromotionRoutes}.
 * A feature: may import the floor and {@code alliance} (the shop's earn rule and its rounding).
 */
package io.linkpoints.promotions;
