package io.linkpoints.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Values generated from the contract's JSON schemas, from one seeded Random: valid ones (types,
 * enums, bounds, lengths, formats, and the patterns the contract uses) and deliberately wrong ones
 * (another type, out of range, too long). A caller checks a generated value against the schema
 * ({@link ContractCheck#valid}) before calling it valid: the generator aims, the validator decides.
 */
public final class SchemaSamples {
  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final String UPPER_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  private final ContractCheck contract;
  private final Random random;

  public SchemaSamples(ContractCheck contract, long seed) {
    this.contract = contract;
    this.random = new Random(seed);
  }

  public Random random() {
    return random;
  }

  /** A value meant to satisfy the schema. */
  public Object valid(JsonObject raw) {
    return valid(raw, 0);
  }

  private Object valid(JsonObject raw, int depth) {
    JsonObject schema = merged(raw);
    if (schema.containsKey("const")) {
      return schema.getValue("const");
    }
    if (schema.containsKey("enum")) {
      JsonArray values = schema.getJsonArray("enum");
      return values.getValue(random.nextInt(values.size()));
    }
    if (schema.containsKey("example") && random.nextInt(4) == 0) {
      return schema.getValue("example");
    }
    String type = type(schema);
    return switch (type) {
      case "null" -> null;
      case "object" -> object(schema, depth);
      case "array" -> array(schema, depth);
      case "integer" -> integer(schema);
      case "number" -> integer(schema);
      case "boolean" -> random.nextBoolean();
      default -> string(schema);
    };
  }

  /** The schema with $ref followed and allOf / oneOf / anyOf folded into one object schema. */
  public JsonObject merged(JsonObject raw) {
    JsonObject schema = contract.resolve(raw).copy();
    JsonArray all = (JsonArray) schema.remove("allOf");
    if (all != null) {
      for (Object part : all) {
        fold(schema, merged((JsonObject) part));
      }
    }
    for (String choice : List.of("oneOf", "anyOf")) {
      JsonArray options = (JsonArray) schema.remove(choice);
      if (options != null) {
        fold(schema, merged(options.getJsonObject(random.nextInt(options.size()))));
      }
    }
    return schema;
  }

  private static void fold(JsonObject into, JsonObject part) {
    for (String key : part.fieldNames()) {
      Object value = part.getValue(key);
      if (key.equals("properties") && into.containsKey("properties")) {
        into.getJsonObject("properties").mergeIn((JsonObject) value);
      } else if (key.equals("required") && into.containsKey("required")) {
        JsonArray required = into.getJsonArray("required").copy();
        ((JsonArray) value).forEach(r -> {
          if (!required.contains(r)) {
            required.add(r);
          }
        });
        into.put("required", required);
      } else if (!into.containsKey(key)) {
        into.put(key, value);
      }
    }
  }

  public String type(JsonObject schema) {
    Object type = schema.getValue("type");
    if (type instanceof JsonArray types) {
      List<String> concrete = new ArrayList<>();
      types.forEach(t -> {
        if (!"null".equals(t)) {
          concrete.add((String) t);
        }
      });
      if (concrete.isEmpty() || random.nextInt(5) == 0) {
        return "null";
      }
      return concrete.get(random.nextInt(concrete.size()));
    }
    if (type == null) {
      return schema.containsKey("properties") ? "object" : "string";
    }
    return (String) type;
  }

  private JsonObject object(JsonObject schema, int depth) {
    JsonObject out = new JsonObject();
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    JsonArray required = schema.getJsonArray("required", new JsonArray());
    for (String name : properties.fieldNames()) {
      if (required.contains(name) || (depth < 4 && random.nextInt(3) > 0)) {
        out.put(name, valid(properties.getJsonObject(name), depth + 1));
      }
    }
    return out;
  }

  private JsonArray array(JsonObject schema, int depth) {
    int min = schema.getInteger("minItems", 0);
    int max = Math.min(schema.getInteger("maxItems", 3), min + 3);
    int n = min + random.nextInt(max - min + 1);
    JsonArray out = new JsonArray();
    for (int i = 0; i < n; i++) {
      out.add(valid(schema.getJsonObject("items", new JsonObject()), depth + 1));
    }
    return out;
  }

  private long integer(JsonObject schema) {
    long min = schema.getValue("minimum") instanceof Number n ? n.longValue() : 0;
    long max = schema.getValue("maximum") instanceof Number n ? n.longValue() : Math.max(min, 1) * 1000;
    if (schema.getValue("exclusiveMinimum") instanceof Number n) {
      min = n.longValue() + 1;
    }
    if (schema.getValue("exclusiveMaximum") instanceof Number n) {
      max = n.longValue() - 1;
    }
    return switch (random.nextInt(5)) {
      case 0 -> min;
      case 1 -> max;
      default -> min + (long) (random.nextDouble() * Math.min(max - min, 10_000));
    };
  }

  private String string(JsonObject schema) {
    String format = schema.getString("format", "");
    int min = schema.getInteger("minLength", 1);
    int max = Math.max(min, schema.getInteger("maxLength", Math.max(min, 24)));
    switch (format) {
      case "date-time":
        return Instant.now().plus(random.nextInt(60) - 30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
      case "date":
        return LocalDate.now(ZoneOffset.UTC).plusDays(random.nextInt(60) - 30).toString();
      case "uuid":
        return UUID.randomUUID().toString();
      default:
        break;
    }
    String pattern = schema.getString("pattern");
    if (pattern != null) {
      String known = forPattern(pattern, min, max);
      if (known != null) {
        return known;
      }
    }
    return chars(ALNUM, min + random.nextInt(Math.min(max, min + 20) - min + 1));
  }

  /** Strings for the patterns the contract uses (a pattern not here gets plain letters and digits). */
  private String forPattern(String pattern, int min, int max) {
    Map<String, String> fixed = Map.of(
        "^[0-9]{4}-(0[1-9]|1[0-2])$", String.format("20%02d-%02d", 20 + random.nextInt(10), 1 + random.nextInt(12)),
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", LocalDate.now(ZoneOffset.UTC).minusDays(random.nextInt(60)).toString(),
        "^[0-9]{6}$", chars("0123456789", 6),
        "^LPC-[0-9A-Z]{26}$", "LPC-" + chars(UPPER_DIGITS, 26),
        "^LPS-[0-9A-Z]{26}$", "LPS-" + chars(UPPER_DIGITS, 26),
        "^\\+[1-9][0-9]{6,14}$", "+86137" + chars("0123456789", 8),
        "^[a-z0-9][a-z0-9._-]{2,63}$", "fz" + chars("abcdefghijklmnopqrstuvwxyz0123456789", 4 + random.nextInt(8)),
        "^[A-Za-z0-9_+/-]+$", List.of("Asia/Shanghai", "UTC", "Europe/Berlin", "Asia/Tokyo").get(random.nextInt(4)));
    if (fixed.containsKey(pattern)) {
      return fixed.get(pattern);
    }
    if (pattern.startsWith("^LPS1:")) {
      return "LPS1:" + chars(ALNUM, Math.max(1, min - 5) + random.nextInt(20));
    }
    if (pattern.startsWith("^[0-9]{")) {
      return chars("0123456789", min + random.nextInt(Math.min(max, min + 8) - min + 1));
    }
    return null;
  }

  public String chars(String alphabet, int n) {
    StringBuilder out = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }

  /** A value of another JSON type than the schema wants. */
  public Object wrongType(JsonObject raw) {
    String type = type(merged(raw));
    return switch (type) {
      case "string" -> random.nextBoolean() ? 12345 : new JsonArray().add("x");
      case "integer", "number" -> random.nextBoolean() ? "12" : 1.5;
      case "boolean" -> "true";
      case "object" -> new JsonArray().add(1);
      case "array" -> new JsonObject().put("x", 1);
      default -> new JsonObject();
    };
  }

  /** A value just outside the schema's bounds (or a huge string), or null when it has none to break. */
  public Object outOfRange(JsonObject raw) {
    JsonObject schema = merged(raw);
    String type = type(schema);
    if (type.equals("integer") || type.equals("number")) {
      if (schema.getValue("maximum") instanceof Number n && random.nextBoolean()) {
        return n.longValue() == Long.MAX_VALUE ? Double.MAX_VALUE : n.longValue() + 1;
      }
      if (schema.getValue("minimum") instanceof Number n) {
        return n.longValue() - 1;
      }
      return schema.getValue("maximum") instanceof Number n ? (Object) (n.longValue() + 1) : null;
    }
    if (type.equals("string")) {
      int max = schema.getInteger("maxLength", 10_000);
      return "x".repeat(Math.min(max + 1, 40_000));
    }
    return null;
  }
}
