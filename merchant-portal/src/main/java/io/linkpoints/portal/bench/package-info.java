/**
 * The POS benchmark and its ceiling ({@code ./linkpoints bench pos}) and the till at the shell
 * ({@code ./linkpoints pos}). On top: may import loyalty-core and pos-adapter.
 */
package io.linkpoints.portal.bench;
