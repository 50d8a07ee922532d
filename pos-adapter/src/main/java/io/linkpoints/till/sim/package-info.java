/**
 * A simulated till at the shell. May import {@code till.client}, {@code till.qr} and
 * {@code till.receipt}; never loyalty-core.
 */
package io.linkpoints.till.sim;
