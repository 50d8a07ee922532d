/**
 * Streaming CSV and NDJSON exports from a PostgreSQL cursor, with back-pressure to the HTTP response.
 * A feature: imports the floor only ({@code settlement} builds its exports on it).
 */
package io.linkpoints.export;
