package io.linkpoints.portal.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;

/**
 * The log's set-up, found by logback through ServiceLoader: JSON lines ({@link JsonLines}) when
 * the output is not a terminal (a service manager, a container, a file), readable lines when it
 * is; LINKPOINTS_LOG_FORMAT ({@code json} or {@code text}) overrides the guess. The level is
 * LINKPOINTS_LOG_LEVEL (info), or the {@code linkpoints.log.level} system property (set by the
 * benchmarks, which keep quiet). An operator's own logback file
 * ({@code -Dlogback.configurationFile}) and a test's logback-test.xml take precedence.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{36} %requestId- %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || LogSetup.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Map<String, String> env = System.getenv();
    boolean json = switch (env.getOrDefault("LINKPOINTS_LOG_FORMAT", "").toLowerCase(Locale.ROOT)) {
      case "json" -> true;
      case "text" -> false;
      default -> System.console() == null;
    };
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setEncoder(json ? jsonEncoder(context) : textEncoder(context));
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(console);
    String level = System.getProperty("linkpoints.log.level", env.getOrDefault("LINKPOINTS_LOG_LEVEL", "info"));
    root.setLevel(Level.toLevel(level, Level.INFO));
    // Flyway reports every migration it checks at info: its warnings are what matter.
    context.getLogger("org.flywaydb").setLevel(Level.WARN);
    // Each of the server's verticle instances (one per core, one port) registers the same
    // connection gauge; Micrometer keeps the first and warns about the rest on every start.
    context.getLogger("io.micrometer.core.instrument.MeterRegistry").setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
    JsonLines encoder = new JsonLines();
    encoder.setContext(context);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    @SuppressWarnings("unchecked")
    Map<String, String> converters = (Map<String, String>) context.getObject(ch.qos.logback.core.CoreConstants
        .PATTERN_RULE_REGISTRY);
    if (converters == null) {
      converters = new java.util.HashMap<>();
      context.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY, converters);
    }
    converters.put("requestId", RequestIdConverter.class.getName());
    encoder.setPattern(TEXT_PATTERN);
    encoder.start();
    return encoder;
  }
}
