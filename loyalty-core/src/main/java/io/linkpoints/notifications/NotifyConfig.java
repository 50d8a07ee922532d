package io.linkpoints.notifications;

import java.util.Map;
import java.util.Optional;

/**
 * The notification settings an operator sets (README, "Configuration"):
 * {@code LINKPOINTS_VAPID_SUBJECT} (the contact push services see in the VAPID JWT),
 * {@code LINKPOINTS_SMS_GATEWAY_URL} and {@code LINKPOINTS_SMS_GATEWAY_SECRET} (both, or no SMS).
 */
public record NotifyConfig(String vapidSubject, Optional<String> smsGatewayUrl,
    Optional<String> smsGatewaySecret) {
  public static final String DEFAULT_SUBJECT = "mailto:operator@linkpoints.invalid";

  public static NotifyConfig fromEnv(Map<String, String> env) {
    Optional<String> url = Optional.ofNullable(env.get("LINKPOINTS_SMS_GATEWAY_URL")).filter(s -> !s.isBlank());
    Optional<String> secret = Optional.ofNullable(env.get("LINKPOINTS_SMS_GATEWAY_SECRET")).filter(s -> !s.isBlank());
    if (url.isPresent() != secret.isPresent()) {
      throw new IllegalArgumentException("LINKPOINTS_SMS_GATEWAY_URL and LINKPOINTS_SMS_GATEWAY_SECRET go together");
    }
    return new NotifyConfig(env.getOrDefault("LINKPOINTS_VAPID_SUBJECT", DEFAULT_SUBJECT), url, secret);
  }

  public boolean smsConfigured() {
    return smsGatewayUrl.isPresent();
  }
}
