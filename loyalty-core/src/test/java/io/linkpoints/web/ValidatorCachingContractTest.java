package io.linkpoints.web;

import static io.linkpoints.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import org.junit.jupiter.api.Test;

/**
 * The request validator asks the repository for a schema's validator on every request: through
 * the caching contract each schema gets one, built once, and it still refuses what it should.
 */
class ValidatorCachingContractTest {
  @Test
  void aBodySchemaGetsOneValidatorThatStillRefusesBadBodies() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract plain = await(OpenAPIContract.from(vertx, ApiDocs.load().routerContract()));
      OpenAPIContract cached = new ValidatorCachingContract(plain);
      JsonSchema accrue = cached.operation("posAccrue").getRequestBody().getContent().get("application/json").getSchema();
      JsonSchema reserve = cached.operation("posReserve").getRequestBody().getContent().get("application/json").getSchema();

      // What made the cache worth having: the contract's own repository builds a new one each time.
      assertNotSame(plain.getSchemaRepository().validator(accrue), plain.getSchemaRepository().validator(accrue));
      Validator once = cached.getSchemaRepository().validator(accrue);
      assertSame(once, cached.getSchemaRepository().validator(accrue));
      assertNotSame(once, cached.getSchemaRepository().validator(reserve), "another schema, another validator");

      String visit = "00000000-0000-0000-0000-000000000001";
      assertTrue(once.validate(new JsonObject().put("spendFen", 1200).put("visitId", visit)).getValid());
      assertFalse(once.validate(new JsonObject().put("spendFen", -1).put("visitId", visit)).getValid(), "negative spend");
      assertFalse(once.validate(new JsonObject().put("points", 5)).getValid(), "no spendFen, unknown property");
      assertFalse(once.validate(new JsonObject().put("spendFen", 1200)).getValid(), "no member: code or visit");
      assertTrue(once.validate(new JsonObject().put("spendFen", 1200).put("visitId", visit)).getValid(),
          "reused: no state left behind");
    } finally {
      await(vertx.close());
    }
  }
}
