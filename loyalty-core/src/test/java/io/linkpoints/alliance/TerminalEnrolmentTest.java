package io.linkpoints.alliance;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Terminals: enrolment secret shown once and used once, device secret for fresh tokens, revocation at once. */
class TerminalEnrolmentTest {
  private Vertx vertx;
  private ApiFixture api;
  private ApiFixture.World w;
  private String shop;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    w = api.world("till");
    shop = "/v1/alliances/" + w.allianceId() + "/shops/" + w.shopId();
  }

  @AfterEach
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private JsonObject create() {
    return expect(201, api.post(shop + "/terminals", w.ownerToken(), new JsonObject().put("name", "Front")));
  }

  private JsonObject enrol(String secret) {
    return expect(200, api.post("/v1/terminals/enrol", null, new JsonObject().put("enrolmentSecret", secret)));
  }

  @Test
  void anEnrolledTerminalGetsShortLivedTokensForItsShop() {
    JsonObject created = create();
    assertEquals("awaiting_enrolment", created.getString("status"));
    String secret = created.getString("enrolmentSecret");
    // Only a hash is kept.
    assertEquals(0, api.count("/* test */ select count(*) from terminal where enrolment_secret_hash like '%"
        + secret.substring(secret.lastIndexOf('.') + 1) + "%'"));

    JsonObject enrolled = enrol(secret);
    assertEquals(900, enrolled.getLong("expiresIn"));
    String token = enrolled.getString("accessToken");
    expect(200, api.get(shop + "/earn-rule", token));
    expect(200, api.post(shop + "/earn-quote", token, new JsonObject().put("spendFen", 1000)));

    // The device secret buys fresh tokens after the first one expires.
    api.clock.advance(Duration.ofMinutes(16));
    assertEquals("token_expired", problemCode(api.get(shop + "/earn-rule", token)));
    String fresh = expect(200, api.post("/v1/terminals/token", null,
        new JsonObject().put("deviceSecret", enrolled.getString("deviceSecret")))).getString("accessToken");
    expect(200, api.get(shop + "/earn-rule", fresh));
    String owner = api.staffToken(w.allianceId(), "till-owner", "owner-password-1"); // its own token expired too
    assertEquals("active", expect(200, api.get(shop + "/terminals", owner))
        .getJsonArray("items").getJsonObject(0).getString("status"));
  }

  @Test
  void theEnrolmentSecretWorksOnceAndNotAfterADay() {
    String secret = create().getString("enrolmentSecret");
    enrol(secret);
    assertEquals("enrolment_secret_invalid", problemCode(api.post("/v1/terminals/enrol", null,
        new JsonObject().put("enrolmentSecret", secret))));

    String late = create().getString("enrolmentSecret");
    api.clock.advance(Terminals.ENROLMENT_WINDOW.plusSeconds(1));
    assertEquals("enrolment_secret_invalid", problemCode(api.post("/v1/terminals/enrol", null,
        new JsonObject().put("enrolmentSecret", late))));
    assertEquals("enrolment_secret_invalid", problemCode(api.post("/v1/terminals/enrol", null,
        new JsonObject().put("enrolmentSecret", "1.1.guess"))));
    String wrong = secret.substring(0, secret.lastIndexOf('.') + 1) + "A".repeat(43);
    assertEquals("enrolment_secret_invalid", problemCode(api.post("/v1/terminals/enrol", null,
        new JsonObject().put("enrolmentSecret", wrong))));
  }

  @Test
  void revocationStopsTokensDeviceSecretAndPendingEnrolmentAtOnce() {
    JsonObject created = create();
    JsonObject enrolled = enrol(created.getString("enrolmentSecret"));
    String token = enrolled.getString("accessToken");
    long id = enrolled.getLong("terminalId");
    String pending = create().getString("enrolmentSecret");
    long pendingId = Long.parseLong(pending.split("\\.")[1]);

    JsonObject revoked = expect(200, api.post(shop + "/terminals/" + id + "/revoke", w.ownerToken(), null));
    assertEquals("revoked", revoked.getString("status"));
    assertNotNull(revoked.getString("revokedAt"));
    // The 15-minute token it already holds stops working now, not when it expires.
    assertEquals("terminal_revoked", problemCode(api.get(shop + "/earn-rule", token)));
    assertEquals("device_secret_invalid", problemCode(api.post("/v1/terminals/token", null,
        new JsonObject().put("deviceSecret", enrolled.getString("deviceSecret")))));
    // Revoking again changes nothing and says the same.
    assertEquals(revoked.getString("revokedAt"),
        expect(200, api.post(shop + "/terminals/" + id + "/revoke", w.ownerToken(), null)).getString("revokedAt"));

    expect(200, api.post(shop + "/terminals/" + pendingId + "/revoke", w.ownerToken(), null));
    assertEquals("enrolment_secret_invalid", problemCode(api.post("/v1/terminals/enrol", null,
        new JsonObject().put("enrolmentSecret", pending))));
  }

  @Test
  void anotherShopsOwnerCannotRevokeAndAnUnknownTerminalIsNotFound() {
    long id = enrol(create().getString("enrolmentSecret")).getLong("terminalId");
    JsonObject other = api.createShop(w.allianceId(), w.adminToken(), "Other", "other-owner");
    String otherOwner = api.staffToken(w.allianceId(), "other-owner", "owner-password-1");
    assertEquals("not_your_shop", problemCode(api.post(shop + "/terminals/" + id + "/revoke", otherOwner, null)));
    // Through its own shop's path the terminal simply is not there.
    assertEquals("not_found", problemCode(api.post("/v1/alliances/" + w.allianceId() + "/shops/" + other.getLong("id")
        + "/terminals/" + id + "/revoke", otherOwner, null)));
    assertFalse(api.count("/* test */ select count(*) from terminal where revoked_at is not null") > 0);
  }
}
