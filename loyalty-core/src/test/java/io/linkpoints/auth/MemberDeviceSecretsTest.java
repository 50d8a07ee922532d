package io.linkpoints.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.testing.LegacyDeviceSecrets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberDeviceSecretsTest {
  @TempDir
  Path dir;

  @Test
  void aSealedSecretOpensOnlyForItsDeviceWithItsKey() throws Exception {
    MemberDeviceSecrets secrets = MemberDeviceSecrets.loadOrCreate(dir);
    assertEquals(MemberDeviceSecrets.FIRST_KEY_ID, secrets.currentKeyId(), "a new folder's first key");
    byte[] secret = MemberDeviceSecrets.newSecret();
    byte[] sealed = secrets.seal(17, secret);
    assertEquals(3 + 12 + 32 + 16, sealed.length, "format, id length, id '0', nonce, ciphertext, tag");
    assertEquals("0", MemberDeviceSecrets.keyIdOf(sealed));
    assertArrayEquals(secret, secrets.open(17, sealed));
    assertArrayEquals(secret, MemberDeviceSecrets.loadOrCreate(dir).open(17, sealed),
        "the key file is read back on restart");

    assertThrows(AEADBadTagException.class, () -> secrets.open(18, sealed), "moved to another device's row");
    byte[] flipped = sealed.clone();
    flipped[20] ^= 1;
    assertThrows(AEADBadTagException.class, () -> secrets.open(17, flipped));
    Path other = Files.createDirectory(dir.resolve("other"));
    assertThrows(AEADBadTagException.class, () -> MemberDeviceSecrets.loadOrCreate(other).open(17, sealed),
        "a dump opened with another data folder's key of the same id");
    assertThrows(IllegalArgumentException.class, () -> secrets.seal(17, new byte[29]),
        "only 32-byte secrets: the length tells the formats apart");
  }

  @Test
  void sealingTwiceGivesDifferentBytesAndSecretsAreFresh() throws Exception {
    MemberDeviceSecrets secrets = MemberDeviceSecrets.loadOrCreate(dir);
    byte[] secret = MemberDeviceSecrets.newSecret();
    assertNotEquals(Arrays.toString(secrets.seal(1, secret)), Arrays.toString(secrets.seal(1, secret)));
    assertNotEquals(Arrays.toString(MemberDeviceSecrets.newSecret()), Arrays.toString(MemberDeviceSecrets.newSecret()));
  }

  @Test
  void secretsSealedBeforeKeyIdsOpenWithTheFirstKeyAfterRotations() throws Exception {
    MemberDeviceSecrets.loadOrCreate(dir);
    byte[] secret = MemberDeviceSecrets.newSecret();
    byte[] legacy = LegacyDeviceSecrets.seal(dir, 17, secret);
    assertEquals(MemberDeviceSecrets.LEGACY_LENGTH, legacy.length);
    MemberDeviceSecrets rotated = MemberDeviceSecrets.rotate(dir);
    MemberDeviceSecrets.rotate(dir);
    MemberDeviceSecrets ring = MemberDeviceSecrets.load(dir);
    assertEquals("0", MemberDeviceSecrets.keyIdOf(legacy));
    assertArrayEquals(secret, ring.open(17, legacy));
    assertFalse(ring.sealedWithCurrent(legacy));
    assertThrows(AEADBadTagException.class, () -> ring.open(18, legacy), "the device id is still bound");
    assertArrayEquals(secret, ring.open(17, rotated.seal(17, secret)), "each key opens what it sealed");
    assertEquals(3, ring.keyIds().size());

    Files.delete(dir.resolve(MemberDeviceSecrets.KEY_FILE));
    MemberDeviceSecrets.UnknownKeyException gone = assertThrows(MemberDeviceSecrets.UnknownKeyException.class,
        () -> MemberDeviceSecrets.load(dir).open(17, legacy));
    assertEquals("0", gone.keyId());
  }

  @Test
  void rotationMakesANewKeyCurrentAndTheOldOnesKeepOpening() throws Exception {
    MemberDeviceSecrets first = MemberDeviceSecrets.loadOrCreate(dir);
    byte[] secret = MemberDeviceSecrets.newSecret();
    byte[] underFirst = first.seal(5, secret);

    MemberDeviceSecrets rotated = MemberDeviceSecrets.rotate(dir);
    assertTrue(rotated.currentKeyId().matches("c\\d{8}[0-9a-f]{6}"), rotated.currentKeyId());
    assertEquals(Set.of("0", rotated.currentKeyId()), rotated.keyIds());
    assertEquals(Set.of("current", "device-secrets.key", rotated.currentKeyId() + ".key"), listing(dir));
    MemberDeviceSecrets restarted = MemberDeviceSecrets.loadOrCreate(dir);
    assertEquals(rotated.currentKeyId(), restarted.currentKeyId(), "a restart seals with the new key");
    byte[] underNew = restarted.seal(5, secret);
    assertEquals(rotated.currentKeyId(), MemberDeviceSecrets.keyIdOf(underNew));
    assertEquals(2 + rotated.currentKeyId().length() + 12 + 32 + 16, underNew.length);
    assertTrue(restarted.sealedWithCurrent(underNew));
    assertFalse(restarted.sealedWithCurrent(underFirst));
    assertArrayEquals(secret, restarted.open(5, underFirst));
    assertArrayEquals(secret, restarted.open(5, underNew));

    // An instance started before the rotation learns the new key from the folder.
    assertThrows(MemberDeviceSecrets.UnknownKeyException.class, () -> first.open(5, underNew));
    assertTrue(first.learnNewKeys());
    assertFalse(first.learnNewKeys(), "nothing new the second time");
    assertArrayEquals(secret, first.open(5, underNew));
    assertEquals("0", first.currentKeyId(), "it keeps sealing with its key until restarted");
  }

  @Test
  void anEditedKeyIdIsRefused() throws Exception {
    MemberDeviceSecrets.loadOrCreate(dir);
    String oldId = "0";
    MemberDeviceSecrets ring = MemberDeviceSecrets.rotate(dir);
    byte[] secret = MemberDeviceSecrets.newSecret();
    byte[] sealed = ring.seal(9, secret);

    byte[] unknown = sealed.clone();
    unknown[5] = (byte) (unknown[5] == 'z' ? 'y' : 'z');
    MemberDeviceSecrets.UnknownKeyException refused = assertThrows(MemberDeviceSecrets.UnknownKeyException.class,
        () -> ring.open(9, unknown));
    assertTrue(refused.getMessage().contains("not in " + dir), refused.getMessage());

    // The same bytes claiming the other key of the ring: that key does not open them.
    byte[] header = ByteBuffer.allocate(3).put((byte) 1).put((byte) 1).put(oldId.getBytes(StandardCharsets.US_ASCII))
        .array();
    int body = 2 + ring.currentKeyId().length();
    byte[] otherKey = ByteBuffer.allocate(header.length + sealed.length - body).put(header)
        .put(sealed, body, sealed.length - body).array();
    assertEquals("0", MemberDeviceSecrets.keyIdOf(otherKey));
    assertThrows(AEADBadTagException.class, () -> ring.open(9, otherKey));

    byte[] badFormat = sealed.clone();
    badFormat[0] = 7;
    assertThrows(GeneralSecurityException.class, () -> ring.open(9, badFormat));
    assertThrows(GeneralSecurityException.class, () -> ring.open(9, new byte[] {1, 1, '0'}));
  }

  @Test
  void aFolderWhoseCurrentKeyFileIsMissingDoesNotLoad() throws Exception {
    MemberDeviceSecrets ring = MemberDeviceSecrets.rotate(dir);
    assertEquals(Set.of(ring.currentKeyId()), ring.keyIds(), "a rotation on an empty folder makes its only key");
    Files.delete(dir.resolve(ring.currentKeyId() + ".key"));
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> MemberDeviceSecrets.loadOrCreate(dir));
    assertTrue(e.getMessage().contains(ring.currentKeyId()), e.getMessage());
  }

  private static Set<String> listing(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return Set.copyOf(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList());
    }
  }
}
