/**
 * The hash-chained, append-only audit log of admin and owner writes, and the route hook that fills it.
 * Floor: may import {@code platform}, {@code web} and {@code auth}, never a feature.
 */
package io.linkpoints.audit;
