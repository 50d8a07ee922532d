package io.linkpoints.platform;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server run from the binaries that io.zonky.test ships on Maven Central,
 * with its data kept in a folder of ours so that a restart keeps the data.
 *
 * <p>We drive initdb and pg_ctl ourselves rather than through zonky's EmbeddedPostgres because
 * PostgreSQL refuses to run as root, and CI and the dev machines run as root: as root we start
 * the server inside a fresh user namespace ({@code unshare --user}), where it sees itself as an
 * unprivileged user that still owns its data folder. Blocking: call from a worker thread.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  public static final String SUPERUSER = "postgres";

  private final Path binDir;
  private final Path dataDir;
  private final int port;
  private final boolean asRoot;
  private volatile boolean stopped;
  private long postmasterPid;
  private Process watchdog;

  /**
   * Watchdogs of the servers this JVM started. Held here because the JVM closes a pipe whose
   * stream it finds unreachable, and a closed pipe is what tells a watchdog to stop its server.
   */
  private static final java.util.Set<Process> WATCHDOGS = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private EmbeddedPostgresServer(Path binDir, Path dataDir, int port, boolean asRoot) {
    this.binDir = binDir;
    this.dataDir = dataDir;
    this.port = port;
    this.asRoot = asRoot;
  }

  /** Starts (creating the cluster on first use) a server whose data lives in {@code dataDir}, on a free port. */
  public static EmbeddedPostgresServer start(Path dataDir, boolean fastUnsafe) throws IOException {
    return start(dataDir, fastUnsafe, 0);
  }

  /**
   * Starts a server on {@code port} (0: a free one). A server of this folder left running by a
   * process that died is stopped first (see {@link PostmasterLock}). The server stops by itself
   * when this JVM ends, however it ends (a watchdog); {@link #close} stops it in order.
   */
  public static EmbeddedPostgresServer start(Path dataDir, boolean fastUnsafe, int port) throws IOException {
    return start(dataDir, fastUnsafe, port, "");
  }

  /** As {@link #start(Path, boolean, int)}, with {@code extraSettings} (postgresql.conf lines) after ours. */
  public static EmbeddedPostgresServer start(Path dataDir, boolean fastUnsafe, int port, String extraSettings)
      throws IOException {
    Path home = extractBinaries();
    boolean asRoot = "root".equals(System.getProperty("user.name")) || isUidZero();
    Files.createDirectories(dataDir.getParent());
    EmbeddedPostgresServer server = new EmbeddedPostgresServer(home.resolve("bin"), dataDir,
        port == 0 ? freePort() : port, asRoot);
    if (!Files.exists(dataDir.resolve("PG_VERSION"))) {
      server.initdb();
    } else {
      new PostmasterLock(dataDir).clearForStart();
    }
    server.writeRuntimeConfig(fastUnsafe, extraSettings);
    server.pgCtlStart();
    server.startWatchdog();
    return server;
  }

  public int port() {
    return port;
  }

  public String url(String database) {
    return "postgresql://" + SUPERUSER + "@127.0.0.1:" + port + "/" + database;
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + SUPERUSER;
  }

  private void initdb() throws IOException {
    log.info("Creating a new PostgreSQL cluster in {}", dataDir);
    run(List.of(binDir.resolve("initdb").toString(), "-A", "trust", "-U", SUPERUSER,
        "-D", dataDir.toString(), "-E", "UTF-8", "--locale=C"), 120);
  }

  /** Settings we own go in a file of ours that postgresql.conf includes. */
  private void writeRuntimeConfig(boolean fastUnsafe, String extraSettings) throws IOException {
    Path conf = dataDir.resolve("postgresql.conf");
    String include = "include_if_exists = 'linkpoints.conf'";
    String text = Files.readString(conf, StandardCharsets.UTF_8);
    if (!text.contains(include)) {
      Files.writeString(conf, text + "\n" + include + "\n", StandardCharsets.UTF_8);
    }
    StringBuilder ours = new StringBuilder()
        .append("listen_addresses = '127.0.0.1'\n")
        .append("port = ").append(port).append('\n')
        .append("max_connections = 200\n")
        .append("shared_buffers = '256MB'\n")
        .append("unix_socket_directories = ''\n")
        .append("log_min_messages = warning\n");
    if (fastUnsafe) {
      // Test databases are thrown away: durability buys nothing there.
      ours.append("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n");
    }
    ours.append(extraSettings);
    Files.writeString(dataDir.resolve("linkpoints.conf"), ours.toString(), StandardCharsets.UTF_8);
  }

  private void pgCtlStart() throws IOException {
    Path logFile = dataDir.resolve("server.log");
    run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", logFile.toString(),
        "-w", "-t", "60", "start"), 90);
    waitForPort();
    postmasterPid = new PostmasterLock(dataDir).recordedPid()
        .orElseThrow(() -> new IOException("PostgreSQL started but wrote no postmaster.pid in " + dataDir));
    log.info("Embedded PostgreSQL is up on 127.0.0.1:{} (data in {})", port, dataDir);
  }

  /**
   * A small shell process that stops our postmaster (fast shutdown) when its stdin reaches end of
   * file: the pipe from this JVM, which the kernel closes whenever the JVM ends, kill -9 included.
   * PostgreSQL's postmaster is a daemon (pg_ctl detaches it), so without this it would outlive us.
   * It checks that the pid is still a process working in our folder before signalling it. It
   * ignores INT, TERM and HUP: Ctrl-C, or a {@code timeout}, signals the JVM's whole process group,
   * watchdog included, and a watchdog that died with the JVM left the server running.
   */
  private void startWatchdog() throws IOException {
    String script = "trap '' INT TERM HUP; if read -r line; then exit 0; fi; "
        + "[ \"$(readlink /proc/$1/cwd)\" = \"$2\" ] && exec kill -s INT \"$1\"";
    watchdog = new ProcessBuilder("sh", "-c", script, PostmasterLock.WATCHDOG_NAME, Long.toString(postmasterPid),
        dataDir.toRealPath().toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    WATCHDOGS.add(watchdog);
  }

  /** The postmaster's process id. */
  public long pid() {
    return postmasterPid;
  }

  /** Retires the watchdog without letting it signal: a line on its stdin. */
  private void dismissWatchdog() {
    Process w = watchdog;
    if (w == null) {
      return;
    }
    try (var stdin = w.getOutputStream()) {
      stdin.write('\n');
    } catch (IOException alreadyGone) {
      // it has nothing left to do
    }
    try {
      w.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    w.destroy();
    WATCHDOGS.remove(w);
  }

  /** Stops the server this object started (fast shutdown); never another one that took the folder since. */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      if (new PostmasterLock(dataDir).recordedPid().orElse(-1L) == postmasterPid) { // else already stopped
        run(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "30",
            "stop"), 45);
      }
    } catch (IOException e) {
      log.warn("Could not stop embedded PostgreSQL cleanly: {}", e.getMessage());
    } finally {
      dismissWatchdog(); // after the stop: if we die during it, the watchdog still stops the server
    }
  }

  private void run(List<String> command, int timeoutSeconds) throws IOException {
    List<String> full = new ArrayList<>();
    if (asRoot) {
      // PostgreSQL will not run as root; in a new user namespace we are 'nobody' to it.
      full.add("unshare");
      full.add("--user");
    }
    full.addAll(command);
    Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
    byte[] output;
    try (InputStream in = process.getInputStream()) {
      output = in.readAllBytes();
    }
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("Timed out: " + String.join(" ", full));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted: " + String.join(" ", full), e);
    }
    if (process.exitValue() != 0) {
      throw new IOException("Failed (" + process.exitValue() + "): " + String.join(" ", full) + "\n"
          + new String(output, StandardCharsets.UTF_8) + serverLogTail());
    }
  }

  private String serverLogTail() {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("server.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  private void waitForPort() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    throw new IOException("Embedded PostgreSQL did not open port " + port + serverLogTail());
  }

  /**
   * Unpacks the PostgreSQL binaries once per version into the temp folder. Concurrent JVMs
   * unpack into their own folder and then move it into place atomically.
   */
  private static Path extractBinaries() throws IOException {
    byte[] archive;
    try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", architecture())) {
      archive = in.readAllBytes();
    }
    String digest = sha256(archive).substring(0, 16);
    Path root = Path.of(System.getProperty("java.io.tmpdir"), "linkpoints-postgres");
    Path home = root.resolve(digest);
    if (Files.exists(home.resolve(".complete"))) {
      return home;
    }
    Files.createDirectories(root);
    Path staging = Files.createTempDirectory(root, "unpack-");
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new XZInputStream(new BufferedInputStream(new java.io.ByteArrayInputStream(archive))))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path target = staging.resolve(entry.getName()).normalize();
        if (!target.startsWith(staging)) {
          throw new IOException("Archive entry escapes its folder: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
          if ((entry.getMode() & 0100) != 0) {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
          }
        }
      }
    }
    Files.createFile(staging.resolve(".complete"));
    try {
      Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      if (!Files.exists(home.resolve(".complete"))) {
        throw raced;
      }
      Folders.deleteTree(staging);
    }
    return home;
  }

  private static String architecture() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "arm_64";
      default -> arch;
    };
  }

  private static boolean isUidZero() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return Integer.valueOf(0).equals(uid);
    } catch (Exception e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (DigestInputStream in = new DigestInputStream(new java.io.ByteArrayInputStream(bytes), md)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException(e);
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
