package io.linkpoints.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.FirstWriteWins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several instances starting at the same moment on one empty shared folder (keys folder, operator
 * token) agree on one signing key, one device-secrets key and one token: tokens signed by one verify at the others.
 * Threads stand in for processes: the file system decides, as it would between processes.
 */
class FirstStartRaceTest {
  private static final int INSTANCES = 8;

  @RepeatedTest(5)
  void instancesStartingAtOnceAgreeOnOneSigningKey(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("jwt-keys");
    List<KeyRing> rings = atOnce(() -> KeyRing.loadOrCreate(dir));
    Set<String> kids = rings.stream().map(KeyRing::signingKid).collect(Collectors.toSet());
    assertEquals(1, kids.size(), "every instance signs with the same key: " + kids);
    assertEquals(List.of("current", kids.iterator().next() + ".pem"), listing(dir),
        "one key file and its pointer, no loser's key and no temporary file left");
    assertEquals(kids, Set.of(KeyRing.load(dir).signingKid()), "a later start loads the same key");
  }

  @RepeatedTest(5)
  void instancesStartingAtOnceAgreeOnOneOperatorToken(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("operator-token");
    List<String> tokens = atOnce(() -> FirstWriteWins.create(file, Secrets.randomToken(32) + "\n"));
    assertEquals(1, Set.copyOf(tokens).size(), "every instance uses the same token: " + Set.copyOf(tokens));
    assertEquals(tokens.get(0), Files.readString(file));
    assertEquals(List.of("operator-token"), listing(file.getParent()));
  }

  @RepeatedTest(5)
  void instancesStartingAtOnceAgreeOnOneDeviceSecretsKey(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("code-keys");
    List<MemberDeviceSecrets> keys = atOnce(() -> MemberDeviceSecrets.loadOrCreate(dir));
    byte[] secret = MemberDeviceSecrets.newSecret();
    for (MemberDeviceSecrets sealer : keys) {
      byte[] sealed = sealer.seal(42, secret);
      for (MemberDeviceSecrets opener : keys) {
        assertArrayEquals(secret, opener.open(42, sealed), "a secret one instance sealed opens at every other");
      }
    }
    assertEquals(List.of(MemberDeviceSecrets.KEY_FILE), listing(dir), "one key file, no temporary file left");
  }

  @RepeatedTest(3)
  void rotationsAtOnceEachAddAKeyAndOneOfThemIsCurrent() throws Exception {
    Path dir = Files.createTempDirectory("linkpoints-code-keys-rotation").resolve("code-keys");
    MemberDeviceSecrets first = MemberDeviceSecrets.loadOrCreate(dir);
    byte[] secret = MemberDeviceSecrets.newSecret();
    byte[] sealed = first.seal(42, secret);
    List<MemberDeviceSecrets> rotated = atOnce(() -> MemberDeviceSecrets.rotate(dir));
    MemberDeviceSecrets ring = MemberDeviceSecrets.load(dir);
    assertEquals(INSTANCES + 1, ring.keyIds().size(), "every rotation's key is kept: " + ring.keyIds());
    assertTrue(rotated.stream().anyMatch(r -> r.currentKeyId().equals(ring.currentKeyId())), ring.currentKeyId());
    assertArrayEquals(secret, ring.open(42, sealed));
    for (MemberDeviceSecrets r : rotated) {
      assertArrayEquals(secret, ring.open(42, r.seal(42, secret)), "what each rotation's key sealed opens");
    }
    assertEquals(INSTANCES + 2, listing(dir).size(), "the keys and one pointer, no temporary file left");
  }

  private static <T> List<T> atOnce(Callable<T> start) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> started = new ArrayList<>();
      for (int i = 0; i < INSTANCES; i++) {
        started.add(pool.submit(() -> {
          go.await();
          return start.call();
        }));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : started) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> listing(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
