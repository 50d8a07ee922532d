package io.linkpoints.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.ContractCheck;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The checker every test response goes through must itself catch what it claims to catch. */
class ContractCheckTest {
  private final ContractCheck check = ContractCheck.shared();

  private String mismatch(HttpMethod method, String path, int status, String type, String body) {
    return check.mismatch(check.route(method, path), status, type, body == null ? null : Buffer.buffer(body));
  }

  @Test
  void findsTheOperationLiteralSegmentsFirst() {
    assertEquals("claimCoupon", check.route(HttpMethod.POST, "/v1/members/me/coupons/claim").operationId());
    assertEquals("getShop", check.route(HttpMethod.GET, "/v1/alliances/1/shops/2?x=1").operationId());
    assertNull(check.route(HttpMethod.GET, "/portal/index.html"));
  }

  @Test
  void aValidResponsePasses() {
    assertNull(mismatch(HttpMethod.GET, "/health", 200, "application/json",
        new JsonObject().put("status", "up").put("checks", new JsonObject().put("database", "up")).encode()));
    assertNull(mismatch(HttpMethod.GET, "/v1/alliances/1", 404, "application/problem+json",
        problem(404, "not_found")));
  }

  @Test
  void anUnlistedStatusAWrongTypeAndABodyOffSchemaAreCaught() {
    String status = mismatch(HttpMethod.GET, "/health", 418, "application/json", "{}");
    assertNotNull(status);
    assertTrue(status.contains("418"), status);
    String type = mismatch(HttpMethod.GET, "/health", 200, "text/plain", "up");
    assertTrue(type.contains("content type"), type);
    String schema = mismatch(HttpMethod.GET, "/health", 200, "application/json", "{\"status\":\"sideways\"}");
    assertTrue(schema.contains("/status"), schema);
    String token = mismatch(HttpMethod.POST, "/v1/alliances/1/staff/sign-in", 200, "application/json",
        "{\"accessToken\": 5}");
    assertTrue(token.contains("/accessToken"), token);
    String time = mismatch(HttpMethod.GET, "/v1/members/me/code", 200, "application/json",
        "{\"code\": \"LP1:x\", \"expiresAt\": \"tomorrow\"}");
    assertNotNull(time, "formats are checked, not only types");
    String int64 = mismatch(HttpMethod.GET, "/v1/alliances/1/shops/1/earn-rule", 200, "application/json",
        "{\"shopId\": 1.5}");
    assertNotNull(int64, "an integer is whole");
    String problem = mismatch(HttpMethod.GET, "/v1/alliances/1", 404, "application/problem+json", "{\"status\":404}");
    assertTrue(problem.contains("code"), problem);
  }

  private static String problem(int status, String code) {
    return new JsonObject().put("type", "about:blank").put("title", "x").put("status", status).put("code", code)
        .encode();
  }
}
