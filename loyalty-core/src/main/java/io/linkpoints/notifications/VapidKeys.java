package io.linkpoints.notifications;

import io.jsonwebtoken.Jwts;
import io.linkpoints.platform.FirstWriteWins;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application server's VAPID key pair (RFC 8292): P-256, made once in the data folder
 * ({@code vapid-keys/vapid.pem}, PKCS#8 and X.509 PEM blocks, readable by the owner only; instances
 * starting at once agree on the first written, {@link FirstWriteWins}). Browsers bind a subscription
 * to its public key, so it is never rotated by itself: a new key would orphan every subscription.
 *
 * <p>{@link #loadOrCreate} does file IO: call it from a worker.
 */
public final class VapidKeys {
  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  /** A push service refuses a JWT valid for more than 24 hours; 12 leaves room for clock skew. */
  static final Duration JWT_LIFETIME = Duration.ofHours(12);

  private final PrivateKey privateKey;
  private final ECPublicKey publicKey;
  private final String subject;

  private VapidKeys(PrivateKey privateKey, ECPublicKey publicKey, String subject) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.subject = subject;
  }

  /** The pair in {@code dir}, generated there on first start. {@code subject}: a mailto: or https: contact. */
  public static VapidKeys loadOrCreate(Path dir, String subject) throws IOException, GeneralSecurityException {
    Path file = dir.resolve("vapid.pem");
    String pem = Files.exists(file) ? Files.readString(file) : FirstWriteWins.create(file, newPair());
    PrivateKey priv = null;
    ECPublicKey pub = null;
    Matcher m = PEM.matcher(pem);
    KeyFactory ec = KeyFactory.getInstance("EC");
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      if (m.group(1).equals("PRIVATE KEY")) {
        priv = ec.generatePrivate(new PKCS8EncodedKeySpec(der));
      } else if (m.group(1).equals("PUBLIC KEY")) {
        pub = (ECPublicKey) ec.generatePublic(new X509EncodedKeySpec(der));
      }
    }
    if (priv == null || pub == null) {
      throw new GeneralSecurityException(file + " lacks the VAPID private or public key");
    }
    return new VapidKeys(priv, pub, subject);
  }

  private static String newPair() throws GeneralSecurityException {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = gen.generateKeyPair();
    return pem("PRIVATE KEY", pair.getPrivate().getEncoded()) + pem("PUBLIC KEY", pair.getPublic().getEncoded());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** The public key as the browser's {@code applicationServerKey} wants it: base64url of the uncompressed point. */
  public String publicKeyBase64Url() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(WebPushCrypto.encodePoint(publicKey));
  }

  public ECPublicKey publicKey() {
    return publicKey;
  }

  /**
   * The {@code Authorization} header for a push to {@code endpoint} (RFC 8292 section 3): {@code vapid
   * t=<ES256 JWT for the endpoint's origin>, k=<public key>}.
   */
  public String authorization(String endpoint, Instant now) {
    URI uri = URI.create(endpoint);
    String origin = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    String jwt = Jwts.builder().audience().single(origin).subject(subject)
        .expiration(Date.from(now.plus(JWT_LIFETIME))).signWith(privateKey, Jwts.SIG.ES256).compact();
    return "vapid t=" + jwt + ", k=" + publicKeyBase64Url();
  }
}
