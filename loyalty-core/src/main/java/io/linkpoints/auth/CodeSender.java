package io.linkpoints.auth;

import io.vertx.core.Future;

/**
 * Delivers a member's one-time sign-in code. An SMS gateway implements this; the embedded demo
 * uses {@link LogCodeSender}, which writes codes to the server log.
 */
public interface CodeSender {
  Future<Void> send(long allianceId, String phone, String code);
}
