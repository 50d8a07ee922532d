package io.linkpoints.auth;

import io.vertx.core.Future;

/**
 * Delivers a member's one-time sign-in code. An SMS gateway implements this; the embedded demo
 * uses {@link LogSignInCodeSender}, which writes codes to the server log.
 */
public interface SignInCodeSender {
  Future<Void> send(long allianceId, String phone, String code);
}
