package io.linkpoints.auth;

import io.linkpoints.platform.FirstWriteWins;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals member devices' code secrets for the database (AES-256-GCM, a fresh 96-bit nonce each,
 * the device id as associated data so a sealed secret cannot be moved to another device's row),
 * under a ring of keys kept in the code keys folder; a database dump without that folder forges
 * no member code.
 *
 * <p>The folder: {@code device-secrets.key}, the first key (id {@value #FIRST_KEY_ID}, made by the
 * first instance to start, {@link FirstWriteWins}); one {@code <id>.key} per key added by
 * {@link #rotate}; and {@code current}, naming the key new secrets are sealed with (none: the first).
 * Each file holds 256 bits in base64.
 *
 * <p>Sealed bytes: {@code 1} (the format), the key id's length and ASCII, the nonce, the
 * ciphertext and tag; the header is associated data too, so an edited key id does not open.
 * Secrets sealed before key ids (exactly {@value #LEGACY_LENGTH} bytes: nonce, ciphertext, tag)
 * open with the first key.
 *
 * <p>Loading, rotating and {@link #learnNewKeys} read files: call them from a worker.
 */
public final class MemberDeviceSecrets {
  private static final Logger log = LoggerFactory.getLogger(MemberDeviceSecrets.class);
  /** The first key's file; the only file before the ring (its id is {@value #FIRST_KEY_ID}). */
  public static final String KEY_FILE = "device-secrets.key";
  public static final String FIRST_KEY_ID = "0";
  public static final String CURRENT = "current";
  public static final int SECRET_BYTES = 32;
  private static final String KEY_SUFFIX = ".key";
  /** Letters and digits only: no id file can be mistaken for {@value #KEY_FILE}. */
  private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9]{1,32}");
  private static final byte FORMAT = 1;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  /** The length of every secret sealed before key ids (no sealed secret with an id is this long). */
  public static final int LEGACY_LENGTH = NONCE_BYTES + SECRET_BYTES + TAG_BITS / 8;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A sealed secret names a key this instance does not have (deleted, or another folder's). */
  public static final class UnknownKeyException extends GeneralSecurityException {
    private final String keyId;

    UnknownKeyException(String keyId, Path dir) {
      super("sealed with code key '" + keyId + "', which is not in " + dir);
      this.keyId = keyId;
    }

    public String keyId() {
      return keyId;
    }
  }

  private final Path dir;
  private final String currentId;
  private final SecretKey currentKey;
  private final byte[] currentHeader;
  /** Read once at start; {@link #learnNewKeys} adds keys another instance's rotation wrote later. */
  private volatile Map<String, SecretKey> keys;

  private MemberDeviceSecrets(Path dir, String currentId, Map<String, SecretKey> keys) {
    this.dir = dir;
    this.currentId = currentId;
    this.currentKey = keys.get(currentId);
    this.currentHeader = header(currentId);
    this.keys = Collections.unmodifiableMap(keys);
  }

  /** The ring in {@code dir}; on first start (an empty folder) its first key is made. Blocking. */
  public static MemberDeviceSecrets loadOrCreate(Path dir) throws IOException {
    if (!Files.exists(dir.resolve(CURRENT)) && !Files.exists(dir.resolve(KEY_FILE))) {
      // Instances starting at once on one empty shared folder agree on the first file linked.
      FirstWriteWins.create(dir.resolve(KEY_FILE), newKeyText());
    }
    return load(dir);
  }

  /** The ring in {@code dir}, as it is. Blocking. */
  public static MemberDeviceSecrets load(Path dir) throws IOException {
    Path currentFile = dir.resolve(CURRENT);
    String current = Files.exists(currentFile) ? Files.readString(currentFile, StandardCharsets.UTF_8).trim() : FIRST_KEY_ID;
    Map<String, SecretKey> keys = readKeys(dir);
    if (!keys.containsKey(current)) {
      throw new IOException("the current code key '" + current + "' has no key file in " + dir
          + " (" + (FIRST_KEY_ID.equals(current) ? KEY_FILE : current + KEY_SUFFIX) + ")");
    }
    return new MemberDeviceSecrets(dir, current, keys);
  }

  /**
   * Adds a fresh key to the ring in {@code dir} and makes it current; the older keys stay and keep
   * opening what they sealed. Instances seal with it once restarted. Blocking.
   */
  public static MemberDeviceSecrets rotate(Path dir) throws IOException {
    Files.createDirectories(dir);
    String id = "c" + LocalDate.now(ZoneOffset.UTC).toString().replace("-", "")
        + HexFormat.of().formatHex(randomBytes(3));
    String text = newKeyText();
    if (!FirstWriteWins.create(dir.resolve(id + KEY_SUFFIX), text).equals(text)) {
      throw new IOException("code key " + id + " already exists in " + dir + ": run the rotation again");
    }
    // Atomic replace: a crash leaves the old or the new pointer, never half of one.
    Files.move(FirstWriteWins.writePrivate(dir.resolve(CURRENT), id + "\n"), dir.resolve(CURRENT),
        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    log.info("Code key is now {}", id);
    return load(dir);
  }

  /**
   * Reads the folder again for keys added since start (a rotation, with another instance already
   * restarted and sealing with the new key); true if there were any. The current key stays. Blocking.
   */
  public boolean learnNewKeys() throws IOException {
    Map<String, SecretKey> read = readKeys(dir);
    read.keySet().removeAll(keys.keySet());
    if (read.isEmpty()) {
      return false;
    }
    Map<String, SecretKey> all = new TreeMap<>(keys);
    all.putAll(read);
    keys = Collections.unmodifiableMap(all);
    log.info("Code keys {} found in {}: secrets sealed with them open here now", read.keySet(), dir);
    return true;
  }

  /** A new device secret: 256 random bits. */
  public static byte[] newSecret() {
    return randomBytes(SECRET_BYTES);
  }

  public String currentKeyId() {
    return currentId;
  }

  public Set<String> keyIds() {
    return keys.keySet();
  }

  public Path dir() {
    return dir;
  }

  /** The first bytes of every secret sealed with the current key (for a query finding the others). */
  public byte[] currentHeader() {
    return currentHeader.clone();
  }

  /** Sealed with the current key (else a re-seal moves it there). */
  public boolean sealedWithCurrent(byte[] sealed) {
    return sealed.length != LEGACY_LENGTH && sealed.length > currentHeader.length
        && Arrays.equals(sealed, 0, currentHeader.length, currentHeader, 0, currentHeader.length);
  }

  /** The id of the key {@code sealed} names ({@value #FIRST_KEY_ID} for secrets sealed before key ids). */
  public static String keyIdOf(byte[] sealed) throws GeneralSecurityException {
    if (sealed.length == LEGACY_LENGTH) {
      return FIRST_KEY_ID;
    }
    if (sealed.length < 3 || sealed[0] != FORMAT) {
      throw new GeneralSecurityException("not a sealed device secret (format " + (sealed.length == 0 ? "none" : sealed[0]) + ")");
    }
    int idLength = sealed[1];
    if (idLength < 1 || sealed.length < 2 + idLength + NONCE_BYTES + TAG_BITS / 8) {
      throw new GeneralSecurityException("sealed device secret too short");
    }
    String id = new String(sealed, 2, idLength, StandardCharsets.US_ASCII);
    if (!KEY_ID.matcher(id).matches()) {
      throw new GeneralSecurityException("sealed device secret names no valid key id");
    }
    return id;
  }

  /** {@code secret} sealed for {@code deviceId} with the current key. */
  public byte[] seal(long deviceId, byte[] secret) {
    if (secret.length != SECRET_BYTES) {
      // The length tells secrets sealed before key ids apart: keep every secret this size.
      throw new IllegalArgumentException("device secrets are " + SECRET_BYTES + " bytes, not " + secret.length);
    }
    try {
      byte[] nonce = randomBytes(NONCE_BYTES);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, currentKey, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad(deviceId, currentHeader));
      byte[] sealed = cipher.doFinal(secret);
      return ByteBuffer.allocate(currentHeader.length + NONCE_BYTES + sealed.length)
          .put(currentHeader).put(nonce).put(sealed).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JDK", e);
    }
  }

  /**
   * The secret; an {@link UnknownKeyException} if the key it names is not in the ring, another
   * {@link GeneralSecurityException} if it was sealed for another device, edited, or with another
   * folder's key of the same id.
   */
  public byte[] open(long deviceId, byte[] sealed) throws GeneralSecurityException {
    String id = keyIdOf(sealed);
    SecretKey key = keys.get(id);
    if (key == null) {
      throw new UnknownKeyException(id, dir);
    }
    byte[] header = sealed.length == LEGACY_LENGTH ? new byte[0] : header(id);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, header.length, NONCE_BYTES));
    cipher.updateAAD(aad(deviceId, header));
    int body = header.length + NONCE_BYTES;
    return cipher.doFinal(sealed, body, sealed.length - body);
  }

  private static byte[] header(String id) {
    byte[] ascii = id.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(2 + ascii.length).put(FORMAT).put((byte) ascii.length).put(ascii).array();
  }

  /** "LP2", the device id, then the header (none for secrets sealed before key ids). */
  private static byte[] aad(long deviceId, byte[] header) {
    return ByteBuffer.allocate(11 + header.length).put((byte) 'L').put((byte) 'P').put((byte) '2').putLong(deviceId)
        .put(header).array();
  }

  private static Map<String, SecretKey> readKeys(Path dir) throws IOException {
    Map<String, SecretKey> keys = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return keys;
    }
    try (Stream<Path> listing = Files.list(dir)) {
      for (Path file : listing.sorted().toList()) {
        String name = file.getFileName().toString();
        String id = name.equals(KEY_FILE) ? FIRST_KEY_ID : name.endsWith(KEY_SUFFIX)
            ? name.substring(0, name.length() - KEY_SUFFIX.length()) : null;
        boolean valid = name.equals(KEY_FILE) || id != null && !id.equals(FIRST_KEY_ID) && KEY_ID.matcher(id).matches();
        if (!valid) {
          continue; // not a key file (a temporary one, a pointer, another tool's)
        }
        String text;
        try {
          text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException gone) {
          continue;
        }
        byte[] key = Base64.getDecoder().decode(text.trim());
        if (key.length != 32) {
          throw new IOException(file + " does not hold a 256-bit key");
        }
        keys.put(id, new SecretKeySpec(key, "AES"));
      }
    }
    return keys;
  }

  private static String newKeyText() {
    return Base64.getEncoder().encodeToString(randomBytes(32)) + "\n";
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
