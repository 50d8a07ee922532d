/**
 * The POS benchmark and its ceiling ({@code ./linkpoints bench pos}) and the till at the shell
 * ({@code ./linkpoints pos}). On top: may import loyalty-core (its {@code bench.PgBench} too) and
 * pos-adapter ({@code io.linkpoints.till}); not {@code portal} or {@code portal.demo}.
 */
package io.linkpoints.portal.bench;
