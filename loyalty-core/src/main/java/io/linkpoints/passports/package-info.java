/**
 * Stamp passports (集章): an alliance campaign over a set of shops, created by the admin, consented
 * to by each named shop's owner and paused by any of them or the admin ({@code Passports}); stamps
 * collected with qualifying sales and the reward granted once per member's card, paid by the
 * alliance fund and the shops by their split ({@code Stamps}); a refunded sale's stamp withdrawn
 * while the card is not complete. The POS ({@code pos}) calls {@code Stamps} after a sale's bonuses
 * and after a refund. Services take and return records; {@code PassportJson} writes them for
 * {@code PassportRoutes}. A feature: may import the floor, {@code ledger} and {@code coupons}
 * (the largest-remainder {@code FundingSplit}).
 */
package io.linkpoints.passports;
