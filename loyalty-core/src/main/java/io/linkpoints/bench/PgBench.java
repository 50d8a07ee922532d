package io.linkpoints.bench;

import io.linkpoints.platform.DatabaseTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own pgbench, the yardstick: {@code -N} (no branch or teller updates) with 16
 * clients on prepared statements. Runs as a child process; blocking, main thread only. Both
 * benchmarks (ledger and POS) measure against it.
 */
public final class PgBench {
  static final int SCALE = 10;
  static final int CLIENTS = 16;
  static final int THREADS = 2;

  // "tps = 1234.5 (without initial connection time)" since PostgreSQL 14;
  // "tps = 1234.5 (excluding connections establishing)" before.
  private static final Pattern TPS = Pattern.compile(
      "tps = ([0-9]+(?:\\.[0-9]+)?) \\((?:without initial connection time|excluding connections establishing)\\)");

  private final DatabaseTarget target;

  public PgBench(DatabaseTarget target) {
    this.target = target;
  }

  /** Fails with a clear message unless pgbench can be run. */
  public static String version() throws IOException {
    try {
      return run(List.of("pgbench", "--version"), "").trim();
    } catch (IOException e) {
      throw new IOException("pgbench was not found on the PATH; install the PostgreSQL client tools"
          + " (Debian: apt-get install postgresql, whose server package carries pgbench)", e);
    }
  }

  public void initialize() throws IOException {
    run(command("-i", "-s", String.valueOf(SCALE), "-q"), target.password());
  }

  /** Runs for {@code seconds} and returns the transactions per second it reports. */
  public double run(int seconds) throws IOException {
    String output = run(command("-N", "-c", String.valueOf(CLIENTS), "-j", String.valueOf(THREADS),
        "-M", "prepared", "-T", String.valueOf(seconds)), target.password());
    return parseTps(output);
  }

  /**
   * Runs a custom pgbench script ({@code -f}, no vacuum: the database is not pgbench's) with
   * {@code clients} clients on prepared statements for {@code seconds}; returns transactions per second.
   */
  public double runScript(Path script, int clients, int seconds) throws IOException {
    String output = run(command("-n", "-f", script.toString(), "-c", String.valueOf(clients), "-j",
        String.valueOf(Math.min(clients, THREADS)), "-M", "prepared", "-T", String.valueOf(seconds)), target.password());
    return parseTps(output); // an error aborts its client, and pgbench then exits non-zero
  }

  static double parseTps(String output) throws IOException {
    Matcher m = TPS.matcher(output);
    if (!m.find()) {
      throw new IOException("pgbench printed no tps line:\n" + output);
    }
    return Double.parseDouble(m.group(1));
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of("pgbench"));
    command.addAll(List.of(args));
    var o = target.connectOptions();
    command.addAll(List.of("-h", o.getHost(), "-p", String.valueOf(o.getPort()), "-U", o.getUser(), o.getDatabase()));
    return command;
  }

  private static String run(List<String> command, String password) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (!password.isEmpty()) {
      builder.environment().put("PGPASSWORD", password);
    }
    Process process = builder.start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      process.waitFor(); // output ends when pgbench does; -T bounds a run
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("failed (" + process.exitValue() + "): " + String.join(" ", command) + "\n" + output);
    }
    return output;
  }
}
