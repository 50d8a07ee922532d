/**
 * The till's client of the POS API: one key per logical operation, status before retry, token
 * renewal, offline queueing of accruals. May import {@code till.offline}; never loyalty-core.
 */
package io.linkpoints.till.client;
