/**
 * Signed webhooks: endpoints an owner (its shop's events) or the admin (the alliance's) registers
 * ({@code WebhookEndpoints}, {@code WebhookRoutes}, {@code WebhookJson}), the guard against
 * requests to private addresses ({@code web.OutboundTargets}, shared with push), Stripe-style signatures ({@code Signatures})
 * and the {@code Dispatcher}, which every instance runs: it claims due deliveries of the outbox's
 * events with {@code FOR UPDATE SKIP LOCKED}, sends them in order per endpoint, retries with
 * backoff and disables an endpoint that kept failing. A feature: may import the floor and
 * {@code outbox}.
 */
package io.linkpoints.webhooks;
