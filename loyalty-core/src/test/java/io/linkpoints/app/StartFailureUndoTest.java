package io.linkpoints.app;

import static io.linkpoints.testing.Await.await;
import static io.linkpoints.testing.Await.failure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.LinkpointsConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails late (the API's port is taken, the last thing started) undoes what had
 * started before it says so: the management port is free again and the embedded PostgreSQL is
 * stopped, so a process that exits on the failure leaves nothing running. Before, the
 * management server went on listening and the PostgreSQL was still up when start failed.
 */
class StartFailureUndoTest {
  @Test
  void aTakenApiPortLeavesNoManagementPortAndNoPostgres(@TempDir Path data) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("0.0.0.0", 0));
      int metricsPort = freePort();
      LinkpointsConfig config = LinkpointsConfig.fromEnv(Map.of("LINKPOINTS_DATA", data.toString(),
              "LINKPOINTS_OPERATOR_TOKEN", "start-failure-undo-operator-token-0123456789"))
          .withPort(taken.getLocalPort()).withMetricsPort(metricsPort).withPasswordIterations(1_000);

      Throwable failed = failure(LinkpointsApp.start(vertx, config, Clock.systemUTC()));

      assertTrue(String.valueOf(failed.getMessage()).contains("Address already in use")
          || String.valueOf(failed).contains("BindException"), "failed for the taken port: " + failed);
      try (ServerSocket again = new ServerSocket()) {
        again.bind(new InetSocketAddress("127.0.0.1", metricsPort)); // throws if the management server still listens
      }
      Path pgData = data.resolve("postgres");
      assertTrue(Files.isDirectory(pgData), "the embedded PostgreSQL had started: " + pgData);
      assertFalse(Files.exists(pgData.resolve("postmaster.pid")), "its postmaster.pid is still there");
      assertEquals(List.of(), processesWorkingIn(pgData), "PostgreSQL processes still in " + pgData);
    } finally {
      await(vertx.close());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress("127.0.0.1", 0));
      return probe.getLocalPort();
    }
  }

  /** The pids of the processes whose working folder is this one (a postmaster's and its backends' is their data folder). */
  private static List<Long> processesWorkingIn(Path folder) throws IOException {
    Path real = folder.toRealPath();
    return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).filter(pid -> {
      try {
        return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")).equals(real);
      } catch (IOException | SecurityException notOurs) {
        return false; // gone meanwhile, or another user's
      }
    }).toList();
  }
}
