/**
 * Settlement periods, runs, statements, the matrix and netting, adjustments, reconciliation, liability,
 * cross-visits and customer overlap, and the settlement exports ({@code Exports}). Services answer
 * records; {@code SettlementRoutes} renders them ({@code SettlementJson}). A feature: may import the
 * floor, {@code ledger} and {@code export}.
 */
package io.linkpoints.settlement;
