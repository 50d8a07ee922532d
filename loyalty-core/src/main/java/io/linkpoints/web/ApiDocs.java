package io.linkpoints.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The contract and its docs page, read from the classpath once at start-up (blocking: call
 * {@link #load} from a worker) and then served from memory. The page is swagger-ui from its
 * WebJar, so it works without a network.
 */
public final class ApiDocs {
  public static final String CONTRACT = "openapi.yaml";
  /** The WebJar's own record of its version: its assets live under a folder named after it. */
  private static final String SWAGGER_UI_POM = "META-INF/maven/org.webjars/swagger-ui/pom.properties";

  private final Buffer contract;
  private final JsonObject routerContract;
  private final Buffer page;
  private final Map<String, Buffer> assets;

  private ApiDocs(Buffer contract, JsonObject routerContract, Buffer page, Map<String, Buffer> assets) {
    this.contract = contract;
    this.routerContract = routerContract;
    this.page = page;
    this.assets = assets;
  }

  public static ApiDocs load() throws IOException {
    Map<String, Buffer> assets = new HashMap<>();
    for (Map.Entry<String, String> e : assetPaths().entrySet()) {
      assets.put(e.getKey(), read(e.getValue()));
    }
    Buffer contract = read(CONTRACT);
    Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(contract.toString());
    JsonObject parsed = new JsonObject(io.vertx.core.json.Json.encode(yaml));
    return new ApiDocs(contract, forRouter(parsed), read("docs/index.html"), Map.copyOf(assets));
  }

  /** The page's assets by name, the swagger-ui ones from whichever WebJar version the pom brings. */
  static Map<String, String> assetPaths() throws IOException {
    Properties pom = new Properties();
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(SWAGGER_UI_POM)) {
      if (in == null) {
        throw new IOException("missing classpath resource " + SWAGGER_UI_POM);
      }
      pom.load(in);
    }
    String swaggerUi = "META-INF/resources/webjars/swagger-ui/" + pom.getProperty("version") + "/";
    return Map.of(
        "swagger-ui.css", swaggerUi + "swagger-ui.css",
        "swagger-ui-bundle.js", swaggerUi + "swagger-ui-bundle.js",
        "favicon-32x32.png", swaggerUi + "favicon-32x32.png",
        "docs-init.js", "docs/docs-init.js");
  }

  /**
   * The contract as the OpenAPI RouterBuilder gets it. vertx-openapi 5.0 refuses a contract whose
   * responses use media types other than JSON, text and multipart (our errors are
   * application/problem+json, the docs are HTML). The router only validates requests, so it is
   * given the same document without response bodies; /openapi.yaml serves the whole one. Nor does
   * it get {@code servers}: the contract's server is the relative {@code /} (the API is at the root
   * of wherever it is served), which vertx-openapi cannot parse as a URL; the routes are at the
   * root either way. A CSV upload's request body is left out too: its route streams the body itself.
   */
  public JsonObject routerContract() {
    return routerContract.copy();
  }

  private static JsonObject forRouter(JsonObject contract) {
    contract.remove("servers");
    JsonObject paths = contract.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        Object op = item.getValue(method);
        if (op instanceof JsonObject operation && operation.containsKey("responses")) {
          stripContent(operation.getJsonObject("responses"));
        }
        // A CSV upload's body is streamed by its route (ApiVerticle.STREAMED_UPLOAD), never read by the router.
        if (op instanceof JsonObject operation && operation.containsKey("requestBody")
            && operation.getJsonObject("requestBody").getJsonObject("content", new JsonObject()).containsKey("text/csv")) {
          operation.remove("requestBody");
        }
      }
    }
    JsonObject components = contract.getJsonObject("components", new JsonObject());
    if (components.containsKey("responses")) {
      stripContent(components.getJsonObject("responses"));
    }
    return contract;
  }

  private static void stripContent(JsonObject responses) {
    for (String status : responses.fieldNames()) {
      responses.getJsonObject(status).remove("content");
    }
  }

  public void contract(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(contract);
  }

  public void page(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").end(page);
  }

  public void asset(RoutingContext ctx) {
    String name = ctx.pathParam("asset");
    Buffer body = assets.get(name);
    if (body == null) {
      ctx.fail(ApiException.notFound("docs asset " + name));
      return;
    }
    ctx.response().putHeader("Content-Type", contentType(name)).putHeader("Cache-Control", "max-age=3600").end(body);
  }

  private static String contentType(String name) {
    if (name.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    return "image/png";
  }

  private static Buffer read(String resource) throws IOException {
    try (InputStream in = ApiDocs.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("missing classpath resource " + resource);
      }
      return Buffer.buffer(in.readAllBytes());
    }
  }
}
