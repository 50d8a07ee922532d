/**
 * The double-entry points ledger: accounts, transfers, holds, lots, the batching writer, the
 * invariant check, expiry and timeout jobs, and a shop's feed of its transfers. Nothing about
 * HTTP (its routes are in {@code ledger.api}). The lowest feature: imports only {@code platform},
 * and {@code web} for the catalogue of refusals ({@code ProblemCode}, {@code Refusal}).
 */
package io.linkpoints.ledger;
