package io.linkpoints.member;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.auth.MemberDeviceSecrets;
import io.linkpoints.testing.ApiFixture;
import io.linkpoints.testing.LegacyDeviceSecrets;
import io.linkpoints.testing.Phone;
import io.linkpoints.testing.PosWorld;
import io.linkpoints.testing.PosWorld.Person;
import io.linkpoints.testing.PosWorld.Till;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Rotating the code key on a running platform: the restarted instance seals new devices with the
 * new key and re-seals the stored ones, old devices' codes keep verifying at every instance (the
 * one not yet restarted too), secrets sealed before key ids included; the re-seal moves each row
 * once however many instances run it at once, and a second run finds nothing to do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CodeKeyRotationTest {
  private static final String SEALED = "/* test */ select id, secret_sealed from member_device where alliance_id = $1 order by id";
  private static final String SET_SEALED = "/* test */ update member_device set secret_sealed = $3 where alliance_id = $1 and id = $2";

  private Vertx vertx;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void afterARotationAndARestartEveryDevicesCodesVerifyAndEveryRowMovesToTheNewKey() throws Exception {
    try (ApiFixture api = new ApiFixture(vertx)) {
      PosWorld world = new PosWorld(api, "rotation");
      Till shop = world.shop("Bakery");
      Person ana = world.member();
      Person bo = world.member();
      Person cy = world.member();
      Phone anas = world.phone(ana);
      Phone bos = world.phone(bo);
      Phone cys = world.phone(cy);
      Path keys = api.app.config().codeKeysDir();
      // Cy's phone was bound before key ids (a data folder from before the upgrade).
      await(api.app.pool().preparedQuery(SET_SEALED).execute(Tuple.of(world.allianceId, cys.deviceId,
          Buffer.buffer(LegacyDeviceSecrets.seal(keys, cys.deviceId, cys.secret())))));
      accrue(api, world, shop, anas);
      accrue(api, world, shop, cys);

      String newKey = MemberDeviceSecrets.rotate(keys).currentKeyId();
      try (ApiFixture restarted = api.anotherInstance()) {
        DeviceSecretReseal.Outcome moved = await(restarted.app.firstReseal());
        assertEquals(new DeviceSecretReseal.Outcome(3, 0), moved, "the three devices moved, none left");
        Map<Long, byte[]> rows = sealed(api, world.allianceId);
        MemberDeviceSecrets ring = MemberDeviceSecrets.load(keys);
        for (Phone phone : List.of(anas, bos, cys)) {
          assertEquals(newKey, MemberDeviceSecrets.keyIdOf(rows.get(phone.deviceId)));
          assertArrayEquals(phone.secret(), ring.open(phone.deviceId, rows.get(phone.deviceId)));
        }

        for (Phone phone : List.of(anas, bos, cys)) {
          accrue(restarted, world, shop, phone);
        }
        // The instance not yet restarted had never opened Bo's secret: it finds the new key in the folder.
        accrue(api, world, shop, bos);

        Person dee = world.member();
        Phone dees = Phone.bind(restarted, dee.token(), "new phone");
        assertEquals(newKey, MemberDeviceSecrets.keyIdOf(sealed(api, world.allianceId).get(dees.deviceId)),
            "a device bound at the restarted instance is sealed with the new key");
        accrue(restarted, world, shop, dees);
        accrue(api, world, shop, dees);

        assertEquals(new DeviceSecretReseal.Outcome(0, 0), await(new DeviceSecretReseal(restarted.app.pool(), ring,
            new SimpleMeterRegistry()).runOnce()), "a second run has nothing to do");
      }
      world.assertLedgerOk();
    }
  }

  @Test
  void instancesReSealingAtOnceMoveEachRowOnceInSmallBatches() throws Exception {
    try (ApiFixture api = new ApiFixture(vertx)) {
      PosWorld world = new PosWorld(api, "reseal-race");
      PosWorld other = new PosWorld(api, "reseal-race-other");
      Map<Long, byte[]> secrets = new LinkedHashMap<>();
      for (PosWorld w : List.of(world, other)) {
        for (int m = 0; m < 3; m++) {
          Person member = w.member();
          for (int d = 0; d < 5; d++) {
            Phone phone = w.bindPhone(member, "phone " + d);
            secrets.put(phone.deviceId, phone.secret());
          }
        }
      }
      Path keys = api.app.config().codeKeysDir();
      // Some rows as sealed before key ids.
      List<Long> ids = new ArrayList<>(secrets.keySet());
      for (long id : List.of(ids.get(0), ids.get(7), ids.get(20))) {
        long alliance = id == ids.get(20) ? other.allianceId : world.allianceId;
        await(api.app.pool().preparedQuery(SET_SEALED).execute(Tuple.of(alliance, id,
            Buffer.buffer(LegacyDeviceSecrets.seal(keys, id, secrets.get(id))))));
      }
      Map<Long, byte[]> before = new LinkedHashMap<>(sealed(api, world.allianceId));
      before.putAll(sealed(api, other.allianceId));
      assertEquals(30, before.size());

      MemberDeviceSecrets ring = MemberDeviceSecrets.rotate(keys);
      for (int round = 0; round < 3; round++) {
        restore(api, world.allianceId, before);
        restore(api, other.allianceId, before);
        List<DeviceSecretReseal> jobs = List.of(
            new DeviceSecretReseal(api.app.pool(), ring, new SimpleMeterRegistry(), 4),
            new DeviceSecretReseal(api.app.pool(), MemberDeviceSecrets.load(keys), new SimpleMeterRegistry(), 4),
            new DeviceSecretReseal(api.app.pool(), MemberDeviceSecrets.load(keys), new SimpleMeterRegistry(), 4));
        List<Future<DeviceSecretReseal.Outcome>> runs = jobs.stream().map(DeviceSecretReseal::runOnce).toList();
        await(Future.all(runs));
        long moved = runs.stream().mapToLong(f -> f.result().resealed()).sum();
        assertEquals(30, moved, "round " + round + ": each row moved once between the three runs");
        for (Future<DeviceSecretReseal.Outcome> run : runs) {
          assertEquals(0, run.result().remaining(), "round " + round);
        }
        Map<Long, byte[]> after = new LinkedHashMap<>(sealed(api, world.allianceId));
        after.putAll(sealed(api, other.allianceId));
        for (Map.Entry<Long, byte[]> row : after.entrySet()) {
          assertTrue(ring.sealedWithCurrent(row.getValue()), "device " + row.getKey());
          assertArrayEquals(secrets.get(row.getKey()), ring.open(row.getKey(), row.getValue()), "device " + row.getKey());
          assertFalse(java.util.Arrays.equals(before.get(row.getKey()), row.getValue()));
        }
        assertEquals(new DeviceSecretReseal.Outcome(0, 0), await(jobs.get(0).runOnce()), "nothing left for another run");
      }
    }
  }

  @Test
  void aSecretWhoseKeyIsNotHereStaysAsItIsAndIsCountedAsRemaining() throws Exception {
    try (ApiFixture api = new ApiFixture(vertx)) {
      PosWorld world = new PosWorld(api, "reseal-stranger");
      Person member = world.member();
      Phone mine = world.phone(member);
      Phone stranger = world.bindPhone(member, "from another folder");
      // Sealed with a key of another keys folder (a restored dump, a deleted key file).
      byte[] foreign = MemberDeviceSecrets.rotate(java.nio.file.Files.createTempDirectory("foreign-code-keys"))
          .seal(stranger.deviceId, stranger.secret());
      await(api.app.pool().preparedQuery(SET_SEALED).execute(Tuple.of(world.allianceId, stranger.deviceId,
          Buffer.buffer(foreign))));
      MemberDeviceSecrets ring = MemberDeviceSecrets.rotate(api.app.config().codeKeysDir());

      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      DeviceSecretReseal reseal = new DeviceSecretReseal(api.app.pool(), ring, meters);
      assertEquals(new DeviceSecretReseal.Outcome(1, 1), await(reseal.runOnce()));
      assertEquals(1.0, meters.get("linkpoints.member.device.secrets.old.key").gauge().value());
      Map<Long, byte[]> rows = sealed(api, world.allianceId);
      assertArrayEquals(foreign, rows.get(stranger.deviceId), "left as it was");
      assertTrue(ring.sealedWithCurrent(rows.get(mine.deviceId)));
      assertEquals(new DeviceSecretReseal.Outcome(0, 1), await(reseal.runOnce()), "and again next time");
    }
  }

  private static void accrue(ApiFixture at, PosWorld world, Till till, Phone phone) {
    String path = "/v1/alliances/" + world.allianceId + "/shops/" + till.shopId() + "/pos/accrue";
    expect(200, at.send(HttpMethod.POST, path, till.token(), new JsonObject().put("memberCode",
        phone.nextCode().orElseThrow()).put("spendFen", 100), Map.of("Idempotency-Key", PosWorld.key())));
  }

  private static Map<Long, byte[]> sealed(ApiFixture api, long allianceId) {
    Map<Long, byte[]> rows = new LinkedHashMap<>();
    for (Row row : await(api.app.pool().preparedQuery(SEALED).execute(Tuple.of(allianceId)))) {
      rows.put(row.getLong("id"), row.getBuffer("secret_sealed").getBytes());
    }
    return rows;
  }

  private static void restore(ApiFixture api, long allianceId, Map<Long, byte[]> rows) {
    for (long id : sealed(api, allianceId).keySet()) {
      await(api.app.pool().preparedQuery(SET_SEALED).execute(Tuple.of(allianceId, id, Buffer.buffer(rows.get(id)))));
    }
  }
}
