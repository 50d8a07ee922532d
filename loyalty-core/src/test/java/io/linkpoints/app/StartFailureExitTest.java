package io.linkpoints.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.PlatformProcess;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A platform that cannot start (its port is taken) says why and exits 1 at once, its embedded
 * PostgreSQL stopped. Exiting from the event loop that reported the failure once ran the stop
 * hook, which waited on that very loop: the process hung for the hook's two minutes.
 */
class StartFailureExitTest {
  @Test
  void aTakenPortEndsTheProcessWithStatusOnePromptly(@TempDir Path data) throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("0.0.0.0", 0));
      Path log = data.resolve("platform.log");
      Process process = PlatformProcess.launch("256m", Map.of("LINKPOINTS_PORT", String.valueOf(taken.getLocalPort()),
          "LINKPOINTS_METRICS_PORT", "off", "LINKPOINTS_DATA", data.resolve("data").toString(),
          "LINKPOINTS_OPERATOR_TOKEN", "start-failure-operator-token-0123456789"), log);
      boolean exited = process.waitFor(90, TimeUnit.SECONDS);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (!exited) {
        process.destroyForcibly().waitFor();
      }
      assertTrue(exited, "still running 90 s after a failed start:\n" + output);
      assertEquals(1, process.exitValue(), output);
      assertTrue(output.contains("Linkpoints could not start"), output);
      // Its embedded PostgreSQL went with it: nothing holds the data folder's postmaster.pid.
      assertTrue(!Files.exists(data.resolve("data").resolve("postgres").resolve("postmaster.pid")), output);
    }
  }
}
