package io.linkpoints.testing;

import static io.linkpoints.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.app.Main;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The platform's JVM ({@code app.Main}), started as {@code ./linkpoints run} would start it,
 * with this test's class path and only the {@code LINKPOINTS_} variables given (none inherited),
 * its output appended to a log file. {@link #start} runs it on a data folder with its embedded
 * PostgreSQL and waits until it is healthy; {@link #launch} and {@link #awaitLog(Process, Path,
 * long, Pattern, int)} are for tests that set it up otherwise.
 */
public final class PlatformProcess {
  /** The operator token {@link #start} gives the platform. */
  public static final String OPERATOR = "crash-test-operator-token-0123456789";
  /** Where the platform says its public port once it is up. */
  public static final Pattern OPEN = Pattern.compile("Open:\\s+http://localhost:(\\d+)/");
  private static final Pattern DB_PORT = Pattern.compile("embedded PostgreSQL on 127\\.0\\.0\\.1:(\\d+)");

  public final Process process;
  public final Path log;
  public final long logStart;
  public final int port;
  public final int dbPort;
  public final Path dataDir;

  private PlatformProcess(Process process, Path log, long logStart, int port, int dbPort, Path dataDir) {
    this.process = process;
    this.log = log;
    this.logStart = logStart;
    this.port = port;
    this.dbPort = dbPort;
    this.dataDir = dataDir;
  }

