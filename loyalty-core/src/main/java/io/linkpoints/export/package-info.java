/**
 * Streaming CSV and NDJSON exports from a PostgreSQL cursor, with back-pressure to the HTTP response.
 * A feature: may import the floor; today {@code Exports} also imports {@code settlement.Periods}.
 */
package io.linkpoints.export;
