package io.linkpoints.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberDeviceSecretsTest {
  @TempDir
  Path dir;

  @Test
  void aSealedSecretOpensOnlyForItsDeviceWithItsKey() throws Exception {
    MemberDeviceSecrets secrets = MemberDeviceSecrets.loadOrCreate(dir);
    byte[] secret = MemberDeviceSecrets.newSecret();
    byte[] sealed = secrets.seal(17, secret);
    assertEquals(12 + 32 + 16, sealed.length);
    assertArrayEquals(secret, secrets.open(17, sealed));
    assertArrayEquals(secret, MemberDeviceSecrets.loadOrCreate(dir).open(17, sealed),
        "the key file is read back on restart");

    assertThrows(GeneralSecurityException.class, () -> secrets.open(18, sealed), "moved to another device's row");
    byte[] flipped = sealed.clone();
    flipped[20] ^= 1;
    assertThrows(GeneralSecurityException.class, () -> secrets.open(17, flipped));
    Path other = Files.createDirectory(dir.resolve("other"));
    assertThrows(GeneralSecurityException.class, () -> MemberDeviceSecrets.loadOrCreate(other).open(17, sealed),
        "a dump opened with another data folder's key");
  }

  @Test
  void sealingTwiceGivesDifferentBytesAndSecretsAreFresh() throws Exception {
    MemberDeviceSecrets secrets = MemberDeviceSecrets.loadOrCreate(dir);
    byte[] secret = MemberDeviceSecrets.newSecret();
    assertNotEquals(Arrays.toString(secrets.seal(1, secret)), Arrays.toString(secrets.seal(1, secret)));
    assertNotEquals(Arrays.toString(MemberDeviceSecrets.newSecret()), Arrays.toString(MemberDeviceSecrets.newSecret()));
  }
}
