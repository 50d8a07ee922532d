/**
 * The double-entry points ledger: accounts, transfers, holds, lots, the batching writer, the
 * invariant check, expiry and timeout jobs, and a shop's feed of its transfers. Nothing about
 * HTTP (its routes are in {@code ledger.api}). The lowest feature but the outbox: imports only
 * {@code platform}, {@code web} for the catalogue of refusals ({@code ProblemCode}, {@code Refusal}),
 * and {@code outbox}, where each batch writes its points events ({@code LedgerEvents}).
 */
package io.linkpoints.ledger;
