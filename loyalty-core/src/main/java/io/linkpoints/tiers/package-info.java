/**
 * Alliance tiers (会员等级): the alliance's rule and levels ({@code TierDefinitions}), each
 * member's tier decided from their own accruals in a rolling window ({@code MemberTiers}, the pure
 * rule in {@code TierDecision}), the daily review with its grace before a downgrade
 * ({@code TierReview}), and their routes ({@code TierRoutes}, {@code TierJson}). Perks are not here
 * yet. A feature: imports the floor only (it reads the POS's {@code pos_accrual} rows in SQL), so
 * {@code pos} can answer with the member's tier.
 */
package io.linkpoints.tiers;
