package io.linkpoints.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.Await;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PBKDF2 hashes: parameters stored, salted, verified in constant time, and OWASP's count by default. */
class PasswordHasherTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void productionUsesOwaspsIterationCount() {
    String hash = new PasswordHasher(vertx, PasswordHasher.OWASP_ITERATIONS).hashBlocking("correct horse battery");
    assertTrue(hash.startsWith("pbkdf2_sha256$600000$"), hash);
    assertTrue(PasswordHasher.verifyBlocking("correct horse battery", hash));
  }

  @Test
  void hashesAreSaltedAndVerifyOnlyTheRightPassword() {
    PasswordHasher hasher = new PasswordHasher(vertx, 1_000);
    String a = Await.await(hasher.hash("correct horse battery"));
    String b = Await.await(hasher.hash("correct horse battery"));
    assertNotEquals(a, b);
    assertTrue(Await.await(hasher.verify("correct horse battery", a)));
    assertFalse(Await.await(hasher.verify("correct horse batterz", a)));
    assertFalse(Await.await(hasher.verify("correct horse battery", null)), "no such user never verifies");
    assertFalse(PasswordHasher.verifyBlocking("x", "md5$abc"));
  }

  @Test
  void aHashWithFewerIterationsIsMarkedForRehash() {
    String weak = new PasswordHasher(vertx, 1_000).hashBlocking("pw-pw-pw-pw");
    assertTrue(new PasswordHasher(vertx, 2_000).needsRehash(weak));
    assertFalse(new PasswordHasher(vertx, 1_000).needsRehash(weak));
  }
}
