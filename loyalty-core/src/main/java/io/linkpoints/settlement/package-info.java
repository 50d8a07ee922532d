/**
 * Settlement periods, runs, statements, the matrix and netting, adjustments, reconciliation, liability,
 * cross-visits and customer overlap. A feature: may import the floor, {@code ledger} and
 * {@code export} (which today imports {@code settlement.Periods} back).
 */
package io.linkpoints.settlement;
