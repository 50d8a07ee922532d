/**
 * The transactional outbox: events worth telling (points earned, redeemed, refunded, a settlement
 * period closed, a shop suspended, a webhook endpoint disabled), written by the code that makes the
 * change, on its connection and in its transaction, so a rolled-back change leaves no event and a
 * committed one always has its event. The same statement fans each event out to the webhook
 * endpoints that want it ({@code webhook_delivery} rows), which {@code webhooks}' dispatcher sends.
 * Low in the features: may import the floor only, so the ledger, coupons and settlement can write
 * to it.
 */
package io.linkpoints.outbox;
