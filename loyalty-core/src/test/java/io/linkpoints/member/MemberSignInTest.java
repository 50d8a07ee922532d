package io.linkpoints.member;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.auth.SignInCodes;
import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Members join once by phone and sign in with one-time codes: wrong, expired, reused and too many tries. */
class MemberSignInTest {
  private static final String PHONE = "+8613912345678";
  private Vertx vertx;
  private ApiFixture api;
  private long alliance;
  private String base;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    alliance = api.createAlliance("Members", "members-admin").getLong("id");
    base = "/v1/alliances/" + alliance + "/members/sign-in";
  }

  @AfterEach
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private String requestCode() {
    expect(202, api.post(base + "/code", null, new JsonObject().put("phone", PHONE)));
    return api.codes.last(alliance, PHONE);
  }

  private HttpResponse<Buffer> signIn(String code) {
    return api.post(base, null, new JsonObject().put("phone", PHONE).put("code", code));
  }

  private static String wrong(String code) {
    return code.equals("000000") ? "000001" : "000000";
  }

  @Test
  void theFirstSignInJoinsOnceWithAWalletAndAnOpaqueHandle() {
    String code = requestCode();
    assertTrue(code.matches("[0-9]{6}"));
    assertEquals(0, api.count("/* test */ select count(*) from member_sign_in_code where code_hash like '%" + code + "%'"),
        "codes are hashed at rest");
    JsonObject first = expect(200, signIn(code));
    assertTrue(first.getBoolean("joined"));
    long id = first.getJsonObject("member").getLong("id");
    String handle = first.getJsonObject("member").getString("handle");
    assertFalse(handle.contains("13912345678"));
    assertEquals(1, api.count("/* test */ select count(*) from ledger_account where alliance_id = " + alliance
        + " and kind = 'member_wallet' and owner_id = " + id));

    JsonObject again = expect(200, signIn(requestCode()));
    assertFalse(again.getBoolean("joined"));
    assertEquals(id, again.getJsonObject("member").getLong("id"));
    assertEquals(1, api.count("/* test */ select count(*) from member"));
    JsonObject me = expect(200, api.get("/v1/members/me", again.getString("accessToken")));
    assertEquals(handle, me.getString("handle"));
    assertEquals(0L, me.getLong("availablePoints"));
  }

  @Test
  void aWrongCodeIsSignInCodeInvalidAndTheRightOneStillWorks() {
    String code = requestCode();
    assertEquals("sign_in_code_invalid", problemCode(signIn(wrong(code))));
    expect(200, signIn(code));
    // Used once: the same code again is refused.
    assertEquals("sign_in_code_invalid", problemCode(signIn(code)));
    assertEquals(0, api.count("/* test */ select count(*) from member_sign_in_code"));
  }

  @Test
  void anExpiredCodeIsSignInCodeExpired() {
    String code = requestCode();
    api.clock.advance(SignInCodes.LIFETIME.plusSeconds(1));
    assertEquals("sign_in_code_expired", problemCode(signIn(code)));
    assertEquals(0, api.count("/* test */ select count(*) from member"));
  }

  @Test
  void afterTooManyWrongCodesEvenTheRightOneIsRefused() {
    String code = requestCode();
    for (int i = 0; i < SignInCodes.MAX_ATTEMPTS; i++) {
      assertEquals("sign_in_code_invalid", problemCode(signIn(wrong(code))));
    }
    HttpResponse<Buffer> locked = signIn(code);
    assertEquals(429, locked.statusCode());
    assertEquals("too_many_attempts", problemCode(locked));
    assertEquals(0, api.count("/* test */ select count(*) from member"));
    // A new code starts afresh.
    expect(200, signIn(requestCode()));
  }

  @Test
  void askingForCodesIsRateLimitedPerPhone() {
    String first = null;
    for (int i = 0; i < Members.MAX_SIGN_IN_CODE_REQUESTS; i++) {
      String code = requestCode();
      first = first == null ? code : first;
    }
    HttpResponse<Buffer> refused = api.post(base + "/code", null, new JsonObject().put("phone", PHONE));
    assertEquals(429, refused.statusCode());
    assertEquals("too_many_attempts", problemCode(refused));
    api.clock.advance(Members.SIGN_IN_CODE_REQUEST_WINDOW.plus(Duration.ofSeconds(1)));
    requestCode();
    assertNotEquals(null, first);
  }

  @Test
  void badPhonesAndUnknownAlliancesAreRefusedClearly() {
    assertEquals("validation_failed", problemCode(api.post(base + "/code", null, new JsonObject().put("phone", "12345"))));
    assertEquals("validation_failed", problemCode(api.post(base, null,
        new JsonObject().put("phone", PHONE).put("code", "12ab56"))));
    assertEquals("not_found", problemCode(api.post("/v1/alliances/999999/members/sign-in/code", null,
        new JsonObject().put("phone", PHONE))));
  }
}
