package io.linkpoints.web;

import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Reads path and query parameters, refusing malformed ones with {@code invalid_parameter}. */
public final class Params {
  private Params() {
  }

  public static long positiveLong(RoutingContext ctx, String name) {
    return parsePositive(name, ctx.pathParam(name) != null ? ctx.pathParam(name) : ctx.queryParams().get(name));
  }

  public static Long optionalPositiveLong(RoutingContext ctx, String name) {
    String raw = ctx.queryParams().get(name);
    return raw == null || raw.isEmpty() ? null : parsePositive(name, raw);
  }

  public static int intInRange(RoutingContext ctx, String name, int min, int max, int fallback) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the refusal below
    }
    throw ProblemCode.INVALID_PARAMETER.refuse(name + " must be a whole number from " + min + " to " + max);
  }

  public static UUID uuid(RoutingContext ctx, String name) {
    String raw = ctx.pathParam(name);
    try {
      if (raw != null && raw.length() == 36) {
        return UUID.fromString(raw);
      }
    } catch (IllegalArgumentException ignored) {
      // fall through to the refusal below
    }
    throw ProblemCode.INVALID_PARAMETER.refuse(name + " must be a UUID");
  }

  private static long parsePositive(String name, String raw) {
    try {
      long value = Long.parseLong(raw);
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException | NullPointerException ignored) {
      // fall through to the refusal below
    }
    throw ProblemCode.INVALID_PARAMETER.refuse(name + " must be a positive whole number");
  }
}
