package io.linkpoints.auth;

import io.linkpoints.platform.FirstWriteWins;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ed25519 keys that sign and verify access tokens. A folder holds one {@code <kid>.pem} per
 * key (a PRIVATE KEY block for keys we may sign with, a PUBLIC KEY block for all) and a file
 * {@code current} naming the signing key. Rotation adds a key and moves {@code current}; older
 * keys stay and keep verifying the tokens they signed until an operator deletes their files.
 *
 * <p>All file IO here is blocking: call from a worker ({@code vertx.executeBlocking}).
 */
public final class KeyRing {
  private static final Logger log = LoggerFactory.getLogger(KeyRing.class);
  private static final String CURRENT = "current";
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private final String signingKid;
  private final PrivateKey signingKey;
  private final Map<String, PublicKey> verificationKeys;

  private KeyRing(String signingKid, PrivateKey signingKey, Map<String, PublicKey> verificationKeys) {
    this.signingKid = signingKid;
    this.signingKey = signingKey;
    this.verificationKeys = Collections.unmodifiableMap(verificationKeys);
  }

  /**
   * The ring kept in {@code dir}; on first start, a new key is generated there. Instances starting
   * at once on an empty shared folder agree on one key: the first {@code current} written wins and
   * the others drop their candidates.
   */
  public static KeyRing loadOrCreate(Path dir) throws IOException, GeneralSecurityException {
    if (!Files.exists(dir.resolve(CURRENT))) {
      log.info("No token signing key in {}: generating an Ed25519 key", dir);
      String kid = writeNewKey(dir);
      String current = FirstWriteWins.create(dir.resolve(CURRENT), kid + "\n").trim();
      if (!current.equals(kid)) {
        Files.deleteIfExists(dir.resolve(kid + ".pem"));
        log.info("Another instance made the first key of {} at the same moment: using its key {}", dir, current);
      } else {
        log.info("Token signing key is now {}", kid);
      }
    }
    return load(dir);
  }

  /** Adds a fresh signing key to the ring in {@code dir}; the older keys stay for verification. */
  public static KeyRing rotate(Path dir) throws IOException, GeneralSecurityException {
    String kid = writeNewKey(dir);
    writePrivate(dir.resolve(CURRENT), kid + "\n");
    log.info("Token signing key is now {}", kid);
    return load(dir);
  }

  /** A new key pair in {@code <kid>.pem} (a name no other instance picks); its kid. */
  private static String writeNewKey(Path dir) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system: nothing more we can do
    }
    KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String kid = "k" + LocalDate.now(ZoneOffset.UTC).toString().replace("-", "") + "-" + Secrets.randomToken(6);
    String pem = pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
    writePrivate(dir.resolve(kid + ".pem"), pem);
    return kid;
  }

  public static KeyRing load(Path dir) throws IOException, GeneralSecurityException {
    String current = Files.readString(dir.resolve(CURRENT), StandardCharsets.UTF_8).trim();
    if (!KID.matcher(current).matches()) {
      throw new GeneralSecurityException("the current key id in " + dir.resolve(CURRENT) + " is not a valid key id");
    }
    Map<String, PublicKey> publics = new LinkedHashMap<>();
    PrivateKey signing = null;
    // Bouncy Castle's key objects: its signer then keeps each key's decoded form (and a private
    // key's public half) instead of rebuilding it on every signature, as it must for JDK keys.
    KeyFactory factory = KeyFactory.getInstance("Ed25519", Ed25519Jca.PROVIDER);
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(p -> p.getFileName().toString().endsWith(".pem")).sorted().toList();
    }
    for (Path file : files) {
      String kid = file.getFileName().toString().replaceFirst("\\.pem$", "");
      if (!KID.matcher(kid).matches()) {
        continue;
      }
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException gone) {
        continue; // a candidate another instance dropped on losing the first start (never the current key)
      }
      Matcher m = PEM.matcher(text);
      while (m.find()) {
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        switch (m.group(1)) {
          case "PUBLIC KEY" -> publics.put(kid, factory.generatePublic(new X509EncodedKeySpec(der)));
          case "PRIVATE KEY" -> {
            if (kid.equals(current)) {
              signing = factory.generatePrivate(new PKCS8EncodedKeySpec(der));
            }
          }
          default -> throw new GeneralSecurityException("unexpected PEM block " + m.group(1) + " in " + file);
        }
      }
    }
    if (signing == null || !publics.containsKey(current)) {
      throw new GeneralSecurityException("the current key " + current + " needs both its private and public key in "
          + dir.resolve(current + ".pem"));
    }
    return new KeyRing(current, signing, publics);
  }

  public String signingKid() {
    return signingKid;
  }

  /** The current private key; for signers in other packages (member codes have a ring of their own). */
  public PrivateKey signingKey() {
    return signingKey;
  }

  /** The public key for {@code kid}, or null for a key we do not know. */
  public PublicKey verificationKey(String kid) {
    return kid == null ? null : verificationKeys.get(kid);
  }

  public java.util.Set<String> kids() {
    return verificationKeys.keySet();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** Written to a temporary file first, so a crash never leaves half a key or half a pointer. */
  private static void writePrivate(Path file, String content) throws IOException {
    Files.move(FirstWriteWins.writePrivate(file, content), file, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }
}
