package io.linkpoints.portal.bench;

import io.linkpoints.qr.Lp2Code;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;

/**
 * The members' phones of a benchmark: each member's bound devices make LP2 codes as the wallet
 * does, offline, from the clock: the current 30-second step and a counter that goes up within it
 * (at most ten codes per device per step). A sale for a member whose devices have all shown
 * their ten codes this step goes to the next member who still has one: the fleet's members are
 * interchangeable, and a code shown twice would only measure {@code code_already_used}.
 *
 * <p>Thread-safe: the fleet's event loops ask at once.
 */
final class MemberPhones {
  /** One bound device: its id, its HMAC keyed once, and where it is in the current step. */
  private static final class Device {
    final long id;
    final Mac mac;
    long step = -1;
    int nextCounter;

    Device(long id, byte[] secret) {
      this.id = id;
      this.mac = Lp2Code.mac(secret);
    }
  }

  private final Clock clock;
  private final List<List<Device>> byMember = new ArrayList<>();
  private long codesShown;

  MemberPhones(Clock clock) {
    this.clock = clock;
  }

  /** Adds a device bound for member {@code member} (in the order members were added, from 0). */
  synchronized void bind(int member, long deviceId, byte[] secret) {
    while (byMember.size() <= member) {
      byMember.add(new ArrayList<>());
    }
    byMember.get(member).add(new Device(deviceId, secret));
  }

  synchronized int devices() {
    return byMember.stream().mapToInt(List::size).sum();
  }

  /** Codes every device together can show per second, at ten per 30-second step. */
  synchronized double codesPerSecond() {
    return devices() * (double) Lp2Code.COUNTERS_PER_STEP / Lp2Code.STEP_SECONDS;
  }

  /** A fresh code from member {@code member}'s phone, or the next member's; null when none is left this step. */
  synchronized String code(int member) {
    long step = Lp2Code.stepOf(clock.instant());
    for (int k = 0; k < byMember.size(); k++) {
      for (Device d : byMember.get((member + k) % byMember.size())) {
        if (d.step != step) {
          d.step = step;
          d.nextCounter = 0;
        }
        if (d.nextCounter < Lp2Code.COUNTERS_PER_STEP) {
          codesShown++;
          return Lp2Code.code(d.mac, d.id, step, d.nextCounter++);
        }
      }
    }
    return null;
  }

  synchronized long codesShown() {
    return codesShown;
  }
}
