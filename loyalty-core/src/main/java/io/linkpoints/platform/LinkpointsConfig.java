package io.linkpoints.platform;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the platform reads from its environment. One place, so the README's
 * configuration table and the code cannot drift apart.
 */
public record LinkpointsConfig(
    int port,
    Optional<String> dbUrl,
    Path dataDir,
    String logLevel,
    Optional<String> adminToken,
    int dbPoolSize) {

  public static final int DEFAULT_PORT = 8080;

  public static LinkpointsConfig fromEnv() {
    return fromEnv(System.getenv());
  }

  public static LinkpointsConfig fromEnv(Map<String, String> env) {
    int port = parsePort(env.getOrDefault("LINKPOINTS_PORT", String.valueOf(DEFAULT_PORT)));
    Optional<String> dbUrl = Optional.ofNullable(env.get("LINKPOINTS_DB_URL")).filter(s -> !s.isBlank());
    Path dataDir = Path.of(env.getOrDefault("LINKPOINTS_DATA", ".linkpoints")).toAbsolutePath();
    String logLevel = env.getOrDefault("LINKPOINTS_LOG_LEVEL", "info");
    Optional<String> adminToken = Optional.ofNullable(env.get("LINKPOINTS_ADMIN_TOKEN")).filter(s -> !s.isBlank());
    int poolSize = Integer.parseInt(env.getOrDefault("LINKPOINTS_DB_POOL", "16"));
    return new LinkpointsConfig(port, dbUrl, dataDir, logLevel, adminToken, poolSize);
  }

  public LinkpointsConfig withPort(int newPort) {
    return new LinkpointsConfig(newPort, dbUrl, dataDir, logLevel, adminToken, dbPoolSize);
  }

  public LinkpointsConfig withDbUrl(String url) {
    return new LinkpointsConfig(port, Optional.of(url), dataDir, logLevel, adminToken, dbPoolSize);
  }

  private static int parsePort(String raw) {
    try {
      int port = Integer.parseInt(raw.trim());
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("LINKPOINTS_PORT must be 0..65535, got " + raw);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("LINKPOINTS_PORT must be a number, got " + raw, e);
    }
  }
}
