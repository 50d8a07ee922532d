/**
 * The on-disk queue of accruals made while the server is unreachable, replayed in order, each once.
 * Imports nothing of {@code io.linkpoints}.
 */
package io.linkpoints.till.offline;
