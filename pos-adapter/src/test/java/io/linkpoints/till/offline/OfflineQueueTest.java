package io.linkpoints.till.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue's own guarantees: order, survival across restarts, keys that never change. */
class OfflineQueueTest {

  @Test
  void entriesSurviveARestartAndAreSentInOrderWithTheirOriginalKeys(@TempDir Path dir) throws IOException {
    OfflineQueue before = new OfflineQueue(dir);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      keys.add(before.enqueue("accrue", new JsonObject().put("orderId", "A-" + i).put("amountFen", 100 + i)).idempotencyKey());
    }
    OfflineQueue after = new OfflineQueue(dir); // the adapter restarted
    assertEquals(50, after.size());

    List<OfflineQueue.Entry> sent = new ArrayList<>();
    assertEquals(50, after.drain(sent::add));
    assertEquals(keys, sent.stream().map(OfflineQueue.Entry::idempotencyKey).toList());
    for (int i = 0; i < 50; i++) {
      assertEquals("A-" + i, sent.get(i).body().getString("orderId"));
    }
    assertEquals(0, new OfflineQueue(dir).size(), "nothing is sent twice after another restart");
  }

  @Test
  void aFailedSendStopsTheDrainAndKeepsOrder(@TempDir Path dir) throws IOException {
    OfflineQueue queue = new OfflineQueue(dir);
    for (int i = 0; i < 5; i++) {
      queue.enqueue("accrue", new JsonObject().put("n", i));
    }
    List<Integer> delivered = new ArrayList<>();
    int sent = queue.drain(entry -> {
      if (entry.body().getInteger("n") == 2) {
        throw new IOException("network down");
      }
      delivered.add(entry.body().getInteger("n"));
    });
    assertEquals(2, sent);
    assertEquals(List.of(0, 1), delivered);
    OfflineQueue restarted = new OfflineQueue(dir);
    assertEquals(List.of(2, 3, 4), restarted.pending().stream().map(e -> e.body().getInteger("n")).toList());
  }

  @Test
  void aCrashBetweenSendingAndNotingItResendsTheSameKey(@TempDir Path dir) throws IOException {
    OfflineQueue queue = new OfflineQueue(dir);
    String key = queue.enqueue("accrue", new JsonObject().put("orderId", "B-1")).idempotencyKey();
    // The server applied it, but the adapter died before writing sent.log: simulate by not draining.
    OfflineQueue restarted = new OfflineQueue(dir);
    assertEquals(key, restarted.pending().get(0).idempotencyKey(), "the retry carries the same key");
  }

  @Test
  void aTornLastLineIsIgnoredAndNewEntriesKeepCounting(@TempDir Path dir) throws IOException {
    OfflineQueue queue = new OfflineQueue(dir);
    queue.enqueue("accrue", new JsonObject().put("n", 1));
    Files.writeString(dir.resolve("queue.jsonl"), "{\"seq\":2,\"key\":\"abc", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    OfflineQueue restarted = new OfflineQueue(dir);
    assertEquals(1, restarted.size());
    OfflineQueue.Entry next = restarted.enqueue("accrue", new JsonObject().put("n", 2));
    assertTrue(next.seq() > 1);
    OfflineQueue again = new OfflineQueue(dir);
    assertEquals(List.of(1, 2), again.pending().stream().map(e -> e.body().getInteger("n")).toList(),
        "an entry queued after the torn line is not lost");
    assertEquals(2, again.drain(e -> { }));
    OfflineQueue.Entry afterCompaction = new OfflineQueue(dir).enqueue("accrue", new JsonObject());
    assertTrue(afterCompaction.seq() > next.seq(), "sequence numbers keep counting after compaction");
  }

  @Test
  void anAccrualKeepsItsCodeAndScanTimeAcrossARestart(@TempDir Path dir) throws IOException {
    Instant scanned = Instant.parse("2026-12-07T06:30:12.345Z");
    new OfflineQueue(dir).enqueue("accrue", new JsonObject().put("memberCode", "88000012347312345678")
        .put("scannedAt", scanned.toString()).put("spendFen", 3850));
    OfflineQueue.Entry entry = new OfflineQueue(dir).pending().get(0);
    assertEquals("88000012347312345678", entry.body().getString("memberCode"));
    assertEquals(scanned, entry.scannedAt().orElseThrow());
    assertThrows(IllegalArgumentException.class, () -> new OfflineQueue(dir).enqueue("accrue",
        new JsonObject().put("memberCode", "88000012347312345678")), "a code without its scan time cannot be checked");
  }

  @Test
  void anEntryQueuedBeforeScanTimesWereKeptGetsItsQueueTime(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("queue.jsonl"), "{\"seq\":1,\"key\":\"k1\",\"op\":\"accrue\",\"body\":"
        + "{\"memberCode\":\"88000012347312345678\",\"spendFen\":100},\"queuedAt\":\"2026-12-07T06:00:00Z\"}\n");
    assertEquals(Instant.parse("2026-12-07T06:00:00Z"), new OfflineQueue(dir).pending().get(0).scannedAt().orElseThrow());
  }
}
