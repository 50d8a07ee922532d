/**
 * A simulated till. May import {@code pos.client}, {@code pos.qr} and {@code pos.receipt}; never
 * loyalty-core.
 */
package io.linkpoints.pos.sim;
