package io.linkpoints.alliance;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Staff sign-in: tokens for the right password, and five failures per 15 minutes lock the username. */
class StaffSignInTest {
  private Vertx vertx;
  private ApiFixture api;
  private long alliance;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    alliance = api.createAlliance("Staff", "boss").getLong("id");
  }

  @AfterEach
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private HttpResponse<Buffer> signIn(String username, String password) {
    return api.post("/v1/alliances/" + alliance + "/staff/sign-in", null,
        new JsonObject().put("username", username).put("password", password));
  }

  @Test
  void theRightPasswordGivesAnAdminToken() {
    JsonObject token = expect(200, signIn("boss", "admin-password-1"));
    assertEquals("admin", token.getString("role"));
    assertEquals(alliance, token.getLong("allianceId"));
    assertEquals("invalid_credentials", problemCode(signIn("boss", "admin-password-2")));
    assertEquals("invalid_credentials", problemCode(signIn("nobody", "admin-password-1")));
  }

  @Test
  void fiveFailuresLockTheUsernameForFifteenMinutesEvenForTheRightPassword() {
    for (int i = 0; i < StaffSignIn.MAX_FAILURES; i++) {
      assertEquals(401, signIn("boss", "wrong-" + i).statusCode());
    }
    HttpResponse<Buffer> locked = signIn("boss", "admin-password-1");
    assertEquals(429, locked.statusCode());
    assertEquals("too_many_attempts", problemCode(locked));
    api.clock.advance(Duration.ofMinutes(14));
    assertEquals(429, signIn("boss", "admin-password-1").statusCode());

    api.clock.advance(Duration.ofMinutes(2));
    expect(200, signIn("boss", "admin-password-1"));
  }

  @Test
  void aSuccessClearsTheCountAndUsernamesAreCountedApart() {
    for (int i = 0; i < StaffSignIn.MAX_FAILURES - 1; i++) {
      signIn("boss", "wrong");
    }
    expect(200, signIn("boss", "admin-password-1"));
    for (int i = 0; i < StaffSignIn.MAX_FAILURES - 1; i++) {
      assertEquals(401, signIn("boss", "wrong").statusCode());
    }
    expect(200, signIn("boss", "admin-password-1"));

    // Unknown usernames are limited like real ones, and do not lock anyone else.
    for (int i = 0; i < StaffSignIn.MAX_FAILURES; i++) {
      signIn("ghost", "wrong");
    }
    assertEquals(429, signIn("ghost", "wrong").statusCode());
    expect(200, signIn("boss", "admin-password-1"));
  }
}
