/**
 * Start-up and shutdown of the whole service ({@code LinkpointsApp}, {@code Main}): the wiring on top,
 * which may import any package of loyalty-core; nothing in loyalty-core imports it.
 */
package io.linkpoints.app;
