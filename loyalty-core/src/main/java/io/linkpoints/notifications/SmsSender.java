package io.linkpoints.notifications;

import io.vertx.core.Future;
import java.util.Map;

/**
 * Sends a templated text message to a phone. The one implementation is {@link HttpSmsGateway}
 * (the HTTP contract in docs/notifications.md); there is none unless the operator configures a
 * gateway, and then nothing is queued for SMS at all.
 */
public interface SmsSender {
  /**
   * Sends template {@code template} with {@code params} to {@code phone} (E.164). Fails with
   * {@link Rejected} when the gateway refuses for good (a retry would not help); any other failure
   * is retried with backoff.
   */
  Future<Void> send(String phone, String template, Map<String, String> params);

  /** The gateway refused this message for good (a 4xx other than 408 and 429). */
  final class Rejected extends RuntimeException {
    public Rejected(String message) {
      super(message, null, false, false);
    }
  }
}
