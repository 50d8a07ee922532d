package io.linkpoints.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A periodic job's tick is skipped while its last run goes on, and runs again once it ended, even failed. */
class OneRunAtATimeTest {
  @Test
  void aTickWhileTheLastRunGoesOnIsSkipped() {
    List<Promise<Void>> runs = new ArrayList<>();
    OneRunAtATime job = new OneRunAtATime("probe job", () -> {
      Promise<Void> run = Promise.promise();
      runs.add(run);
      return run.future();
    });
    job.handle(1L);
    job.handle(2L);
    job.handle(3L);
    assertEquals(1, runs.size(), "ticks during a run start nothing");
    runs.get(0).fail("the database went away");
    job.handle(4L);
    assertEquals(2, runs.size(), "a failed run does not stop the next");
    runs.get(1).complete();
    job.handle(5L);
    assertEquals(3, runs.size());
  }

  @Test
  void aRunThatThrowsIsARunThatFailed() {
    int[] calls = {0};
    OneRunAtATime job = new OneRunAtATime("probe job", () -> {
      calls[0]++;
      throw new IllegalStateException("broken");
    });
    job.handle(1L);
    job.handle(2L);
    assertEquals(2, calls[0]);
  }
}
