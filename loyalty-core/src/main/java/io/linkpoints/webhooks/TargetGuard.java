package io.linkpoints.webhooks;

import io.linkpoints.web.ProblemCode;
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
 * The guard against server-side request forgery: an endpoint must be an http(s) URL whose host is
 * and resolves to public addresses only. Refused ({@code 400 endpoint_not_allowed}): other schemes,
 * user info in the URL, hosts that do not resolve, and any address that is loopback, private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, fe80::/10), unspecified,
 * "this network" (0/8), multicast, broadcast or CGNAT (100.64/10) — unless the operator allows
 * private targets. Checked at registration and again before every delivery (DNS may have changed),
 * which then connects to the very address checked. Names are resolved on a worker thread.
 */
final class TargetGuard {
  /** A checked target: where to connect, and the host and port the request names. */
  record Target(String host, int port, boolean tls, String pathAndQuery, InetAddress address) {
  }

  private final Vertx vertx;
  private final boolean allowPrivate;

  TargetGuard(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
  }

  /** The URL's target, or {@code endpoint_not_allowed}. */
  Future<Target> check(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Future.failedFuture(ProblemCode.ENDPOINT_NOT_ALLOWED.refuse("not a URL: " + e.getMessage()));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return Future.failedFuture(ProblemCode.ENDPOINT_NOT_ALLOWED.refuse("only http and https URLs"));
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      return Future.failedFuture(ProblemCode.ENDPOINT_NOT_ALLOWED.refuse("the URL needs a host and no user info"));
    }
    boolean tls = scheme.equals("https");
    String host = uri.getHost();
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() == -1 ? (tls ? 443 : 80) : uri.getPort();
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return vertx.executeBlocking(() -> {
      InetAddress[] all;
      try {
        all = InetAddress.getAllByName(bare);
      } catch (UnknownHostException e) {
        throw ProblemCode.ENDPOINT_NOT_ALLOWED.refuse("the host " + bare + " does not resolve");
      }
      for (InetAddress a : all) {
        if (!allowPrivate && !isPublic(a)) {
          throw ProblemCode.ENDPOINT_NOT_ALLOWED.refuse("the host " + bare + " is or resolves to a non-public address "
              + a.getHostAddress());
        }
      }
      return new Target(bare, port, tls, path, all[0]);
    }, false);
  }

  /** Is this an address of the public internet (none of the ranges the guard refuses)? */
  static boolean isPublic(InetAddress a) {
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      return b0 != 0 // "this network"
          && !(b0 == 100 && (b1 & 0xc0) == 64) // CGNAT 100.64/10
          && !(b0 == 255 && b1 == 255) // broadcast
          && !(b0 == 198 && (b1 & 0xfe) == 18); // benchmarking 198.18/15
    }
    if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc) {
        return false; // unique local fc00::/7
      }
      boolean v4Embedded = true; // ::a.b.c.d and ::ffff:a.b.c.d name an IPv4 address
      for (int i = 0; i < 10; i++) {
        v4Embedded &= b[i] == 0;
      }
      if (v4Embedded && ((b[10] == 0 && b[11] == 0) || (b[10] == (byte) 0xff && b[11] == (byte) 0xff))) {
        try {
          return isPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
          return false;
        }
      }
    }
    return true;
  }
}
