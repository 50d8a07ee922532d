package io.linkpoints.alliance;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.ApiFixture.problemCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An admin adds another admin (what four-eyes approvals need): the new one signs in as an admin of
 * this alliance only; a taken username is refused, also when eight adds race on two instances; an
 * owner may not add one; the add is in the audit log.
 */
class AdminsTest {
  private Vertx vertx;
  private ApiFixture api;
  private ApiFixture second;
  private ApiFixture.World w;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = new ApiFixture(vertx);
    second = api.anotherInstance();
    w = api.world("adm");
  }

  @AfterEach
  void stop() {
    second.close();
    api.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  private String admins() {
    return "/v1/alliances/" + w.allianceId() + "/admins";
  }

  private static JsonObject admin(String username) {
    return new JsonObject().put("username", username).put("password", "second-pair-of-eyes");
  }

  @Test
  void anAdminAddsAnotherWhoSignsInAsAnAdmin() {
    JsonObject added = expect(201, api.post(admins(), w.adminToken(), admin("adm-admin-two")));
    assertEquals("admin", added.getString("role"));
    assertNull(added.getValue("shopId"));
    String token = api.staffToken(w.allianceId(), "adm-admin-two", "second-pair-of-eyes");
    // The new admin acts as one: it lists the admins, both of them, in the order they were added.
    JsonArray items = expect(200, api.get(admins(), token)).getJsonArray("items");
    assertEquals(List.of("adm-admin", "adm-admin-two"),
        items.stream().map(o -> ((JsonObject) o).getString("username")).toList());

    // A username taken by anyone in the alliance (an owner's too) is refused, and nothing is added.
    assertEquals("username_taken", problemCode(api.post(admins(), w.adminToken(), admin("adm-owner"))));
    assertEquals("username_taken", problemCode(api.post(admins(), token, admin("adm-admin-two"))));
    // Owners may not add admins; another alliance's admin may not either.
    assertEquals("role_not_allowed", problemCode(api.post(admins(), w.ownerToken(), admin("adm-owner-made"))));
    ApiFixture.World other = api.world("oth");
    assertEquals("not_your_alliance", problemCode(api.post(admins(), other.adminToken(), admin("oth-made"))));
    assertEquals(2, api.count("/* test */ select count(*) from staff where alliance_id = " + w.allianceId()
        + " and role = 'admin'"));
    // Recorded in the alliance's audit log, by the admin who added it.
    assertEquals(1, api.count("/* test */ select count(*) from audit_log where alliance_id = " + w.allianceId()
        + " and action = 'createAdmin'"));
  }

  @Test
  void eightAddsOfOneUsernameAcrossTwoInstancesMakeOneAdmin() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ApiFixture instance = i % 2 == 0 ? api : second;
        calls.add(pool.submit(() -> instance.post(admins(), w.adminToken(), admin("adm-race"))));
      }
      int created = 0;
      int taken = 0;
      for (Future<HttpResponse<Buffer>> call : calls) {
        HttpResponse<Buffer> r = call.get();
        if (r.statusCode() == 201) {
          created++;
        } else if ("username_taken".equals(problemCode(r))) {
          taken++;
        }
      }
      assertEquals(1, created);
      assertEquals(7, taken);
      assertEquals(1, api.count("/* test */ select count(*) from staff where alliance_id = " + w.allianceId()
          + " and username = 'adm-race'"));
    } finally {
      pool.shutdown();
    }
  }
}
