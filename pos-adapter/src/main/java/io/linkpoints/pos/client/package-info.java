/**
 * The till's client of the POS API: one key per logical operation, status before retry, token
 * renewal, offline queueing of accruals. May import {@code pos.offline}; never loyalty-core.
 */
package io.linkpoints.pos.client;
