/**
 * A shop's exit from the alliance (issue 18): the admin starts it with an end date and a mode
 * (charge_to_fund or expire_early); from the start the shop issues nothing and its part in every
 * campaign and passport is paused; at the end date a job completes it exactly once (the shop
 * exited, its terminals revoked, and for charge_to_fund the value of its outstanding points
 * charged to it, the fund carrying them from the completion's snapshot on). Settlement reads the
 * {@code shop_exit} rows in SQL and does not import this package. Imports the floor, {@code outbox},
 * {@code coupons} and {@code passports} (their pause), {@code notifications} (telling members)
 * and {@code audit} (the completion is recorded).
 * See docs/shop-exit.md.
 */
package io.linkpoints.exits;
