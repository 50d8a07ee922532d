/**
 * Alliances, shops, staff sign-in, terminals and earn rules ({@code EarnCalculator}), with their routes.
 * A feature: may import the floor and {@code ledger}.
 */
package io.linkpoints.alliance;
