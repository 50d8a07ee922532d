package io.linkpoints.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The one guard against server-side request forgery, for every URL the service calls that someone
 * else named (push endpoints, webhook targets). One decision, {@link #resolve}:
 *
 * <ul>
 *   <li>an absolute https URL with a host, no user info and no fragment (plain http only when the
 *       operator allows private targets: a local receiver in a test, an on-premises relay);
 *   <li>the host is resolved once, and every address it resolves to must be public (see
 *       {@link #isPublic}) unless the operator allows private targets;
 *   <li>the caller connects to the very address checked ({@link Target#address}), so a name that
 *       resolves elsewhere a moment later (DNS rebinding) cannot slip past the check.
 * </ul>
 *
 * <p>The switch is {@code LINKPOINTS_ALLOW_PRIVATE_TARGETS} ({@code LinkpointsConfig}). Each
 * feature answers a refusal with its own {@link ProblemCode}; the reasons are the guard's.
 * Resolving names blocks: call {@link #resolve} on a worker, or {@link #check}, which goes to one.
 */
public final class OutboundTargets {
  /** A checked target: where to connect, and the host, port and path the request names. */
  public record Target(String host, int port, boolean tls, String pathAndQuery, InetAddress address) {
  }

  /** Why a URL may not be called (the guard's words, put into the caller's refusal). */
  public static final class Refused extends Exception {
    Refused(String why) {
      super(why, null, false, false);
    }
  }

  private final boolean allowPrivate;

  /** {@code allowPrivate}: the operator's word that targets may be plain http and on non-public addresses. */
  public OutboundTargets(boolean allowPrivate) {
    this.allowPrivate = allowPrivate;
  }

  public boolean allowsPrivate() {
    return allowPrivate;
  }

  /** {@link #resolve} on a worker; a refusal fails the future with {@code code}'s refusal. */
  public Future<Target> check(Vertx vertx, String url, ProblemCode code) {
    return vertx.executeBlocking(() -> {
      try {
        return resolve(url);
      } catch (Refused refused) {
        throw code.refuse(refused.getMessage());
      }
    }, false);
  }

  /** The URL's target, checked; resolves the host, so blocking. */
  public Target resolve(String url) throws Refused {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new Refused("not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new Refused("only https URLs (http too when private targets are allowed)");
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw new Refused("not an absolute URL with a host (and no user info or fragment)");
    }
    boolean tls = scheme.equals("https");
    String host = uri.getHost();
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(bare);
    } catch (UnknownHostException e) {
      throw new Refused("the host " + bare + " does not resolve");
    }
    if (!allowPrivate) {
      for (InetAddress a : all) {
        if (!isPublic(a)) {
          throw new Refused("the host " + bare + " is or resolves to a non-public address " + a.getHostAddress());
        }
      }
    }
    // After the addresses, so a private target over http is refused for what it reaches.
    if (!tls && !allowPrivate) {
      throw new Refused("only https URLs (plain http only when private targets are allowed)");
    }
    return new Target(bare, port, tls, path, all[0]);
  }

  /**
   * Is this an address of the public internet? Not: unspecified, loopback, private (10/8,
   * 172.16/12, 192.168/16, fc00::/7, the old fec0::/10), link-local (169.254/16, fe80::/10),
   * "this network" (0/8), CGNAT (100.64/10), IETF protocol assignments (192.0.0/24), benchmarking
   * (198.18/15), multicast (224/4, ff00::/8), reserved and broadcast (240/4), discard-only
   * (100::/64); and an IPv6 address that carries an IPv4 one (IPv4-mapped ::ffff:0:0/96,
   * IPv4-compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) is judged as that IPv4 address,
   * while local-use NAT64 (64:ff9b:1::/48) and Teredo (2001::/32), whose IPv4 end cannot be
   * judged from here, are refused.
   */
  public static boolean isPublic(InetAddress a) {
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      int b2 = b[2] & 0xff;
      return b0 != 0 // "this network"
          && !(b0 == 100 && (b1 & 0xc0) == 64) // CGNAT 100.64/10
          && !(b0 == 192 && b1 == 0 && b2 == 0) // IETF protocol assignments 192.0.0/24
          && !(b0 == 198 && (b1 & 0xfe) == 18) // benchmarking 198.18/15
          && b0 < 240; // reserved 240/4 and broadcast 255.255.255.255
    }
    if (!(a instanceof Inet6Address)) {
      return false;
    }
    if ((b[0] & 0xfe) == 0xfc) {
      return false; // unique local fc00::/7
    }
    if (startsWith(b, 0x01, 0x00, 0, 0, 0, 0, 0, 0)) {
      return false; // discard-only 100::/64
    }
    if (startsWith(b, 0x20, 0x01, 0x00, 0x00)) {
      return false; // Teredo 2001::/32
    }
    if (startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0x00, 0x01)) {
      return false; // local-use NAT64 64:ff9b:1::/48
    }
    if (startsWith(b, 0x20, 0x02)) {
      return isPublic(ipv4(b[2], b[3], b[4], b[5])); // 6to4 2002:a.b.c.d::/48
    }
    boolean zeros = startsWith(b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    boolean mapped = zeros && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean compatible = zeros && b[10] == 0 && b[11] == 0;
    boolean nat64 = startsWith(b, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0);
    if (mapped || compatible || nat64) {
      return isPublic(ipv4(b[12], b[13], b[14], b[15]));
    }
    return true;
  }

  private static boolean startsWith(byte[] address, int... prefix) {
    for (int i = 0; i < prefix.length; i++) {
      if ((address[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static InetAddress ipv4(byte b0, byte b1, byte b2, byte b3) {
    try {
      return InetAddress.getByAddress(new byte[] {b0, b1, b2, b3});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }
}
