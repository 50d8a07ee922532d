/**
 * The load generator: many simulated tills in a closed loop or an open loop, with latencies. May import
 * {@code till.client}; never loyalty-core.
 */
package io.linkpoints.till.fleet;
