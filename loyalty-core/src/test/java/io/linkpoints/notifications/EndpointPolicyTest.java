package io.linkpoints.notifications;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** SSRF: which push endpoints a default service refuses, and what the operator's switch allows. */
class EndpointPolicyTest {
  private final EndpointPolicy strict = new EndpointPolicy(false);

  @Test
  void internalAddressesAndPlainHttpAreRefused() {
    for (String url : List.of("https://127.0.0.1/push", "https://10.1.2.3/push", "https://172.16.0.9/push",
        "https://192.168.1.1/push", "https://169.254.169.254/latest/meta-data", "https://[::1]/push",
        "https://[fe80::1]/push", "https://[fd00::1]/push", "https://[::ffff:10.0.0.1]/push", "https://0.0.0.0/push",
        "https://localhost/push", "http://203.0.113.5/push", "ftp://203.0.113.5/push", "not a url",
        "https://user@203.0.113.5/push")) {
      assertTrue(strict.refusal(url).isPresent(), url + " should be refused");
    }
  }

  @Test
  void aPublicHttpsEndpointIsAllowedAndTheSwitchAllowsPrivateOnes() {
    assertEquals(Optional.empty(), strict.refusal("https://203.0.113.5/push/abc"));
    assertEquals(Optional.empty(), strict.refusal("https://[2001:db8::1]:8443/push"));
    EndpointPolicy allowing = new EndpointPolicy(true);
    assertEquals(Optional.empty(), allowing.refusal("http://127.0.0.1:9999/push"));
    assertTrue(allowing.refusal("ftp://127.0.0.1/push").isPresent());
  }
}
