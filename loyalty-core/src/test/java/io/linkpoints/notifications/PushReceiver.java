package io.linkpoints.notifications;

import static io.linkpoints.testing.Await.await;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A push service on 127.0.0.1 for the tests: it keeps every request and answers each path as
 * scripted (201 unless told otherwise). {@link Browser} is a subscription as a browser makes it
 * (its own P-256 key pair and 16-byte auth secret), which decrypts what it is sent with its own
 * implementation of RFC 8291 / RFC 8188 (not the service's).
 */
final class PushReceiver implements AutoCloseable {
  record Received(String path, MultiMap headers, byte[] body) {
  }

  private final HttpServer server;
  final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Integer>> scripts = new ConcurrentHashMap<>();

  PushReceiver(Vertx vertx) {
    server = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      received.add(new Received(req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.getBytes()));
      Deque<Integer> script = scripts.get(req.path());
      Integer status = script == null ? null : script.pollFirst();
      req.response().setStatusCode(status == null ? 201 : status).end();
    })).listen(0, "127.0.0.1"));
  }

  /** The next answers to requests on {@code path}, in order; then 201. */
  void script(String path, Integer... statuses) {
    scripts.put(path, new ArrayDeque<>(Arrays.asList(statuses)));
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  String origin() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  List<Received> on(String path) {
    List<Received> out = new ArrayList<>();
    for (Received r : received) {
      if (r.path().equals(path)) {
        out.add(r);
      }
    }
    return out;
  }

  @Override
  public void close() {
    await(server.close());
  }

  /** A browser's subscription: its key pair and auth secret, and the decryption a browser does. */
  static final class Browser {
    final KeyPair keys;
    final byte[] auth = new byte[16];

    Browser() throws Exception {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"));
      keys = gen.generateKeyPair();
      new SecureRandom().nextBytes(auth);
    }

    byte[] publicPoint() {
      return WebPushCrypto.encodePoint((ECPublicKey) keys.getPublic());
    }

    String p256dh() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(publicPoint());
    }

    String authBase64() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(auth);
    }

    /** RFC 8188 header (salt, rs, idlen, keyid), then RFC 8291 key derivation and AES-128-GCM; padding stripped. */
    String decrypt(byte[] body) throws Exception {
      ByteBuffer in = ByteBuffer.wrap(body);
      byte[] salt = new byte[16];
      in.get(salt);
      int rs = in.getInt();
      byte[] keyId = new byte[in.get() & 0xff];
      in.get(keyId);
      byte[] record = new byte[in.remaining()];
      in.get(record);
      if (rs < 18 || record.length > rs) {
        throw new IllegalStateException("record size " + rs + " with a record of " + record.length);
      }
      KeyAgreement ka = KeyAgreement.getInstance("ECDH");
      ka.init(keys.getPrivate());
      ka.doPhase(WebPushCrypto.decodePoint(keyId), true);
      byte[] ecdh = ka.generateSecret();
      // HKDF-Extract(salt = auth, IKM = ecdh); HKDF-Expand(PRK, "WebPush: info" 0x00 ua as, 32): one block
      byte[] prkKey = hmac(auth, ecdh);
      byte[] ikm = hmac(prkKey, concat("WebPush: info".getBytes(StandardCharsets.US_ASCII), new byte[] {0},
          publicPoint(), keyId, new byte[] {1}));
      byte[] prk = hmac(salt, ikm);
      byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm".getBytes(StandardCharsets.US_ASCII),
          new byte[] {0, 1})), 16);
      byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce".getBytes(StandardCharsets.US_ASCII),
          new byte[] {0, 1})), 12);
      Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
      gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
      byte[] padded = gcm.doFinal(record);
      int end = padded.length - 1;
      while (end >= 0 && padded[end] == 0) {
        end--;
      }
      if (end < 0 || padded[end] != 2) {
        throw new IllegalStateException("the only record must end with the delimiter 0x02");
      }
      return new String(padded, 0, end, StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    }

    private static byte[] concat(byte[]... parts) {
      Buffer b = Buffer.buffer();
      for (byte[] p : parts) {
        b.appendBytes(p);
      }
      return b.getBytes();
    }
  }
}
