/**
 * The HTTP kit: the server built from {@code openapi.yaml} ({@code ApiVerticle}, mounting the
 * {@code ApiRoutes} it is given), the one catalogue of refusals ({@code ProblemCode}) and the one
 * way a refusal becomes problem+json ({@code Refusal}, {@code Problem}, {@code FailureHandler}),
 * {@code JsonHandlers}, the SSRF guard for outgoing URLs ({@code OutboundTargets}), the Idempotency-Key rule and the {@code Gate} interface. Floor: may import
 * {@code platform} only, never {@code auth}, {@code audit} or a feature (the top hands it the gate
 * and the routes).
 */
package io.linkpoints.web;
