/**
 * Alliance tiers (会员等级): the alliance's rule and levels ({@code TierDefinitions}), each
 * member's tier decided from their own accruals in a rolling window ({@code MemberTiers}, the pure
 * rule in {@code TierDecision}), the daily review with its grace before a downgrade
 * ({@code TierReview}), the perks of each level (the alliance's multiplier in the definitions, a
 * shop's own in {@code ShopTierPerks}; paid at the till by pos.Bonuses), and their routes
 * ({@code TierRoutes}, {@code TierJson}). A feature: imports the floor only (it reads the POS's {@code pos_accrual} rows in SQL), so
 * {@code pos} can answer with the member's tier.
 */
package io.linkpoints.tiers;
