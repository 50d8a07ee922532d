package io.linkpoints.portal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.auth.MemberDeviceSecrets;
import io.linkpoints.portal.bench.PosBench;
import io.linkpoints.portal.bench.PosDemo;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Help never starts anything: the jar's launcher with {@code --help} (and a command's
 * {@code --help}) prints the commands and exits 0, leaving its port closed and its data folder
 * uncreated; an unknown option is usage on stderr and exit 2; {@code ./linkpoints} answers help
 * for each of its commands without building or starting, and its bench ledger help lists every
 * flag the benchmark itself takes. {@code rotate-code-key} adds a code key and makes it current,
 * the older keys kept, and starts nothing.
 */
class CommandLineTest {
  record Run(int exit, String out, String err) {
  }

  @Test
  void theJarsHelpNamesTheCommandsAndStartsNothing(@TempDir Path dir) throws Exception {
    int port = freePort();
    Path data = dir.resolve("data");
    for (List<String> args : List.of(List.of("--help"), List.of("-h"), List.of("help"), List.of("run", "--help"),
        List.of("rotate-jwt-key", "--help"), List.of("rotate-code-key", "--help"))) {
      Run run = java(LinkpointsLauncher.class, args, Map.of("LINKPOINTS_PORT", Integer.toString(port),
          "LINKPOINTS_DATA", data.toString(), "LINKPOINTS_DEMO", "on"));
      assertEquals(0, run.exit(), args + ": " + run);
      for (String command : List.of("run", "rotate-jwt-key", "rotate-code-key", "--help")) {
        assertTrue(run.out().contains(command), args + " names " + command + ": " + run.out());
      }
      assertFalse(listening(port), args + ": something listens on the platform's port");
      assertFalse(Files.exists(data), args + ": the data folder was made, so something started");
    }
  }

  @Test
  void rotateCodeKeyAddsAKeyAndMakesItCurrentStartingNothing(@TempDir Path dir) throws Exception {
    Path keys = dir.resolve("code-keys");
    Path data = dir.resolve("data");
    MemberDeviceSecrets first = MemberDeviceSecrets.loadOrCreate(keys);
    byte[] secret = MemberDeviceSecrets.newSecret();
    byte[] sealed = first.seal(7, secret);
    int port = freePort();
    Map<String, String> env = Map.of("LINKPOINTS_CODE_KEYS_DIR", keys.toString(), "LINKPOINTS_DATA", data.toString(),
        "LINKPOINTS_PORT", Integer.toString(port));
    Set<String> ids = new HashSet<>(Set.of(MemberDeviceSecrets.FIRST_KEY_ID));
    for (int rotation = 1; rotation <= 2; rotation++) {
      Run run = java(LinkpointsLauncher.class, List.of("rotate-code-key"), env);
      assertEquals(0, run.exit(), run.toString());
      MemberDeviceSecrets ring = MemberDeviceSecrets.load(keys);
      assertTrue(ids.add(ring.currentKeyId()), "a new key each time: " + ring.currentKeyId());
      assertEquals(ids, ring.keyIds(), "the older keys stay");
      assertTrue(run.out().contains("New code key " + ring.currentKeyId()), run.out());
      assertArrayEquals(secret, ring.open(7, sealed), "what the first key sealed still opens");
      assertArrayEquals(secret, ring.open(7, ring.seal(7, secret)));
    }
    assertTrue(Files.exists(keys.resolve(MemberDeviceSecrets.KEY_FILE)));
    assertFalse(listening(port), "the rotation started no server");
    assertFalse(Files.exists(data), "the data folder was made, so something started");
  }

