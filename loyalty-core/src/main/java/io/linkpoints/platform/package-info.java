/**
 * Configuration, the database (configured or embedded PostgreSQL), migrations, {@code GroupedQuery},
 * {@code EachAlliance} (work over every alliance, one alliance after the other), {@code OneRunAtATime}
 * (a periodic job that skips a tick while its last run goes on), outage and
 * unique-violation detection and {@code FirstWriteWins}. The floor of the service: imports nothing of
 * {@code io.linkpoints}.
 */
package io.linkpoints.platform;
