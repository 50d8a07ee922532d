package io.linkpoints.portal.bench;

import io.linkpoints.platform.DatabaseTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own pgbench as the yardstick, on the same server as the platform, in its own
 * database: {@code -N -c 16 -j 2 -M prepared}. A child process; blocking, so not on an event loop.
 */
final class PgBenchRun {
  static final int SCALE = 10;
  private static final Pattern TPS = Pattern.compile(
      "tps = ([0-9]+(?:\\.[0-9]+)?) \\((?:without initial connection time|excluding connections establishing)\\)");

  private final DatabaseTarget target;

  PgBenchRun(DatabaseTarget target) {
    this.target = target;
  }

  void initialize() throws IOException {
    run(command("-i", "-s", String.valueOf(SCALE), "-q"));
  }

  /** Transactions per second over {@code seconds}. */
  double run(int seconds) throws IOException {
    String output = run(command("-N", "-c", "16", "-j", "2", "-M", "prepared", "-T", String.valueOf(seconds)));
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

  private String run(List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (!target.password().isEmpty()) {
      builder.environment().put("PGPASSWORD", target.password());
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IOException("pgbench could not be run (Debian: apt-get install postgresql-client): " + e.getMessage(), e);
    }
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      if (process.waitFor() != 0) {
        throw new IOException("failed (" + process.exitValue() + "): " + String.join(" ", command) + "\n" + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
    return output;
  }
}
