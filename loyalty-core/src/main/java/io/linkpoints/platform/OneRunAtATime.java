package io.linkpoints.platform;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic job's timer handler that skips a tick while the job's last run is still going. A run
 * walks every alliance in turn, so with many alliances or a backlog it can outlast its period; two
 * runs at once would still act once (the jobs are idempotent) but do the work twice. A failed run
 * is logged and the next tick runs again.
 */
public final class OneRunAtATime implements Handler<Long> {
  private static final Logger log = LoggerFactory.getLogger(OneRunAtATime.class);

  private final String job;
  private final Supplier<Future<?>> run;
  // Set on the timer's event loop, cleared wherever the run's future completes (the pool's loop).
  private final AtomicBoolean running = new AtomicBoolean();

  public OneRunAtATime(String job, Supplier<Future<?>> run) {
    this.job = job;
    this.run = run;
  }

  @Override
  public void handle(Long tick) {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    Future<?> done;
    try {
      done = run.get();
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    done.onComplete(ended -> {
      running.set(false);
      if (ended.failed()) {
        log.warn("{} failed: {}", job, ended.cause().getMessage());
      }
    });
  }
}
