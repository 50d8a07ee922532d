package io.linkpoints.notifications;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Which push endpoints the service will call (SSRF): https only, and no host that is or resolves to
 * a loopback, private (RFC 1918, fc00::/7), link-local (169.254/16, fe80::/10), unspecified or
 * multicast address, unless the operator allows them ({@code LINKPOINTS_ALLOW_PRIVATE_ENDPOINTS=true},
 * for a test or an on-premises push relay). Checked when a subscription is registered and again
 * before each send (a name may resolve elsewhere later); redirects are never followed.
 *
 * <p>{@link #refusal} resolves names (blocking): call it from a worker.
 */
public record EndpointPolicy(boolean allowPrivate) {
  /**
   * What a send to {@code endpoint} may do: why it may not (a refusal), or the address it must
   * connect to, the very one checked (null when private targets are allowed: the client resolves),
   * so a name that resolves elsewhere a moment later (DNS rebinding) cannot slip past the check.
   */
  public record Target(Optional<String> refusal, InetAddress address) {
  }

  /** Why {@code endpoint} may not be called, or empty when it may. */
  public Optional<String> refusal(String endpoint) {
    return target(endpoint).refusal();
  }

  /** The check and the address to connect to (see {@link Target}); resolves names, so blocking. */
  public Target target(String endpoint) {
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      return refused("not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      return refused("not an absolute URL with a host (and no user or fragment)");
    }
    if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
      return refused("a push endpoint must be https");
    }
    if (allowPrivate) {
      return new Target(Optional.empty(), null);
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      return refused("the host does not resolve");
    }
    for (InetAddress a : addresses) {
      if (isInternal(a)) {
        return refused("the host is or resolves to a loopback, private or link-local address");
      }
    }
    return new Target(Optional.empty(), addresses[0]);
  }

  private static Target refused(String why) {
    return new Target(Optional.of(why), null);
  }

  static boolean isInternal(InetAddress a) {
    if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address) {
      // unique local fc00::/7; an IPv4-mapped address is judged as its IPv4 address
      if ((b[0] & 0xfe) == 0xfc) {
        return true;
      }
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
          return true;
        }
      }
      return false;
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    // 0/8, 100.64/10 (carrier-grade NAT), 192.0.0/24
    return first == 0 || (first == 100 && second >= 64 && second < 128) || (first == 192 && second == 0 && (b[2] & 0xff) == 0);
  }
}
