/**
 * The member's side of issue 17: the inbox ({@code Notifications}, rendered by
 * {@code NotificationText}), each member's choices ({@code NotificationPreferences}), Web Push
 * (subscriptions in {@code PushSubscriptions} behind {@code web.OutboundTargets}; {@code VapidKeys},
 * RFC 8292; {@code WebPushCrypto}, RFC 8291), the SMS gateway ({@code SmsSender},
 * {@code HttpSmsGateway}), the queue that sends both ({@code NotificationDeliveries}), the expiry
 * reminders job ({@code ExpiryReminders}) and the routes ({@code NotificationRoutes}).
 * {@link io.linkpoints.notifications.Notifications#notifyMember} is the one entry point for other
 * code (the outbox): it writes in the caller's transaction. A feature on the floor only: it reads
 * ledger lots in SQL, as {@code tiers} reads the POS's rows.
 */
package io.linkpoints.notifications;
