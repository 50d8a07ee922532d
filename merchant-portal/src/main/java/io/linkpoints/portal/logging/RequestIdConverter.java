package io.linkpoints.portal.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %requestId} in a text pattern: {@code [req=...] } for the request the line was written for, or nothing. */
public final class RequestIdConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    String id = JsonLines.requestIdOf(event);
    return id == null ? "" : "[req=" + id + "] ";
  }
}
