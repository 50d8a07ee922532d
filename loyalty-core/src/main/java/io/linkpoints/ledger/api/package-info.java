/**
 * The ledger over HTTP: the admin read routes (balances, history, transfers, the invariant check),
 * a shop's live feed, and {@code LedgerJson}, which renders the ledger's records as the contract
 * writes them. Sits right above {@code ledger}: may import it and the floor.
 */
package io.linkpoints.ledger.api;
