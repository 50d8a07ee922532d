package io.linkpoints.member;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.linkpoints.auth.MemberDeviceSecrets;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.linkpoints.testing.PosWorld;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Binding, listing and revoking member devices, and who may see and revoke whose. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MemberDevicesTest {
  private Vertx vertx;
  private ApiFixture api;
  private PosWorld world;
  private Till shop;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    world = new PosWorld(api, "devices");
    shop = world.shop("Bakery");
  }

  @AfterAll
  void stop() {
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void aBoundDevicesSecretIsShownOnceAndStoredSealed(@TempDir Path elsewhere) throws Exception {
    Person member = world.member();
    JsonObject bound = expect(201, api.post("/v1/members/me/devices", member.token(), new JsonObject().put("label", "Pixel")));
    byte[] secret = Base64.getUrlDecoder().decode(bound.getString("secret"));
    assertEquals(32, secret.length);
    long id = bound.getJsonObject("device").getLong("id");
    assertEquals("Pixel", bound.getJsonObject("device").getString("label"));
    assertNull(bound.getJsonObject("device").getString("revokedAt"));

    JsonArray listed = expect(200, api.get("/v1/members/me/devices", member.token())).getJsonArray("items");
    assertEquals(1, listed.size());
    assertFalse(listed.getJsonObject(0).containsKey("secret"), "the secret is never shown again");

    // In the database only sealed, and it opens only with the data folder's key.
    byte[] sealed = Base64.getDecoder().decode(api.text("/* test */ select encode(secret_sealed, 'base64') from member_device where id = " + id)
        .replace("\n", ""));
    assertFalse(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)
        .contains(new String(secret, java.nio.charset.StandardCharsets.ISO_8859_1)));
    assertArrayEquals(secret, MemberDeviceSecrets.loadOrCreate(api.app.config().codeKeysDir()).open(id, sealed));
    assertThrows(java.security.GeneralSecurityException.class, () -> MemberDeviceSecrets.loadOrCreate(elsewhere).open(id, sealed));
  }

  @Test
  void aMemberSeesAndRevokesOnlyTheirOwnDevices() {
    Person ana = world.member();
    Person bo = world.member();
    long anas = world.phone(ana).deviceId;
    long bos = world.phone(bo).deviceId;
    assertRefused("device_not_found", 404, api.send(HttpMethod.DELETE, "/v1/members/me/devices/" + anas, bo.token(), null));
    assertRefused("device_not_found", 404, api.get("/v1/members/me/devices/" + anas + "/uses", bo.token()));
    assertRefused("device_not_found", 404, api.send(HttpMethod.DELETE, "/v1/members/me/devices/99999998", bo.token(), null));
    assertNull(expect(200, api.get("/v1/members/me/devices", ana.token())).getJsonArray("items").getJsonObject(0)
        .getString("revokedAt"));
    expect(200, api.send(HttpMethod.DELETE, "/v1/members/me/devices/" + bos, bo.token(), null));
    // Uses of one's codes, newest first.
    String code = world.code(ana);
    expect(200, world.pos(shop, "accrue", PosWorld.key(), new JsonObject().put("memberCode", code).put("spendFen", 100)));
    JsonArray uses = expect(200, api.get("/v1/members/me/devices/" + anas + "/uses", ana.token())).getJsonArray("items");
    assertEquals(1, uses.size());
    assertEquals(Integer.parseInt(code.substring(11, 12)), uses.getJsonObject(0).getInteger("counter"));
    assertNotNull(expect(200, api.get("/v1/members/me/devices", ana.token())).getJsonArray("items").getJsonObject(0)
        .getString("lastUsedAt"));
  }

  @Test
  void staffFindMembersByPhoneOnlyInTheirAllianceAndOwnersOnlyInTheirShop() {
    Person member = world.member();
    world.phone(member);
    String path = "/v1/alliances/" + world.allianceId + "/shops/" + shop.shopId() + "/member-devices/search";
    JsonObject found = expect(200, api.post(path, shop.ownerToken(), new JsonObject().put("phone", world.phoneNumber(member))));
    assertEquals(1, found.getJsonArray("items").size());
    assertFalse(found.getString("phone").equals(world.phoneNumber(member)), "staff see the phone masked");
    assertRefused("member_not_found", 404, api.post(path, shop.ownerToken(), new JsonObject().put("phone", "+8613000000001")));
    Till other = world.shop("Florist");
    assertEquals(403, api.post(path, other.ownerToken(), new JsonObject().put("phone", world.phoneNumber(member))).statusCode());
    assertEquals(403, api.post("/v1/alliances/" + world.allianceId + "/member-devices/search", shop.ownerToken(),
        new JsonObject().put("phone", world.phoneNumber(member))).statusCode(), "the alliance-wide search is the admin's");
    PosWorld elsewhere = new PosWorld(api, "devices-elsewhere");
    Till foreign = elsewhere.shop("Foreign");
    long device = world.phone(member).deviceId;
    assertRefused("device_not_found", 404, api.send(HttpMethod.DELETE, "/v1/alliances/" + elsewhere.allianceId
        + "/member-devices/" + device, elsewhere.adminToken, null));
    assertRefused("device_not_found", 404, api.send(HttpMethod.DELETE, "/v1/alliances/" + elsewhere.allianceId
        + "/shops/" + foreign.shopId() + "/member-devices/" + device, foreign.ownerToken(), null));
    assertNull(expect(200, api.get("/v1/members/me/devices", member.token())).getJsonArray("items").getJsonObject(0)
        .getString("revokedAt"), "nothing revoked by another alliance's staff");
  }

  @Test
  void racingBindsLeaveAtMostTenActiveDevices() throws Exception {
    Person member = world.member();
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        calls.add(pool.submit((Callable<HttpResponse<Buffer>>) () -> api.post("/v1/members/me/devices", member.token(),
            new JsonObject().put("label", "racer"))));
      }
      for (Future<HttpResponse<Buffer>> call : calls) {
        assertEquals(201, call.get().statusCode());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(MemberDevices.MAX_ACTIVE, api.count("/* test */ select count(*) from member_device where member_id = "
        + member.memberId() + " and revoked_at is null"));
    assertEquals(24, api.count("/* test */ select count(*) from member_device where member_id = " + member.memberId()));
  }

  private static void assertRefused(String code, int status, HttpResponse<Buffer> r) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    assertEquals(code, problemCode(r));
  }
}
