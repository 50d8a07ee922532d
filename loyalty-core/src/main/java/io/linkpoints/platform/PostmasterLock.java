package io.linkpoints.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code postmaster.pid} in our data folder says, and what to do about it before starting:
 * a postmaster left running by a process of ours that died (kill -9) is stopped; a live one still
 * watched by a running Linkpoints is refused; a file naming a dead or foreign process is stale
 * and removed, and that process is never signalled.
 *
 * <p>A process is "the postmaster of this folder" only if it is alive, runs a {@code postgres}
 * binary and its working directory (PostgreSQL chdirs into its data folder) is this folder:
 * the pid alone could have been reused by anything since. Linux only ({@code /proc}); blocking.
 */
final class PostmasterLock {
  private static final Logger log = LoggerFactory.getLogger(PostmasterLock.class);
  /** The name the watchdog runs under (its argv[0]), so that we can find it. */
  static final String WATCHDOG_NAME = "linkpoints-pg-watchdog";

  private final Path dataDir;

  PostmasterLock(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** The pid recorded in the lock file, if there is a readable one. */
  Optional<Long> recordedPid() {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isBlank()) {
        return Optional.empty();
      }
      // A negative pid is a single-user backend; it locks the folder all the same.
      return Optional.of(Math.abs(Long.parseLong(lines.get(0).trim())));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      log.warn("Unreadable {}: {}", dataDir.resolve("postmaster.pid"), e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Makes the folder startable: stops an orphaned postmaster of this folder, refuses to touch one
   * that a live Linkpoints watches, and removes a lock file that names some other process.
   */
  void clearForStart() throws IOException {
    Optional<Long> recorded = recordedPid();
    if (recorded.isEmpty()) {
      return;
    }
    long pid = recorded.get();
    if (!isAlive(pid)) {
      // Gone, or a zombie nobody has reaped yet (to PostgreSQL's own check, a zombie is alive and
      // the file still valid). Its backends leave on their own, and hold its shared memory until they do.
      awaitBackendsGone();
      log.warn("Removing {}: its PostgreSQL (process {}) ended without stopping cleanly", dataDir.resolve("postmaster.pid"), pid);
      Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
      return;
    }
    if (!isPostmasterOf(pid, dataDir)) {
      log.warn("{} names process {}, which is not a PostgreSQL server of this folder: leaving that process alone"
          + " and removing the stale lock file", dataDir.resolve("postmaster.pid"), pid);
      Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
      return;
    }
    Optional<ProcessHandle> owner = liveWatchdogOf(pid).flatMap(ProcessHandle::parent);
    if (owner.isPresent()) {
      throw new IOException("The PostgreSQL data folder " + dataDir + " is in use by a running Linkpoints (process "
          + owner.get().pid() + "; its PostgreSQL is process " + pid + "). Stop that one first.");
    }
    log.warn("Found PostgreSQL (process {}) still running on {} after an earlier run ended without stopping it;"
        + " stopping it before starting", pid, dataDir);
    stopOrphan(pid);
  }

  /** Fast shutdown (SIGINT), then SIGKILL as a last resort; then waits for its children to go too. */
  private void stopOrphan(long pid) throws IOException {
    signal(pid, "INT");
    if (!awaitExit(pid, 30)) {
      if (!isPostmasterOf(pid, dataDir)) {
        return; // it went, and the pid has already been reused: not ours to kill
      }
      log.warn("PostgreSQL process {} did not stop within 30 s; killing it", pid);
      signal(pid, "KILL");
      awaitExit(pid, 10);
    }
    awaitBackendsGone();
  }

  /** Backends of a killed postmaster leave on their own, and keep the shared memory until they do. */
  private void awaitBackendsGone() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!postgresProcessesWorkingIn(dataDir).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("Processes of the old PostgreSQL are still running in " + dataDir + ": "
            + postgresProcessesWorkingIn(dataDir));
      }
      sleep(100);
    }
  }

  /** Only after checking, right now, that {@code pid} is still the postmaster of this folder. */
  private void signal(long pid, String signal) throws IOException {
    if (!isPostmasterOf(pid, dataDir)) {
      return;
    }
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true).start();
      kill.getInputStream().readAllBytes();
      kill.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while stopping process " + pid, e);
    }
  }

  private static boolean awaitExit(long pid, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (isAlive(pid)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(50);
    }
    return true;
  }

  static boolean isAlive(long pid) {
    // A zombie is dead for our purposes: it holds no files and no port.
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !isZombie(pid);
  }

  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      int afterName = stat.lastIndexOf(')');
      return afterName > 0 && stat.length() > afterName + 2 && stat.charAt(afterName + 2) == 'Z';
    } catch (IOException e) {
      return false;
    }
  }

  /** A live process running a postgres binary whose working directory is {@code dataDir}. */
  static boolean isPostmasterOf(long pid, Path dataDir) {
    List<String> argv = commandLine(pid);
    if (argv.isEmpty()) {
      return false;
    }
    String program = programName(argv.get(0));
    if (!program.equals("postgres") && !program.equals("postmaster")) {
      return false;
    }
    return workingDirectory(pid).map(cwd -> sameFile(cwd, dataDir)).orElse(false);
  }

  /** A watchdog of a live Linkpoints guarding postmaster {@code pid}. */
  static Optional<ProcessHandle> liveWatchdogOf(long pid) {
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.filter(p -> {
        List<String> argv = commandLine(p.pid());
        return argv.size() >= 2 && argv.contains(WATCHDOG_NAME) && argv.contains(Long.toString(pid));
      }).findFirst();
    }
  }

  /** PostgreSQL processes (a postmaster, or a backend: "postgres: checkpointer", ...) working in {@code dir}. */
  static List<Long> postgresProcessesWorkingIn(Path dir) {
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      return all.map(ProcessHandle::pid).filter(pid -> {
        List<String> argv = commandLine(pid);
        return !argv.isEmpty() && programName(argv.get(0).split(" ")[0]).startsWith("postgres")
            && isAlive(pid) && workingDirectory(pid).map(cwd -> sameFile(cwd, dir)).orElse(false);
      }).toList();
    }
  }

  private static String programName(String argv0) {
    return argv0.substring(argv0.lastIndexOf('/') + 1);
  }

  private static List<String> commandLine(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      List<String> argv = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          argv.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
          start = i + 1;
        }
      }
      if (start < raw.length) {
        argv.add(new String(raw, start, raw.length - start, StandardCharsets.UTF_8));
      }
      return argv;
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }

  private static Optional<Path> workingDirectory(long pid) {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      return Optional.empty(); // gone, or not ours to look at: then not ours to stop either
    }
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
