package io.linkpoints.till.client;

import java.util.Set;

/**
 * The server's problem codes this client acts on, named once. Each is a code of loyalty-core's
 * catalogue ({@code io.linkpoints.web.ProblemCode}), which the adapter cannot import: it only speaks
 * HTTP; ServerCodesTest holds the two together.
 */
final class ServerCodes {
  /** Releasing by a reserve's key when the reserve never held anything: nothing to release. */
  static final String HOLD_NOT_FOUND = "hold_not_found";
  /** Refused for the token alone, before the handler ran: nothing happened, and a fresh token may be sent. */
  static final Set<String> TOKEN_REFUSED = Set.of("token_missing", "token_invalid", "token_expired");

  private ServerCodes() {
  }
}
