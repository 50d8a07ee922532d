/**
 * Start-up and shutdown of the whole service ({@code LinkpointsApp}, {@code Main}) and the wiring
 * ({@code Wiring}: which route modules exist, built with what, over the shared {@code Platform}):
 * the top, which may import any package of loyalty-core; nothing in loyalty-core imports it.
 */
package io.linkpoints.app;
