package io.linkpoints.platform;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the platform reads from its environment. One place, so the configuration table
 * (README.md, section "Configuration"; docs/operations.md links to it) and the code cannot drift
 * apart.
 *
 * <p>{@code passwordIterations} is not read from the environment: production always hashes staff
 * passwords with OWASP's count; only tests lower it, through {@link #withPasswordIterations}.
 */
public record LinkpointsConfig(
    int port,
    Optional<String> dbUrl,
    Path dataDir,
    String logLevel,
    Optional<String> operatorToken,
    int dbPoolSize,
    Path jwtKeysDir,
    int passwordIterations,
    Path codeKeysDir,
    int codeStepWindow,
    int metricsPort,
    String metricsHost,
    boolean allowPrivateTargets,
    WebhookOptions webhooks) {

  public static final int DEFAULT_PORT = 8080;
  public static final int OWASP_PBKDF2_ITERATIONS = 600_000;
  /** Member codes are accepted this many 30 s steps either side of now; at most 4 (see Lp2Code). */
  public static final int DEFAULT_CODE_STEP_WINDOW = 1;
  /** Prometheus' registered default port for a process's own exporter. */
  public static final int DEFAULT_METRICS_PORT = 9464;
  /** No management server. */
  public static final int METRICS_OFF = -1;

  public static LinkpointsConfig fromEnv() {
    return fromEnv(System.getenv());
  }

  public static LinkpointsConfig fromEnv(Map<String, String> env) {
    int port = parsePort("LINKPOINTS_PORT", env.getOrDefault("LINKPOINTS_PORT", String.valueOf(DEFAULT_PORT)));
    Optional<String> dbUrl = Optional.ofNullable(env.get("LINKPOINTS_DB_URL")).filter(s -> !s.isBlank());
    Path dataDir = Path.of(env.getOrDefault("LINKPOINTS_DATA", ".linkpoints")).toAbsolutePath();
    String logLevel = env.getOrDefault("LINKPOINTS_LOG_LEVEL", "info");
    // LINKPOINTS_ADMIN_TOKEN is the older name of the operator token and still works.
    Optional<String> operatorToken = Optional.ofNullable(env.get("LINKPOINTS_OPERATOR_TOKEN")).filter(s -> !s.isBlank())
        .or(() -> Optional.ofNullable(env.get("LINKPOINTS_ADMIN_TOKEN")).filter(s -> !s.isBlank()));
    int poolSize = Integer.parseInt(env.getOrDefault("LINKPOINTS_DB_POOL", "16"));
    Path keys = Optional.ofNullable(env.get("LINKPOINTS_JWT_KEYS_DIR")).filter(s -> !s.isBlank())
        .map(s -> Path.of(s).toAbsolutePath()).orElse(dataDir.resolve("jwt-keys"));
    // Member-code secrets' sealing key: beside the token keys unless placed elsewhere.
    Path codeKeys = Optional.ofNullable(env.get("LINKPOINTS_CODE_KEYS_DIR")).filter(s -> !s.isBlank())
        .map(s -> Path.of(s).toAbsolutePath()).orElse(keys.resolveSibling("code-keys"));
    int window = Integer.parseInt(env.getOrDefault("LINKPOINTS_CODE_STEP_WINDOW", String.valueOf(DEFAULT_CODE_STEP_WINDOW)));
    if (window < 0 || window > 4) {
      throw new IllegalArgumentException("LINKPOINTS_CODE_STEP_WINDOW must be 0..4, got " + window);
    }
    // A process on a free public port (several on one machine, tests) gets a free management port too.
    String metrics = env.getOrDefault("LINKPOINTS_METRICS_PORT", String.valueOf(port == 0 ? 0 : DEFAULT_METRICS_PORT))
        .trim();
    int metricsPort = "off".equals(metrics) ? METRICS_OFF : parsePort("LINKPOINTS_METRICS_PORT", metrics);
    // Loopback unless the operator says otherwise: the figures are for the operator's scraper, not the public.
    String metricsHost = env.getOrDefault("LINKPOINTS_METRICS_HOST", "127.0.0.1");
    // Off unless the operator says so: the service must not be made to call into its own network (SSRF).
    boolean allowPrivate = privateTargetsAllowed(env);
    return new LinkpointsConfig(port, dbUrl, dataDir, logLevel, operatorToken, poolSize, keys, OWASP_PBKDF2_ITERATIONS,
        codeKeys, window, metricsPort, metricsHost, allowPrivate, WebhookOptions.fromEnv(env));
  }

  /**
   * On another port. A server on a free port (0: tests, benchmarks, several on one machine) gets
   * its management port free too, unless it has none.
   */
  public LinkpointsConfig withPort(int newPort) {
    return new LinkpointsConfig(newPort, dbUrl, dataDir, logLevel, operatorToken, dbPoolSize, jwtKeysDir,
        passwordIterations, codeKeysDir, codeStepWindow, newPort == 0 && metricsPort != METRICS_OFF ? 0 : metricsPort,
        metricsHost, allowPrivateTargets, webhooks);
  }

  /** With the management server (/metrics) on this port, or none ({@link #METRICS_OFF}). */
  public LinkpointsConfig withMetricsPort(int newPort) {
    return new LinkpointsConfig(port, dbUrl, dataDir, logLevel, operatorToken, dbPoolSize, jwtKeysDir,
        passwordIterations, codeKeysDir, codeStepWindow, newPort, metricsHost, allowPrivateTargets, webhooks);
  }

  public LinkpointsConfig withDbUrl(String url) {
    return new LinkpointsConfig(port, Optional.of(url), dataDir, logLevel, operatorToken, dbPoolSize, jwtKeysDir,
        passwordIterations, codeKeysDir, codeStepWindow, metricsPort, metricsHost, allowPrivateTargets, webhooks);
  }

  /** The same configuration with its data (and, by default, its keys) in another folder. */
  public LinkpointsConfig withDataDir(Path dir) {
    return new LinkpointsConfig(port, dbUrl, dir, logLevel, operatorToken, dbPoolSize, dir.resolve("jwt-keys"),
        passwordIterations, dir.resolve("code-keys"), codeStepWindow, metricsPort, metricsHost,
        allowPrivateTargets, webhooks);
  }

  /** With other webhook options (tests allow their local receiver and retry in milliseconds). */
  public LinkpointsConfig withWebhooks(WebhookOptions options) {
    return new LinkpointsConfig(port, dbUrl, dataDir, logLevel, operatorToken, dbPoolSize, jwtKeysDir,
        passwordIterations, codeKeysDir, codeStepWindow, metricsPort, metricsHost, allowPrivateTargets, options);
  }

  /** For tests only: fewer PBKDF2 iterations, so sign-ins do not take half a second each. */
  public LinkpointsConfig withPasswordIterations(int iterations) {
    return new LinkpointsConfig(port, dbUrl, dataDir, logLevel, operatorToken, dbPoolSize, jwtKeysDir, iterations,
        codeKeysDir, codeStepWindow, metricsPort, metricsHost, allowPrivateTargets, webhooks);
  }

  /**
   * Whether outgoing calls to URLs someone else names (push endpoints, webhook targets) may be plain
   * http and go to loopback, private, link-local and other non-public addresses
   * ({@code LINKPOINTS_ALLOW_PRIVATE_TARGETS}; SSRF, {@code web.OutboundTargets}).
   */
  public LinkpointsConfig withAllowPrivateTargets(boolean allow) {
    return new LinkpointsConfig(port, dbUrl, dataDir, logLevel, operatorToken, dbPoolSize, jwtKeysDir,
        passwordIterations, codeKeysDir, codeStepWindow, metricsPort, metricsHost, allow, webhooks);
  }

  /** The older name of {@link #withAllowPrivateTargets}, from when only push endpoints had the switch. */
  @Deprecated
  public LinkpointsConfig withAllowPrivateEndpoints(boolean allow) {
    return withAllowPrivateTargets(allow);
  }

  /**
   * {@code LINKPOINTS_ALLOW_PRIVATE_TARGETS}; when it is not set, either of its older names, one per
   * feature before the two guards became one ({@code LINKPOINTS_ALLOW_PRIVATE_ENDPOINTS} for push,
   * {@code LINKPOINTS_WEBHOOKS_ALLOW_PRIVATE_TARGETS} for webhooks), set to true allows private
   * targets for both.
   */
  static boolean privateTargetsAllowed(Map<String, String> env) {
    String current = env.get("LINKPOINTS_ALLOW_PRIVATE_TARGETS");
    if (current != null && !current.isBlank()) {
      return Boolean.parseBoolean(current.trim());
    }
    return Boolean.parseBoolean(env.getOrDefault("LINKPOINTS_ALLOW_PRIVATE_ENDPOINTS", "false").trim())
        || Boolean.parseBoolean(env.getOrDefault("LINKPOINTS_WEBHOOKS_ALLOW_PRIVATE_TARGETS", "false").trim());
  }

  private static int parsePort(String name, String raw) {
    try {
      int port = Integer.parseInt(raw.trim());
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(name + " must be 0..65535, got " + raw);
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got " + raw, e);
    }
  }
}
