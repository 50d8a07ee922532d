/**
 * Settlement periods, runs, statements, the matrix and netting, adjustments, reconciliation, liability,
 * cross-visits and customer overlap, and the settlement exports ({@code Exports}). Services take and
 * answer records; {@code SettlementRoutes} renders them ({@code SettlementJson}, which also reads an
 * adjustment's body into an {@code Adjustments.Correction}). A feature: may import the floor,
 * {@code export}, {@code ledger}, {@code ledger.api} (the invariant report in a reconciliation) and
 * {@code outbox} (a close's {@code settlement.period_closed} events).
 */
package io.linkpoints.settlement;
