package io.linkpoints.testing;

import static io.linkpoints.testing.ApiFixture.expect;

import io.linkpoints.qr.Lp2Code;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;

/**
 * A member's phone as the wallet is one: bound through the API, it keeps its secret and makes
 * LP2 codes itself, a new counter for each code within a 30 s step (at most ten per step).
 */
public final class Phone {
  public final long deviceId;
  private final byte[] secret;
  private final Mac mac;
  private final Clock clock;
  private long step = -1;
  private int nextCounter;

  public Phone(long deviceId, byte[] secret, Clock clock) {
    this.deviceId = deviceId;
    this.secret = secret.clone();
    this.mac = Lp2Code.mac(secret);
    this.clock = clock;
  }

  /** Binds a new phone for the member whose access token this is. */
  public static Phone bind(ApiFixture api, String memberToken, String label) {
    JsonObject bound = expect(201, api.post("/v1/members/me/devices", memberToken, new JsonObject().put("label", label)));
    return new Phone(bound.getJsonObject("device").getLong("id"), Base64.getUrlDecoder().decode(bound.getString("secret")),
        api.clock);
  }

  /** The next unused code of this step, or empty once this step's ten are shown. */
  public synchronized Optional<String> nextCode() {
    long now = Lp2Code.stepOf(clock.instant());
    if (now != step) {
      step = now;
      nextCounter = 0;
    }
    if (nextCounter >= Lp2Code.COUNTERS_PER_STEP) {
      return Optional.empty();
    }
    return Optional.of(Lp2Code.code(mac, deviceId, step, nextCounter++));
  }

  /** This phone's secret: for tests that forge codes with a wrong key. */
  public byte[] secret() {
    return secret.clone();
  }

  /** The code of any step and counter (old codes, codes for a till's scan time). */
  public String codeAt(long anyStep, int counter) {
    return Lp2Code.code(secret, deviceId, anyStep, counter);
  }
}
