package io.linkpoints.portal.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import io.linkpoints.web.RequestLog;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line: {@code ts} (UTC), {@code level}, {@code logger}, {@code thread},
 * {@code msg}, {@code requestId} (the request being served when the line was written, if any),
 * the event's key-value pairs as fields of their own (the access line's route, status, duration),
 * and {@code error} with the stack trace. Encoded on the thread that logs, so the request's
 * Vert.x context is still the current one.
 */
public final class JsonLines extends EncoderBase<ILoggingEvent> {
  private static final byte[] NONE = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NONE;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    JsonObject line = new JsonObject()
        .put("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString())
        .put("level", event.getLevel().toString())
        .put("logger", event.getLoggerName())
        .put("thread", event.getThreadName())
        .put("msg", event.getFormattedMessage());
    String requestId = requestIdOf(event);
    if (requestId != null) {
      line.put("requestId", requestId);
    }
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        if (!line.containsKey(pair.key)) {
          line.put(pair.key, pair.value instanceof Number || pair.value instanceof Boolean ? pair.value
              : String.valueOf(pair.value));
        }
      }
    }
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      line.put("error", ThrowableProxyUtil.asString(error));
    }
    return (line.encode() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return NONE;
  }

  /** The access line carries its request's id; any other line, the id of the request being served. */
  static String requestIdOf(ILoggingEvent event) {
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        if ("requestId".equals(pair.key)) {
          return String.valueOf(pair.value);
        }
      }
    }
    return RequestLog.currentId();
  }
}
