package io.linkpoints.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.impl.OpenAPIFormatValidator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks a response against openapi.yaml, as a client that trusts the contract would: the status is
 * one the operation lists, the content type is one that response declares, and a JSON body (also
 * problem+json) is valid against its schema. Streamed bodies (CSV, SSE) are checked for status and
 * content type only.
 *
 * <p>Not vertx-openapi's ResponseValidator: that refuses our problem+json responses and text
 * exports (it knows JSON, text/plain, multipart only); the schemas are validated by the same
 * vertx-json-schema, with the same OpenAPI formats (int32, int64, ...).
 *
 * <p>A mismatch throws an AssertionError naming the operation, the status and the schema error. With
 * {@code LINKPOINTS_CONTRACT_REPORT=<file>} mismatches are appended to that file instead, so one
 * run of the whole suite lists all of them.
 */
public final class ContractCheck {
  private static final String BASE = "https://contract.linkpoints.test/openapi.yaml";
  private static volatile ContractCheck shared;

  private final JsonObject contract;
  private final SchemaRepository repository;
  private final List<Route> routes = new ArrayList<>();
  private final Map<String, Validator> validators = new ConcurrentHashMap<>();
  private final Path report;

  /** One operation of the contract: its method, path template and raw description. */
  public record Route(HttpMethod method, String template, Pattern pattern, String operationId, JsonObject operation) {
  }

