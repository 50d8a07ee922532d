package io.linkpoints.app;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service has started so far, each with how to stop it, stopped in reverse order: the
 * one stop sequence, run by {@link LinkpointsApp#close} and by a start-up that fails half way
 * (so a taken port leaves no management port, pool or embedded PostgreSQL behind). Each step is
 * bounded, and a step that fails does not keep the next from running.
 */
final class StartedParts {
  private static final Logger log = LoggerFactory.getLogger(StartedParts.class);

  private record Part(String name, long timeoutSeconds, Supplier<Future<?>> stop) {
  }

  private final List<Part> parts = new ArrayList<>();
  private final List<String> stepsFailed = new CopyOnWriteArrayList<>();

  /** Records a part that has started; {@code stop} will be called once, after every part added later has stopped. */
  synchronized void add(String name, long timeoutSeconds, Supplier<Future<?>> stop) {
    parts.add(new Part(name, timeoutSeconds, stop));
  }

  /** Stops every part, last started first; completes (never fails) once all are done or out of time. */
  Future<Void> stopAll() {
    List<Part> reversed;
    synchronized (this) {
      reversed = new ArrayList<>(parts);
      parts.clear();
    }
    Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (Part part : reversed) {
      chain = chain.compose(v -> step(part));
    }
    return chain;
  }

  private Future<Void> step(Part part) {
    Future<?> stopping;
    try {
      stopping = part.stop().get();
    } catch (RuntimeException e) {
      stopping = Future.failedFuture(e);
    }
    return stopping.timeout(part.timeoutSeconds(), TimeUnit.SECONDS).<Void>mapEmpty().recover(err -> {
      log.warn("Stopping the {}: {}", part.name(), err.getMessage());
      stepsFailed.add(part.name());
      return Future.succeededFuture();
    });
  }

  /** The steps that failed or ran out of time so far. */
  List<String> stepsFailed() {
    return List.copyOf(stepsFailed);
  }
}
