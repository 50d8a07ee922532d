package io.linkpoints.till.offline;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Accruals made while the network is down, kept on disk until the server has them.
 *
 * <p>Each entry gets its idempotency key when it is queued, so however often it is sent
 * (a crash between sending and noting the reply, a restart of the adapter) the server applies
 * it once. Entries are sent in the order they were queued. Two append-only files, each line
 * forced to disk before the call returns: {@code queue.jsonl} (entries) and {@code sent.log}
 * (sequence numbers the server confirmed). A torn last line from a crash mid-write is ignored.
 *
 * <p>Blocking file IO: in a Vert.x program call it from a worker.
 */
public final class OfflineQueue {
  /**
   * One queued request: what to send, and the key that makes sending it again harmless. An
   * accrual's body keeps the member code and {@code scannedAt}, the moment the till read it: the
   * server checks the code against that moment's time step, however late the entry is sent.
   */
  public record Entry(long seq, String idempotencyKey, String operation, JsonObject body, Instant queuedAt) {
    /** When the till read the member code of this entry, if it has one. */
    public Optional<Instant> scannedAt() {
      return Optional.ofNullable(body.getString(SCANNED_AT)).map(Instant::parse);
    }
  }

  static final String MEMBER_CODE = "memberCode";
  static final String SCANNED_AT = "scannedAt";

  /** Sends one entry; returns normally when the server has applied (or had already applied) it. */
  @FunctionalInterface
  public interface Sender {
    void send(Entry entry) throws IOException;
  }

  private final Path entriesFile;
  private final Path sentFile;
  private final List<Entry> pending = new ArrayList<>();
  private long nextSeq = 1;

  public OfflineQueue(Path directory) throws IOException {
    Files.createDirectories(directory);
    this.entriesFile = directory.resolve("queue.jsonl");
    this.sentFile = directory.resolve("sent.log");
    load();
  }

  public synchronized Entry enqueue(String operation, JsonObject body) throws IOException {
    return enqueue(operation, UUID.randomUUID().toString(), body);
  }

  /**
   * Queues a request under the key it was already sent with: if that first send reached the server
   * after all, the replay is recognised and applied no second time.
   */
  public synchronized Entry enqueue(String operation, String idempotencyKey, JsonObject body) throws IOException {
    if (body.containsKey(MEMBER_CODE) && !body.containsKey(SCANNED_AT)) {
      // Without it the server cannot tell which time step the code belonged to, and refuses it.
      throw new IllegalArgumentException("a queued member code needs scannedAt, the moment the till read it");
    }
    Entry entry = new Entry(nextSeq++, idempotencyKey, operation, body.copy(), Instant.now());
    JsonObject line = new JsonObject().put("seq", entry.seq()).put("key", entry.idempotencyKey())
        .put("op", operation).put("body", entry.body()).put("queuedAt", entry.queuedAt().toString());
    append(entriesFile, line.encode());
    pending.add(entry);
    return entry;
  }

  public synchronized List<Entry> pending() {
    return List.copyOf(pending);
  }

  public synchronized int size() {
    return pending.size();
  }

  /**
   * Sends pending entries in order until one fails (the network is still down, say); returns how
   * many were sent. The failed one and those after it stay queued, in order.
   */
  public synchronized int drain(Sender sender) throws IOException {
    int sent = 0;
    while (!pending.isEmpty()) {
      Entry next = pending.get(0);
      try {
        sender.send(next);
      } catch (IOException stillOffline) {
        break;
      }
      append(sentFile, Long.toString(next.seq()));
      pending.remove(0);
      sent++;
    }
    if (pending.isEmpty() && sent > 0) {
      compact();
    }
    return sent;
  }

  private void load() throws IOException {
    terminateTornLine(entriesFile);
    terminateTornLine(sentFile);
    Set<Long> confirmed = new HashSet<>();
    for (String line : readLines(sentFile)) {
      try {
        confirmed.add(Long.parseLong(line.trim()));
      } catch (NumberFormatException tornLine) {
        // a crash mid-write leaves at most one partial line; that entry is simply sent again
      }
    }
    for (String line : readLines(entriesFile)) {
      JsonObject json;
      try {
        json = new JsonObject(line);
      } catch (DecodeException tornLine) {
        continue; // never acknowledged to the caller, so never promised
      }
      long seq = json.getLong("seq");
      nextSeq = Math.max(nextSeq, seq + 1);
      if (!confirmed.contains(seq)) {
        Instant queuedAt = Instant.parse(json.getString("queuedAt"));
        pending.add(new Entry(seq, json.getString("key"), json.getString("op"),
            withScanTime(json.getJsonObject("body"), queuedAt), queuedAt));
      }
    }
    pending.sort((a, b) -> Long.compare(a.seq(), b.seq()));
  }

  /**
   * An entry queued before scan times were kept: it was queued right after its failed first send,
   * so the queue time is the nearest known to the scan (the server still decides).
   */
  private static JsonObject withScanTime(JsonObject body, Instant queuedAt) {
    if (body.containsKey(MEMBER_CODE) && !body.containsKey(SCANNED_AT)) {
      body.put(SCANNED_AT, queuedAt.toString());
    }
    return body;
  }

  /** Everything was sent: start both files afresh (sequence numbers keep counting up). */
  private void compact() throws IOException {
    Path emptyEntries = Files.createTempFile(entriesFile.getParent(), "queue", ".tmp");
    Files.move(emptyEntries, entriesFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.deleteIfExists(sentFile);
    // Keep the counter across the truncation so keys of old and new entries never collide in logs.
    append(entriesFile, new JsonObject().put("seq", nextSeq - 1).put("key", "-").put("op", "watermark")
        .put("body", new JsonObject()).put("queuedAt", Instant.now().toString()).encode());
    append(sentFile, Long.toString(nextSeq - 1));
  }

  /** A crash mid-write leaves a line without its newline; end it so the next append starts clean. */
  private static void terminateTornLine(Path file) throws IOException {
    if (Files.exists(file) && Files.size(file) > 0) {
      byte[] bytes = Files.readAllBytes(file);
      if (bytes[bytes.length - 1] != '\n') {
        append(file, "");
      }
    }
  }

  private static List<String> readLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
  }

  private static void append(Path file, String line) throws IOException {
    try (FileOutputStream out = new FileOutputStream(file.toFile(), true)) {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.getChannel().force(true);
    }
  }
}
