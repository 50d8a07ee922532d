package io.linkpoints.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The contract's {@code Problem.code} enum is the catalogue, in its order, so the two cannot drift;
 * and since ContractCheck validates every problem answer the tests see against that schema, a code
 * thrown but not catalogued fails the test that sees it.
 */
class ProblemCodeContractTest {

  @Test
  void theContractListsExactlyTheCataloguedCodesInOrder() throws IOException {
    List<String> catalogue = Arrays.stream(ProblemCode.values()).map(ProblemCode::code).toList();
    assertEquals(catalogue, problemCodeSchema().get("enum"));
  }

  @Test
  void theContractNamesExactlyTheRetryableCodes() throws IOException {
    String description = (String) problemCodeSchema().get("description");
    for (ProblemCode code : ProblemCode.values()) {
      boolean named = Pattern.compile("(?<![a-z_])" + code.code() + "(?![a-z_])").matcher(description).find();
      assertEquals(code.retryable(), named, code.code() + ": retryable is " + code.retryable()
          + " in the catalogue, but the contract's description " + (named ? "names" : "does not name") + " it");
    }
  }

  @Test
  void everyCodeIsUniqueSnakeCaseWithAnErrorStatusAndAMeaning() {
    Set<String> seen = new HashSet<>();
    for (ProblemCode code : ProblemCode.values()) {
      assertTrue(seen.add(code.code()), "twice: " + code.code());
      assertTrue(code.code().matches("[a-z]+(_[a-z]+)*"), code.code());
      assertTrue(code.status() >= 400 && code.status() <= 599, code + " " + code.status());
      assertTrue(code.meaning().length() >= 10, code + " needs a meaning");
      assertEquals(code, ProblemCode.valueOf(code.name()));
    }
    // Only the service's moment is worth retrying unchanged: never a 4xx other than 429.
    for (ProblemCode code : ProblemCode.values()) {
      if (code.retryable()) {
        assertTrue(code.status() == 429 || code.status() >= 500, code.code());
      }
    }
  }

  @Test
  void aBareStatusMapsToTheGenericCodeOfThatStatus() {
    for (int status : new int[] {400, 401, 403, 404, 405, 413, 415, 429, 503}) {
      assertEquals(status, ProblemCode.forStatus(status).status());
    }
    assertEquals(ProblemCode.INTERNAL_ERROR, ProblemCode.forStatus(500));
    assertEquals(ProblemCode.INTERNAL_ERROR, ProblemCode.forStatus(418));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> problemCodeSchema() throws IOException {
    try (InputStream in = ProblemCodeContractTest.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      assertTrue(in != null, "openapi.yaml is not on the test classpath");
      Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) doc.get("components")).get("schemas");
      Map<String, Object> problem = (Map<String, Object>) schemas.get("Problem");
      return (Map<String, Object>) ((Map<String, Object>) problem.get("properties")).get("code");
    }
  }
}
