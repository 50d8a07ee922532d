package io.linkpoints.auth;

import io.linkpoints.platform.FirstWriteWins;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals member devices' code secrets for the database (AES-256-GCM, a fresh 96-bit nonce each,
 * the device id as associated data so a sealed secret cannot be moved to another device's row).
 * The key is a file in the code keys folder, made once by the first instance to start
 * ({@link FirstWriteWins}); a database dump without that folder forges no member code.
 */
public final class MemberDeviceSecrets {
  public static final String KEY_FILE = "device-secrets.key";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;

  private MemberDeviceSecrets(byte[] key) {
    this.key = new SecretKeySpec(key, "AES");
  }

  /** The sealing key in {@code dir}, made on first start. Blocking (file system). */
  public static MemberDeviceSecrets loadOrCreate(Path dir) throws IOException {
    byte[] candidate = new byte[32];
    RANDOM.nextBytes(candidate);
    String text = FirstWriteWins.create(dir.resolve(KEY_FILE), Base64.getEncoder().encodeToString(candidate) + "\n");
    byte[] key = Base64.getDecoder().decode(text.trim());
    if (key.length != 32) {
      throw new IOException(dir.resolve(KEY_FILE) + " does not hold a 256-bit key");
    }
    return new MemberDeviceSecrets(key);
  }

  /** A new device secret: 256 random bits. */
  public static byte[] newSecret() {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return secret;
  }

  public byte[] seal(long deviceId, byte[] secret) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(deviceId));
      byte[] sealed = cipher.doFinal(secret);
      return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /** The secret, or an exception if the row was sealed with another key or for another device. */
  public byte[] open(long deviceId, byte[] sealed) throws GeneralSecurityException {
    if (sealed.length <= NONCE_BYTES) {
      throw new GeneralSecurityException("sealed secret too short");
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
    cipher.updateAAD(aad(deviceId));
    return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
  }

  private static byte[] aad(long deviceId) {
    return ByteBuffer.allocate(11).put((byte) 'L').put((byte) 'P').put((byte) '2').putLong(deviceId).array();
  }
}
