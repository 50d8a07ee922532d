/**
 * Alliances, shops, staff sign-in, terminals and earn rules ({@code EarnCalculator}), with their routes.
 * The services answer with records; {@code AllianceJson} and {@code EarnRulesJson} render them for the routes.
 * A feature: may import the floor, {@code ledger} and {@code outbox} (a suspension's {@code shop.suspended} event).
 */
package io.linkpoints.alliance;
