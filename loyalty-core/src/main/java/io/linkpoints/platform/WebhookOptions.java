package io.linkpoints.platform;

import java.time.Duration;
import java.util.Map;

/**
 * How webhooks are sent (docs/webhooks.md). Which targets may be called is not here: one switch for
 * every outgoing call, {@link LinkpointsConfig#allowPrivateTargets} (tests allow their local
 * receiver there). A failed delivery is tried again after
 * {@code retryBase} × 2^(attempts − 1), at most {@code retryCap}, with jitter, until
 * {@code giveUpAfter} has passed since it became due; then the endpoint is disabled.
 */
public record WebhookOptions(Duration retryBase, Duration retryCap, Duration giveUpAfter,
    Duration pollInterval, Duration requestTimeout, int claimPerAlliance) {

  public static final WebhookOptions DEFAULT = new WebhookOptions(Duration.ofSeconds(10), Duration.ofHours(1),
      Duration.ofDays(3), Duration.ofSeconds(1), Duration.ofSeconds(10), 20);

  public static WebhookOptions fromEnv(Map<String, String> env) {
    WebhookOptions d = DEFAULT;
    return new WebhookOptions(
        millis(env, "LINKPOINTS_WEBHOOKS_RETRY_BASE_MS", d.retryBase),
        millis(env, "LINKPOINTS_WEBHOOKS_RETRY_CAP_MS", d.retryCap),
        millis(env, "LINKPOINTS_WEBHOOKS_GIVE_UP_AFTER_MS", d.giveUpAfter),
        millis(env, "LINKPOINTS_WEBHOOKS_POLL_MS", d.pollInterval),
        millis(env, "LINKPOINTS_WEBHOOKS_TIMEOUT_MS", d.requestTimeout),
        d.claimPerAlliance);
  }

  /** The same options with other retry timings (tests run in seconds). */
  public WebhookOptions withRetries(Duration base, Duration cap, Duration giveUp) {
    return new WebhookOptions(base, cap, giveUp, pollInterval, requestTimeout, claimPerAlliance);
  }

  public WebhookOptions withPollInterval(Duration poll) {
    return new WebhookOptions(retryBase, retryCap, giveUpAfter, poll, requestTimeout, claimPerAlliance);
  }

  private static Duration millis(Map<String, String> env, String name, Duration fallback) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    long ms = Long.parseLong(raw.trim());
    if (ms <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + raw);
    }
    return Duration.ofMillis(ms);
  }
}
