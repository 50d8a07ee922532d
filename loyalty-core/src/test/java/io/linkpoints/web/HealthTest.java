package io.linkpoints.web;

import static io.linkpoints.testing.ApiFixture.expect;
import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.DatabaseProvisioner;
import io.linkpoints.platform.DatabaseTarget;
import io.linkpoints.platform.EmbeddedPostgresServer;
import io.linkpoints.testing.ApiFixture;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness and readiness on a PostgreSQL server of the test's own, which it stops and starts:
 * ready names each check and goes 503 for the one that is down (the database, the schema, the
 * ledger writer), comes back to 200 by itself when the database does, and never carries an
 * exception's text; live stays 200 throughout.
 */
class HealthTest {
  @Test
  void readyFollowsTheDatabaseTheSchemaAndTheLedgerWriter(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(data, true);
    int port = pg.port();
    DatabaseProvisioner.createDatabaseIfMissing(pg.jdbcUrl("postgres"), DatabaseProvisioner.DATABASE);
    Vertx vertx = Vertx.vertx();
    ApiFixture api = new ApiFixture(vertx, DatabaseTarget.fromUrl(pg.url(DatabaseProvisioner.DATABASE)));
    try {
      assertEquals(new JsonObject().put("status", "up"), expect(200, api.get("/health/live", null)));
      JsonObject ready = expect(200, api.get("/health/ready", null));
      assertEquals(new JsonObject().put("status", "up").put("checks", new JsonObject().put("database", "up")
          .put("migrations", "up").put("ledgerWriter", "up")), ready);
      assertEquals(ready, expect(200, api.get("/health", null)), "/health is an alias of ready");

      // The schema behind the code (a restore of an older backup, say): not ready, the database is.
      String latest = api.text("/* test */ select max(version::int) from flyway_schema_history");
      await(api.app.pool().query("/* test */ update flyway_schema_history set version = '-" + latest + "' where version = '"
          + latest + "'").execute());
      JsonObject behind = expect(503, api.get("/health/ready", null));
      assertEquals("down", behind.getJsonObject("checks").getString("migrations"), behind.encode());
      assertEquals("up", behind.getJsonObject("checks").getString("database"), behind.encode());
      await(api.app.pool().query("/* test */ update flyway_schema_history set version = '" + latest + "' where version = '-"
          + latest + "'").execute());
      expect(200, api.get("/health/ready", null));

      // PostgreSQL stops: ready 503 naming the database and nothing of why; live is still 200.
      pg.close();
      JsonObject down = awaitReady(api, 503, 30);
      assertEquals("down", down.getString("status"));
      assertEquals("down", down.getJsonObject("checks").getString("database"), down.encode());
      assertEquals(Set.of("status", "checks"), down.fieldNames(), "no error text: " + down.encode());
      assertTrue(down.getJsonObject("checks").stream().allMatch(e -> Set.of("up", "down").contains(e.getValue())),
          down.encode());
      expect(200, api.get("/health/live", null));

      // It comes back on the same port: ready is 200 again without anyone touching the service.
      EmbeddedPostgresServer old = pg;
      pg = EmbeddedPostgresServer.start(data, true, port);
      old.close(); // retires its watchdog only: the folder's server is the new one
      awaitReady(api, 200, 60);

      // At shutdown the writer stops taking commands: not ready, so a balancer sends traffic elsewhere.
      await(api.app.ledger().writer().drain());
      JsonObject draining = expect(503, api.get("/health/ready", null));
      assertEquals(new JsonObject().put("database", "up").put("migrations", "up").put("ledgerWriter", "down"),
          draining.getJsonObject("checks"));
    } finally {
      api.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
      pg.close();
    }
  }

  private static JsonObject awaitReady(ApiFixture api, int status, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      HttpResponse<Buffer> r = api.get("/health/ready", null);
      if (r.statusCode() == status) {
        return r.bodyAsJsonObject();
      }
      assertTrue(System.nanoTime() < deadline, "ready did not answer " + status + " within " + seconds + " s: "
          + r.bodyAsString());
      Thread.sleep(100);
    }
  }
}
