/**
 * The HTTP kit: the server built from {@code openapi.yaml} ({@code ApiVerticle}, mounting the
 * {@code ApiRoutes} it is given), problem+json errors ({@code Refusal}, {@code FailureHandler}),
 * the Idempotency-Key rule and the {@code Gate} interface. Floor: may import {@code platform}
 * only, never {@code auth}, {@code audit} or a feature (the top hands it the gate and the routes).
 */
package io.linkpoints.web;
