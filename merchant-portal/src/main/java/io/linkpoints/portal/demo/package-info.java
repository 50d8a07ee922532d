/**
 * The demo alliance seeded on a new data folder, through the real API and ledger. On top: may import
 * loyalty-core ({@code app}, {@code auth}, {@code ledger}, {@code platform}); not {@code portal} or
 * {@code portal.bench}.
 */
package io.linkpoints.portal.demo;
