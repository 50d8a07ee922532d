/**
 * The HTTP server built from {@code openapi.yaml}, problem+json errors, the Idempotency-Key rule and the
 * {@code Platform} handed to route modules. Floor: may import {@code platform}, {@code auth} and
 * {@code audit}; today {@code ApiVerticle}, {@code Platform} and {@code FailureHandler} also name
 * feature types (see docs/ARCHITECTURE.md).
 */
package io.linkpoints.web;
