/**
 * The hash-chained, append-only audit log of admin and owner writes, the route hook that fills it, and
 * {@code AuditJson}, which renders its pages and chain checks for the routes that serve them.
 * Floor: may import {@code platform}, {@code web} and {@code auth}, never a feature.
 */
package io.linkpoints.audit;
