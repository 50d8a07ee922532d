package io.linkpoints.auth;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The demo's code sender: no SMS is sent; the code is written to the server log, and it says so. */
public final class LogSignInCodeSender implements SignInCodeSender {
  private static final Logger log = LoggerFactory.getLogger(LogSignInCodeSender.class);

  public LogSignInCodeSender() {
    log.warn("No SMS gateway is configured: member sign-in codes are written to this log (demo only).");
  }

  @Override
  public Future<Void> send(long allianceId, String phone, String code) {
    log.info("DEMO, NOT SENT BY SMS: sign-in code for {} in alliance {} is {}", phone, allianceId, code);
    return Future.succeededFuture();
  }
}
