package io.linkpoints.platform;

import java.time.Duration;
import java.util.Map;

/**
 * How webhooks are sent (docs/webhooks.md). {@code allowPrivateTargets}: endpoints on loopback,
 * private, link-local, CGNAT and other non-public addresses are refused unless the operator allows
 * them (tests do, for their local receiver). A failed delivery is tried again after
 * {@code retryBase} × 2^(attempts − 1), at most {@code retryCap}, with jitter, until
 * {@code giveUpAfter} has passed since it became due; then the endpoint is disabled.
 */
public record WebhookOptions(boolean allowPrivateTargets, Duration retryBase, Duration retryCap, Duration giveUpAfter,
    Duration pollInterval, Duration requestTimeout, int claimPerAlliance) {

  public static final WebhookOptions DEFAULT = new WebhookOptions(false, Duration.ofSeconds(10), Duration.ofHours(1),
      Duration.ofDays(3), Duration.ofSeconds(1), Duration.ofSeconds(10), 20);

  public static WebhookOptions fromEnv(Map<String, String> env) {
    WebhookOptions d = DEFAULT;
    return new WebhookOptions(
        Boolean.parseBoolean(env.getOrDefault("LINKPOINTS_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "false").trim()),
        millis(env, "LINKPOINTS_WEBHOOKS_RETRY_BASE_MS", d.retryBase),
        millis(env, "LINKPOINTS_WEBHOOKS_RETRY_CAP_MS", d.retryCap),
        millis(env, "LINKPOINTS_WEBHOOKS_GIVE_UP_AFTER_MS", d.giveUpAfter),
        millis(env, "LINKPOINTS_WEBHOOKS_POLL_MS", d.pollInterval),
        millis(env, "LINKPOINTS_WEBHOOKS_TIMEOUT_MS", d.requestTimeout),
        d.claimPerAlliance);
  }

  /** The same options with private targets allowed or not. */
  public WebhookOptions withPrivateTargets(boolean allowed) {
    return new WebhookOptions(allowed, retryBase, retryCap, giveUpAfter, pollInterval, requestTimeout, claimPerAlliance);
  }

  /** The same options with other retry timings (tests run in seconds). */
  public WebhookOptions withRetries(Duration base, Duration cap, Duration giveUp) {
    return new WebhookOptions(allowPrivateTargets, base, cap, giveUp, pollInterval, requestTimeout, claimPerAlliance);
  }

  public WebhookOptions withPollInterval(Duration poll) {
    return new WebhookOptions(allowPrivateTargets, retryBase, retryCap, giveUpAfter, poll, requestTimeout, claimPerAlliance);
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
