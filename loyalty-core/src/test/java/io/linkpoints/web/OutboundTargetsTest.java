package io.linkpoints.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.LinkpointsConfig;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SSRF: the one table of what the guard refuses and allows, every address class the push
 * endpoints' and the webhook targets' guards had (and the transition ranges they now share), then
 * what the operator's switch allows, and the switch's name and its two older ones.
 */
class OutboundTargetsTest {
  private final OutboundTargets strict = new OutboundTargets(false);
  private final OutboundTargets allowing = new OutboundTargets(true);

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      # URL                                           | refused by default? | why
      https://203.0.113.5/push/abc                    | no  | public IPv4 (push's example)
      https://[2001:db8::1]:8443/push                 | no  | public IPv6 (push's example)
      https://93.184.215.14/hooks?shop=cafe           | no  | public IPv4 (webhooks' example)
      https://8.8.8.8/x                               | no  | public IPv4
      https://100.63.255.255/x                        | no  | just below CGNAT
      https://100.128.0.1/x                           | no  | just above CGNAT
      https://172.32.0.1/x                            | no  | just above 172.16/12
      https://192.0.1.1/x                             | no  | just above 192.0.0/24
      https://198.17.255.255/x                        | no  | just below benchmarking
      https://198.20.0.1/x                            | no  | just above benchmarking
      https://223.255.255.254/x                       | no  | just below multicast
      https://[2606:4700::1111]/x                     | no  | public IPv6
      https://[64:ff9b::808:808]/x                    | no  | NAT64 of a public IPv4 address
      https://[2002:808:808::1]/x                     | no  | 6to4 of a public IPv4 address
      https://[::ffff:8.8.8.8]/x                      | no  | IPv4-mapped public address
      http://203.0.113.5/push                         | yes | plain http
      http://93.184.215.14/hook                       | yes | plain http
      ftp://203.0.113.5/push                          | yes | other scheme
      file:///etc/passwd                              | yes | other scheme, no host
      not a url                                       | yes | not a URL
      /relative/path                                  | yes | not absolute
      https://user@203.0.113.5/push                   | yes | user info
      https://user:pw@93.184.215.14/hook              | yes | user info with a password
      https://203.0.113.5/push#frag                   | yes | fragment
      https://no-such-host.invalid/hook               | yes | does not resolve
      https://localhost/push                          | yes | a name for loopback
      https://localhost:8080/hook                     | yes | a name for loopback
      https://127.0.0.1/push                          | yes | loopback
      https://127.8.9.10:8080/hook                    | yes | loopback 127/8
      https://[::1]/push                              | yes | IPv6 loopback
      https://0.0.0.0/push                            | yes | unspecified
      https://[::]/x                                  | yes | IPv6 unspecified
      https://0.1.2.3/x                               | yes | this network 0/8
      https://10.1.2.3/push                           | yes | private 10/8
      https://10.0.0.1/x                              | yes | private 10/8
      https://172.16.0.9/push                         | yes | private 172.16/12
      https://172.31.255.255/x                        | yes | private 172.16/12
      https://192.168.1.1/push                        | yes | private 192.168/16
      https://169.254.169.254/latest/meta-data        | yes | link-local (cloud metadata)
      https://[fe80::1]/push                          | yes | IPv6 link-local
      https://[fec0::1]/x                             | yes | IPv6 site-local (deprecated)
      https://[fc00::1]/x                             | yes | unique local fc00::/7
      https://[fd00::1]/push                          | yes | unique local fc00::/7
      https://[fd12:3456::1]/x                        | yes | unique local fc00::/7
      https://100.64.0.1/x                            | yes | CGNAT 100.64/10
      https://100.127.255.254/x                       | yes | CGNAT 100.64/10
      https://192.0.0.8/x                             | yes | IETF protocol assignments 192.0.0/24
      https://198.18.0.1/x                            | yes | benchmarking 198.18/15
      https://198.19.255.255/x                        | yes | benchmarking 198.18/15
      https://224.0.0.251/x                           | yes | multicast
      https://239.1.1.1/x                             | yes | multicast
      https://[ff02::1]/x                             | yes | IPv6 multicast
      https://240.0.0.1/x                             | yes | reserved 240/4
      https://255.255.255.255/x                       | yes | broadcast
      https://[::ffff:10.0.0.1]/push                  | yes | IPv4-mapped private
      https://[::ffff:127.0.0.1]/x                    | yes | IPv4-mapped loopback
      https://[::127.0.0.1]/x                         | yes | IPv4-compatible loopback
      https://[::a00:1]/x                             | yes | IPv4-compatible private
      https://[64:ff9b::a00:1]/x                      | yes | NAT64 of 10.0.0.1
      https://[64:ff9b::a9fe:a9fe]/x                  | yes | NAT64 of the metadata address
      https://[64:ff9b:1::808:808]/x                  | yes | local-use NAT64 64:ff9b:1::/48
      https://[2002:a00:1::1]/x                       | yes | 6to4 of 10.0.0.1
      https://[2002:7f00:1::1]/x                      | yes | 6to4 of 127.0.0.1
      https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x | yes | Teredo 2001::/32
      https://[100::1]/x                              | yes | discard-only 100::/64
      """)
  void theTable(String url, String refused, String why) {
    boolean isRefused = refusedBy(strict, url);
    assertEquals(refused.equals("yes"), isRefused, url + " (" + why + ")");
  }

  @Test
  void theSwitchAllowsPlainHttpAndPrivateAddressesButNothingElse() throws Exception {
    for (String url : new String[] {"http://127.0.0.1:9999/push", "https://[::1]/push", "http://10.1.2.3/hook",
        "https://169.254.169.254/x", "http://localhost:8080/hook", "https://[64:ff9b::a00:1]/x"}) {
      assertFalse(refusedBy(allowing, url), url);
    }
    for (String url : new String[] {"ftp://127.0.0.1/push", "file:///etc/passwd", "http://user@127.0.0.1/x",
        "http://127.0.0.1/x#f", "http://no-such-host.invalid/x", "not a url"}) {
      assertTrue(refusedBy(allowing, url), url);
    }
  }

  @Test
  void theTargetIsTheAddressChecked() throws Exception {
    OutboundTargets.Target t = strict.resolve("https://[2001:db8::1]:8443/push/a%20b?x=1&y=2");
    assertEquals("2001:db8::1", t.host());
    assertEquals(8443, t.port());
    assertTrue(t.tls());
    assertEquals("/push/a%20b?x=1&y=2", t.pathAndQuery());
    assertEquals(InetAddress.getByName("2001:db8::1"), t.address());
    OutboundTargets.Target plain = allowing.resolve("http://127.0.0.1");
    assertEquals(80, plain.port());
    assertFalse(plain.tls());
    assertEquals("/", plain.pathAndQuery());
    assertEquals(InetAddress.getByName("127.0.0.1"), plain.address());
  }

  @Test
  void theReasonNamesTheAddress() {
    OutboundTargets.Refused r = assertThrows(OutboundTargets.Refused.class, () -> strict.resolve("https://10.9.8.7/x"));
    assertTrue(r.getMessage().contains("non-public address 10.9.8.7"), r.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      # environment (name=value, ...)                                                  | allowed?
      ''                                                                                 | false
      LINKPOINTS_ALLOW_PRIVATE_TARGETS=true                                              | true
      LINKPOINTS_ALLOW_PRIVATE_TARGETS=false                                             | false
      LINKPOINTS_ALLOW_PRIVATE_ENDPOINTS=true                                            | true
      LINKPOINTS_WEBHOOKS_ALLOW_PRIVATE_TARGETS=true                                     | true
      LINKPOINTS_ALLOW_PRIVATE_ENDPOINTS=false                                           | false
      LINKPOINTS_ALLOW_PRIVATE_TARGETS=false, LINKPOINTS_ALLOW_PRIVATE_ENDPOINTS=true    | false
      LINKPOINTS_ALLOW_PRIVATE_TARGETS=true, LINKPOINTS_WEBHOOKS_ALLOW_PRIVATE_TARGETS=false | true
      """)
  void oneSwitchAndItsTwoOlderNames(String environment, boolean allowed) {
    Map<String, String> env = new java.util.HashMap<>();
    for (String pair : environment.split(",")) {
      if (!pair.isBlank()) {
        String[] kv = pair.trim().split("=");
        env.put(kv[0], kv[1]);
      }
    }
    assertEquals(allowed, LinkpointsConfig.fromEnv(env).allowPrivateTargets(), environment);
  }

  private static boolean refusedBy(OutboundTargets guard, String url) {
    try {
      guard.resolve(url);
      return false;
    } catch (OutboundTargets.Refused refused) {
      return true;
    }
  }
}