  private ContractCheck(JsonObject contract, String report) {
    this.contract = contract;
    this.report = report == null || report.isBlank() ? null : Path.of(report);
    this.repository = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012)
        .setBaseUri(BASE).setOutputFormat(OutputFormat.Basic), new OpenAPIFormatValidator());
    // The repository marks up what it is given (absolute URIs): it gets its own copy.
    repository.dereference(BASE, JsonSchema.of(contract.copy()));
    JsonObject paths = contract.getJsonObject("paths");
    for (String template : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(template);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.containsKey("operationId")) {
          routes.add(new Route(HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)), template, pattern(template),
              op.getString("operationId"), op));
        }
      }
    }
    // Literal segments win over parameters (/me/coupons/claim before /me/coupons/{couponId}).
    routes.sort(Comparator.comparingInt((Route r) -> r.template().split("\\{", -1).length));
  }

  /** The contract of this build, read once per test JVM. */
  public static ContractCheck shared() {
    ContractCheck check = shared;
    if (check == null) {
      synchronized (ContractCheck.class) {
        if (shared == null) {
          shared = new ContractCheck(load(), System.getProperty("linkpoints.contract.report",
              System.getenv("LINKPOINTS_CONTRACT_REPORT")));
        }
        check = shared;
      }
    }
    return check;
  }

  private static JsonObject load() {
    try (InputStream in = ContractCheck.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is not on the test classpath");
      }
      Object yaml = new Yaml(new SafeConstructor(new LoaderOptions()))
          .load(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      return new JsonObject(io.vertx.core.json.Json.encode(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Pattern pattern(String template) {
    StringBuilder regex = new StringBuilder("^");
    for (String part : template.split("(?=\\{)|(?<=\\})")) {
      regex.append(part.startsWith("{") ? "[^/]+" : Pattern.quote(part));
    }
    return Pattern.compile(regex.append("$").toString());
  }

  public JsonObject contract() {
    return contract;
  }

  public List<Route> routes() {
    return List.copyOf(routes);
  }

  /** A parameter of an operation, with the pointer of its schema for {@link #valid}. */
  public record Param(String name, String in, boolean required, JsonObject schema, String schemaPointer) {
  }

  /** The parameters of an operation: its path item's and its own. */
  public List<Param> parameters(Route route) {
    List<Param> params = new ArrayList<>();
    String item = "#/paths/" + escape(route.template());
    String op = item + "/" + route.method().name().toLowerCase(Locale.ROOT);
    addParams(params, contract.getJsonObject("paths").getJsonObject(route.template()).getJsonArray("parameters"), item);
    addParams(params, route.operation().getJsonArray("parameters"), op);
    return params;
  }

  private void addParams(List<Param> params, io.vertx.core.json.JsonArray list, String owner) {
    if (list == null) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      JsonObject raw = list.getJsonObject(i);
      String pointer = owner + "/parameters/" + i;
      if (raw.containsKey("$ref")) {
        pointer = raw.getString("$ref");
        raw = (JsonObject) at(pointer);
      }
      params.add(new Param(raw.getString("name"), raw.getString("in"), raw.getBoolean("required", false),
          resolve(raw.getJsonObject("schema")), pointer + "/schema"));
    }
  }

  /** The JSON schema of an operation's request body, or null when it takes none. */
  public String requestBodyPointer(Route route) {
    JsonObject body = route.operation().getJsonObject("requestBody");
    if (body == null || !body.getJsonObject("content", new JsonObject()).containsKey("application/json")) {
      return null; // none, or a file streamed by its route (text/csv): the fuzz sends no JSON body
    }
    return "#/paths/" + escape(route.template()) + "/" + route.method().name().toLowerCase(Locale.ROOT)
        + "/requestBody/content/application~1json/schema";
  }

  /** The value at a JSON pointer of the contract ("#/components/schemas/X"). */
  public Object at(String pointer) {
    Object node = contract;
    for (String part : pointer.substring(2).split("/")) {
      String key = part.replace("~1", "/").replace("~0", "~");
      node = node instanceof JsonObject o ? o.getValue(key)
          : ((io.vertx.core.json.JsonArray) node).getValue(Integer.parseInt(key));
    }
    return node;
  }

  /** A schema with its $ref (if any) followed. */
  public JsonObject resolve(JsonObject schema) {
    JsonObject s = schema;
    while (s != null && s.containsKey("$ref")) {
      s = (JsonObject) at(s.getString("$ref"));
    }
    return s;
  }

  /** True when the value is valid against the schema at this pointer. */
  public boolean valid(String pointer, Object value) {
    return validator(pointer).validate(value).getValid();
  }

  /** The operation a request goes to, or null when the contract has none (portal pages, unknown paths). */
  public Route route(HttpMethod method, String pathAndQuery) {
    String path = pathAndQuery.split("\\?", 2)[0];
    for (Route route : routes) {
      if (route.method().equals(method) && route.pattern().matcher(path).matches()) {
        return route;
      }
    }
    return null;
  }

  /** Checks one response; see the class comment for what a mismatch does. */
  public void check(HttpMethod method, String pathAndQuery, int status, String contentType, Buffer body) {
    Route route = route(method, pathAndQuery);
    if (route == null) {
      return;
    }
    String problem = mismatch(route, status, contentType, body);
    if (problem != null) {
      fail(route.operationId() + " (" + method + " " + pathAndQuery + ") answered " + status + ": " + problem
          + "; body: " + abbreviate(body));
    }
  }

  /** Status and content type only, for a stream whose body the test reads itself. */
  public void checkHead(HttpMethod method, String pathAndQuery, int status, String contentType) {
    Route route = route(method, pathAndQuery);
    if (route == null) {
      return;
    }
    String problem = headMismatch(route, status, contentType);
    if (problem != null) {
      fail(route.operationId() + " (" + method + " " + pathAndQuery + ") answered " + status + ": " + problem);
    }
  }

  /** What is wrong with this response, or null when it is what the contract says. */
  public String mismatch(Route route, int status, String contentType, Buffer body) {
    String head = headMismatch(route, status, contentType);
    if (head != null) {
      return head;
    }
    JsonObject response = response(route, status);
    JsonObject content = response.getJsonObject("content");
    if (content == null) {
      return body == null || body.length() == 0 ? null : "a body where the contract declares none";
    }
    String type = baseType(contentType);
    if (!isJson(type)) {
      return null; // text, CSV, event streams, images: status and type are all we check
    }
    Object json;
    try {
      json = body == null || body.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(body);
    } catch (DecodeException e) {
      return "the body is not JSON";
    }
    if (json == null) {
      return "no body where the contract declares " + type;
    }
    String pointer = responsePointer(route, status) + "/content/" + escape(declaredType(content, type)) + "/schema";
    OutputUnit result = validator(pointer).validate(json);
    return result.getValid() ? null : "body does not match " + pointer + ": " + describe(result);
  }

  private String headMismatch(Route route, int status, String contentType) {
    JsonObject response = response(route, status);
    if (response == null) {
      return "status " + status + " is not listed (the contract lists "
          + route.operation().getJsonObject("responses").fieldNames() + ")";
    }
    JsonObject content = response.getJsonObject("content");
    if (content == null) {
      return null;
    }
    String type = baseType(contentType);
    if (type == null || declaredType(content, type) == null) {
      return "content type " + contentType + " is not declared (the contract declares " + content.fieldNames() + ")";
    }
    return null;
  }

  /** The response object for a status, with a $ref to components/responses followed. */
  private JsonObject response(Route route, int status) {
    JsonObject responses = route.operation().getJsonObject("responses");
    JsonObject response = responses.getJsonObject(String.valueOf(status), responses.getJsonObject("default"));
    if (response != null && response.containsKey("$ref")) {
      String ref = response.getString("$ref");
      response = contract.getJsonObject("components").getJsonObject("responses")
          .getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
    }
    return response;
  }

  private String responsePointer(Route route, int status) {
    JsonObject responses = route.operation().getJsonObject("responses");
    Object raw = responses.getValue(String.valueOf(status));
    String key = raw != null ? String.valueOf(status) : "default";
    JsonObject response = responses.getJsonObject(key);
    if (response.containsKey("$ref")) {
      return response.getString("$ref");
    }
    return "#/paths/" + escape(route.template()) + "/" + route.method().name().toLowerCase(Locale.ROOT)
        + "/responses/" + key;
  }

  private Validator validator(String pointer) {
    // The repository names schemas by URI: braces of path templates are percent-encoded there.
    String uri = BASE + pointer.replace("{", "%7B").replace("}", "%7D");
    return validators.computeIfAbsent(uri, u -> pointer.matches(".*/parameters/[0-9]+/.*")
        // Schemas inside arrays (inline parameters) are not indexed by URI: validate a copy, whose
        // own $refs ("#/components/...") still resolve against the contract's base URI.
        ? repository.validator(JsonSchema.of(((JsonObject) at(pointer)).copy()))
        : repository.validator(JsonSchema.of(new JsonObject().put("$ref", u))));
  }

  private static String declaredType(JsonObject content, String type) {
    for (String declared : content.fieldNames()) {
      if (declared.equalsIgnoreCase(type)) {
        return declared;
      }
    }
    return null;
  }

  private static String baseType(String contentType) {
    return contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  private static boolean isJson(String type) {
    return type.equals("application/json") || type.endsWith("+json");
  }

  private static String escape(String pointerPart) {
    return pointerPart.replace("~", "~0").replace("/", "~1");
  }

  private static String describe(OutputUnit result) {
    List<String> errors = new ArrayList<>();
    if (result.getErrors() != null) {
      for (OutputUnit error : result.getErrors()) {
        errors.add(error.getInstanceLocation() + " " + error.getError() + " (" + error.getKeywordLocation() + ")");
      }
    }
    return errors.isEmpty() ? String.valueOf(result.getError()) : String.join("; ", errors);
  }

  private static String abbreviate(Buffer body) {
    if (body == null) {
      return "(none)";
    }
    String text = body.toString();
    return text.length() > 600 ? text.substring(0, 600) + "…" : text;
  }

  private void fail(String message) {
    if (report == null) {
      throw new AssertionError("contract mismatch: " + message);
    }
    try {
      Files.writeString(report, message + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
