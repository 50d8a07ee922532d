/**
 * The double-entry points ledger: accounts, transfers, holds, lots, the batching writer, the
 * invariant check, expiry and timeout jobs, and its admin read and live-feed routes. The lowest
 * feature: may import the floor ({@code platform}, {@code web}, {@code auth}) only.
 */
package io.linkpoints.ledger;