  @Test
  void anUnknownOptionIsUsageOnStderrAndExit2(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    for (List<String> args : List.of(List.of("--bogus"), List.of("frobnicate"), List.of("rotate-jwt-key", "extra"),
        List.of("rotate-code-key", "extra"))) {
      Run run = java(LinkpointsLauncher.class, args, Map.of("LINKPOINTS_DATA", data.toString()));
      assertEquals(2, run.exit(), args + ": " + run);
      assertTrue(run.err().contains(args.get(args.size() - 1)) && run.err().contains("Usage:"), args + ": " + run);
      assertEquals("", run.out(), args + ": nothing on stdout");
      assertFalse(Files.exists(data), args + ": the data folder was made, so something started");
    }
    for (Class<?> main : List.of(PosBench.class, PosDemo.class)) {
      Run help = java(main, List.of("--help"), Map.of());
      assertEquals(0, help.exit(), main + ": " + help);
      assertTrue(help.out().startsWith("Usage: ./linkpoints"), main + ": " + help);
      Run bogus = java(main, List.of("--bogus"), Map.of());
      assertEquals(2, bogus.exit(), main + ": " + bogus);
      assertTrue(bogus.err().startsWith("Usage: ./linkpoints"), main + ": " + bogus);
    }
  }

  @Test
  void theScriptAnswersHelpForEachCommandWithoutBuilding() throws Exception {
    Path script = Path.of("..", "linkpoints").toAbsolutePath().normalize();
    String top = script(script, "help").out();
    for (String command : List.of("run", "pos", "bench ledger", "bench pos", "help")) {
      assertTrue(top.contains(command), "./linkpoints help names " + command + ": " + top);
    }
    for (String command : List.of("run", "pos", "bench ledger", "bench pos")) {
      List<String> words = new ArrayList<>(List.of(command.split(" ")));
      for (List<String> asked : List.of(append(words, "--help"), append(words, "-h"), prepend("help", words))) {
        Run run = script(script, asked.toArray(String[]::new));
        assertEquals(0, run.exit(), asked + ": " + run);
        assertTrue(run.out().startsWith("Usage: ./linkpoints " + command), asked + ": " + run.out());
        assertFalse(run.err().contains("Building"), asked + " built the jar: " + run.err());
      }
    }
    // The script's copy of the ledger benchmark's flags against the benchmark's own.
    String benchHelp = java(io.linkpoints.bench.LedgerBench.class, List.of("--help"), Map.of()).out();
    Matcher flag = Pattern.compile("(--[a-z-]+)=").matcher(benchHelp);
    int flags = 0;
    String scriptHelp = script(script, "bench", "ledger", "--help").out();
    while (flag.find()) {
      assertTrue(scriptHelp.contains(flag.group(1) + "="), "./linkpoints bench ledger --help lists " + flag.group(1));
      flags++;
    }
    assertTrue(flags >= 9, "flags found in LedgerBench's help: " + flags);
    Run unknown = script(script, "pos", "--bogus");
    assertEquals(2, unknown.exit(), unknown.toString());
    assertTrue(unknown.err().contains("Usage: ./linkpoints pos"), unknown.toString());
  }

  private static List<String> append(List<String> words, String last) {
    List<String> all = new ArrayList<>(words);
    all.add(last);
    return all;
  }

  private static List<String> prepend(String first, List<String> words) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(words);
    return all;
  }

  private static Run java(Class<?> main, List<String> args, Map<String, String> env) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    return run(new ProcessBuilder(command), env);
  }

  private static Run script(Path script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(script.toString()));
    command.addAll(List.of(args));
    return run(new ProcessBuilder(command), Map.of());
  }

  /**
   * Output to files, not pipes: a process that wrongly starts the server (and its PostgreSQL, which
   * would inherit a pipe) must not keep this test waiting for an end of stream; it is killed at 30 s.
   */
  private static Run run(ProcessBuilder pb, Map<String, String> env) throws Exception {
    pb.environment().keySet().removeIf(k -> k.startsWith("LINKPOINTS_"));
    pb.environment().putAll(env);
    Path out = Files.createTempFile("linkpoints-cli", ".out");
    Path err = Files.createTempFile("linkpoints-cli", ".err");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      boolean exited = p.waitFor(30, TimeUnit.SECONDS);
      if (!exited) {
        p.destroy(); // SIGTERM: the platform's ordered stop, its PostgreSQL included
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
      assertTrue(exited, pb.command() + " did not exit within 30 s, so it started something:\n"
          + Files.readString(out, StandardCharsets.UTF_8));
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
