package io.linkpoints.notifications;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Message encryption for Web Push, RFC 8291, in the {@code aes128gcm} content coding of RFC 8188:
 * an ephemeral P-256 key pair per message, ECDH with the browser's key ({@code p256dh}), HKDF-SHA256
 * with the subscription's 16-byte auth secret, AES-128-GCM, one record. Pure JCA; no I/O.
 */
public final class WebPushCrypto {
  /** The record size written in the header; one record carries the whole (small) message. */
  static final int RECORD_SIZE = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ECParameterSpec P256 = p256();

  private WebPushCrypto() {
  }

  /** The body to POST to the push service: header (salt, rs, keyid = our ephemeral key) and the record. */
  public static byte[] encrypt(byte[] plaintext, byte[] uaPublic, byte[] authSecret) throws GeneralSecurityException {
    if (plaintext.length > RECORD_SIZE - 17 - 86) {
      throw new GeneralSecurityException("a push message must fit one record");
    }
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    KeyPair ephemeral = gen.generateKeyPair();
    byte[] asPublic = encodePoint((ECPublicKey) ephemeral.getPublic());
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    byte[] ecdh = ecdh(ephemeral.getPrivate(), decodePoint(uaPublic));
    byte[][] keyAndNonce = keyAndNonce(ecdh, authSecret, uaPublic, asPublic, salt);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyAndNonce[0], "AES"), new GCMParameterSpec(128, keyAndNonce[1]));
    byte[] padded = Arrays.copyOf(plaintext, plaintext.length + 1);
    padded[plaintext.length] = 2; // the last record's delimiter, no padding after it
    byte[] record = gcm.doFinal(padded);
    ByteBuffer out = ByteBuffer.allocate(16 + 4 + 1 + asPublic.length + record.length);
    out.put(salt).putInt(RECORD_SIZE).put((byte) asPublic.length).put(asPublic).put(record);
    return out.array();
  }

  /**
   * The content encryption key (16 bytes) and nonce (12 bytes) of RFC 8291 section 3.4 and RFC 8188
   * section 2.2, shared by the sender and the receiver (the tests decrypt with it).
   */
  public static byte[][] keyAndNonce(byte[] ecdhSecret, byte[] authSecret, byte[] uaPublic, byte[] asPublic, byte[] salt)
      throws GeneralSecurityException {
    byte[] prkKey = hmac(authSecret, ecdhSecret);
    ByteArrayOutputStream keyInfo = new ByteArrayOutputStream();
    keyInfo.writeBytes("WebPush: info".getBytes(StandardCharsets.US_ASCII));
    keyInfo.write(0);
    keyInfo.writeBytes(uaPublic);
    keyInfo.writeBytes(asPublic);
    keyInfo.write(1);
    byte[] ikm = hmac(prkKey, keyInfo.toByteArray());
    byte[] prk = hmac(salt, ikm);
    byte[] cek = Arrays.copyOf(hmac(prk, info("Content-Encoding: aes128gcm")), 16);
    byte[] nonce = Arrays.copyOf(hmac(prk, info("Content-Encoding: nonce")), 12);
    return new byte[][] {cek, nonce};
  }

  private static byte[] info(String label) {
    byte[] l = label.getBytes(StandardCharsets.US_ASCII);
    byte[] out = Arrays.copyOf(l, l.length + 2);
    out[l.length] = 0;
    out[l.length + 1] = 1;
    return out;
  }

  static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  /** ECDH on P-256 (JCA {@code KeyAgreement("ECDH")}): the shared x coordinate, 32 bytes. */
  public static byte[] ecdh(PrivateKey mine, ECPublicKey theirs) throws GeneralSecurityException {
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(mine);
    agreement.doPhase(theirs, true);
    return agreement.generateSecret();
  }

  /** The uncompressed point (0x04 || x || y, 65 bytes) of a P-256 public key, as browsers give and take it. */
  public static byte[] encodePoint(ECPublicKey key) {
    byte[] out = new byte[65];
    out[0] = 4;
    unsigned(key.getW().getAffineX(), out, 1);
    unsigned(key.getW().getAffineY(), out, 33);
    return out;
  }

  private static void unsigned(BigInteger n, byte[] out, int at) {
    byte[] b = n.toByteArray();
    int len = Math.min(b.length, 32);
    System.arraycopy(b, b.length - len, out, at + 32 - len, len);
  }

  /** A P-256 public key from its uncompressed point; refuses anything that is not one (or not on the curve). */
  public static ECPublicKey decodePoint(byte[] point) throws GeneralSecurityException {
    if (point.length != 65 || point[0] != 4) {
      throw new GeneralSecurityException("not an uncompressed P-256 point");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 33));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 33, 65));
    return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
      params.init(new ECGenParameterSpec("secp256r1"));
      return params.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
