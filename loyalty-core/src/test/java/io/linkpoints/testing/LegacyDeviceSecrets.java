package io.linkpoints.testing;

import io.linkpoints.auth.MemberDeviceSecrets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Device secrets sealed as they were before code keys had ids (a data folder from before the
 * rotation of code keys): nonce, ciphertext and tag under {@code device-secrets.key}, with "LP2"
 * and the device id as associated data.
 */
public final class LegacyDeviceSecrets {
  private LegacyDeviceSecrets() {
  }

  public static byte[] seal(Path codeKeysDir, long deviceId, byte[] secret) throws Exception {
    byte[] key = Base64.getDecoder().decode(Files.readString(codeKeysDir.resolve(MemberDeviceSecrets.KEY_FILE)).trim());
    byte[] nonce = new byte[12];
    new SecureRandom().nextBytes(nonce);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    cipher.updateAAD(ByteBuffer.allocate(11).put((byte) 'L').put((byte) 'P').put((byte) '2').putLong(deviceId).array());
    byte[] sealed = cipher.doFinal(secret);
    return ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array();
  }
}