  /**
   * Starts {@code Main} in a JVM of {@code maxHeap} (say {@code "512m"}) with these variables,
   * output and errors appended to {@code log}. The JVM options only make start-up cheaper on a
   * busy machine; the platform is as in production.
   */
  public static Process launch(String maxHeap, Map<String, String> variables, Path log) throws IOException {
    return launch(maxHeap, variables, log, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** The same, with {@code tmpDir} as its temporary folder. */
  public static Process launch(String maxHeap, Map<String, String> variables, Path log, Path tmpDir)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Djava.io.tmpdir=" + tmpDir,
        "-cp", System.getProperty("java.class.path"), Main.class.getName())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("LINKPOINTS_"));
    env.putAll(variables);
    return pb.start();
  }

  /**
   * Starts it on {@code dataDir} (a free port, embedded PostgreSQL; its log beside the folder)
   * and returns once {@code /health} answers 200 (the platform and its database are up).
   */
  public static PlatformProcess start(Path dataDir) throws Exception {
    Files.createDirectories(dataDir);
    Path log = dataDir.resolveSibling("platform.log");
    long logStart = Files.exists(log) ? Files.size(log) : 0;
    Process process = launch("512m", Map.of("LINKPOINTS_PORT", "0", "LINKPOINTS_DATA", dataDir.toString(),
        "LINKPOINTS_OPERATOR_TOKEN", OPERATOR, "LINKPOINTS_DB_POOL", "8", "LINKPOINTS_LOG_LEVEL", "info"), log,
        tmpBeside(dataDir));
    Matcher open = awaitLog(process, log, logStart, OPEN, 120);
    int port = Integer.parseInt(open.group(1));
    int dbPort = Integer.parseInt(awaitLog(process, log, logStart, DB_PORT, 5).group(1));
    PlatformProcess child = new PlatformProcess(process, log, logStart, port, dbPort, dataDir);
    HttpClient client = HttpClient.newHttpClient();
    until(() -> {
      try {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }, 60, "the platform is healthy");
    return child;
  }

  /**
   * A temporary folder beside the data folder (so inside the test's own): a JVM killed with
   * kill -9 leaves its temporary files (Vert.x's file cache, the PostgreSQL resolver's script),
   * in /tmp they outlived the test. The unpacked PostgreSQL binaries are this JVM's, linked in,
   * not unpacked again.
   */
  private static Path tmpBeside(Path dataDir) throws IOException {
    Path tmp = Files.createDirectories(dataDir.resolveSibling("tmp"));
    Path binaries = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "linkpoints-postgres"));
    Path link = tmp.resolve(binaries.getFileName());
    if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(link, binaries);
    }
    return tmp;
  }

  /** The first group of {@code pattern} once the log (since this start) has it, within 20 s. */
  public String awaitLog(Pattern pattern) throws Exception {
    return awaitLog(process, log, logStart, pattern, 20).group(1);
  }

  /** Waits until the log from byte {@code from} on matches; fails if the process ends first or after {@code seconds}. */
  public static Matcher awaitLog(Process process, Path log, long from, Pattern pattern, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      String text = read(log, from);
      Matcher m = pattern.matcher(text);
      if (m.find()) {
        return m;
      }
      if (!process.isAlive()) {
        throw new AssertionError("the platform exited (" + process.exitValue() + ") before saying " + pattern
            + ":\n" + text);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the platform did not say " + pattern + " within " + seconds + " s:\n" + text);
      }
      Thread.sleep(50);
    }
  }

  private static String read(Path log, long from) throws IOException {
    byte[] all = Files.readAllBytes(log);
    return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), StandardCharsets.UTF_8);
  }

  /**
   * kill -9 of the Java process; with {@code postgresToo}, of its postmaster in the same instant.
   * Without, the watchdog that would stop PostgreSQL when the JVM dies is killed with it, so the
   * postmaster is left running as an orphan, as it was before there was a watchdog.
   */
  public void kill(boolean postgresToo) throws Exception {
    List<String> command = new ArrayList<>(List.of("kill", "-9"));
    long postmaster = postmasterPid().orElseThrow(() -> new AssertionError("no postmaster.pid"));
    if (postgresToo) {
      command.add(Long.toString(postmaster));
    } else {
      // The watchdog (if any) first: it must not see the JVM go.
      process.descendants().filter(p -> commandLine(p.pid()).contains("linkpoints-pg-watchdog"))
          .forEach(p -> command.add(Long.toString(p.pid())));
    }
    command.add(Long.toString(process.pid()));
    Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertEquals(0, kill.waitFor(), new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the Java process died");
    if (postgresToo) {
      until(() -> dead(postmaster), 30, "the postmaster died");
    } else {
      assertTrue(!dead(postmaster), "the postmaster is left running, an orphan");
    }
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
    } catch (IOException gone) {
      return "";
    }
  }

  /** Gone, or a zombie nobody reaps (in a container, pid 1 may not): either way it holds nothing. */
  private static boolean dead(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException gone) {
      return true;
    }
  }

  /** If a failed round left a postmaster of this folder running with no JVM, it is stopped here (by pid, checked). */
  public void stopOrphanedPostgres() throws Exception {
    Optional<Long> pid = postmasterPid();
    if (pid.isEmpty() || dead(pid.get())) {
      return;
    }
    try {
      if (!Path.of("/proc", Long.toString(pid.get()), "cwd").toRealPath().equals(dataDir.resolve("postgres").toRealPath())) {
        return;
      }
    } catch (IOException gone) {
      return;
    }
    new ProcessBuilder("kill", "-9", Long.toString(pid.get())).start().waitFor();
    until(() -> dead(pid.get()), 30, "the orphaned postmaster stopped");
  }

  public Optional<Long> postmasterPid() throws IOException {
    Path pid = dataDir.resolve("postgres").resolve("postmaster.pid");
    if (!Files.exists(pid)) {
      return Optional.empty();
    }
    return Optional.of(Long.parseLong(Files.readAllLines(pid, StandardCharsets.UTF_8).get(0).trim()));
  }

  /** At the end: stopped as an operator would (SIGTERM: the shutdown hook stops the server, then PostgreSQL). */
  public void destroy() throws InterruptedException {
    stop(process, 60);
  }

  /** SIGTERM (the ordered stop), then, if it is still there after {@code seconds}, SIGKILL. */
  public static void stop(Process process, int seconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
