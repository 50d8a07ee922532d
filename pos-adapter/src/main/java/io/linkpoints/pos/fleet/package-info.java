/**
 * The load generator: many simulated tills in a closed loop, with latencies. May import
 * {@code pos.client}; never loyalty-core.
 */
package io.linkpoints.pos.fleet;
