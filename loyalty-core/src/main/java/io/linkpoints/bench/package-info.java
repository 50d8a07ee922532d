/**
 * The ledger benchmark ({@code ./linkpoints bench ledger}) against pgbench on the same PostgreSQL. A tool
 * on top: may import {@code platform} and {@code ledger}; nothing in the service imports it.
 */
package io.linkpoints.bench;
