/**
 * LP2 member codes (making, checking, wrong-code limits, device keys), shop claim codes, and QR
 * rendering and scanning. The services return records; {@code CodeJson} writes them for
 * {@code MemberCodeRoutes} (and for pos). A feature: may import the floor, {@code ledger},
 * {@code alliance} and {@code member}.
 */
package io.linkpoints.qr;
