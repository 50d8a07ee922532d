package io.linkpoints.auth;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The JCA provider jjwt signs and verifies Ed25519 with: Bouncy Castle's, handed to each jjwt
 * builder and parser, never registered globally. JDK 17's own EdDSA takes about 500 µs per
 * signature or verification on our 2-core machine, Bouncy Castle's about 60 µs (measured through
 * jjwt), and every sale at a till verifies a member code. {@link KeyRing} loads keys as this
 * provider's key objects, so a signature does not decode the key again each time.
 */
public final class Ed25519Jca {
  public static final Provider PROVIDER = new BouncyCastleProvider();

  private Ed25519Jca() {
  }
}
