package io.linkpoints.portal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.platform.ManualClock;
import io.linkpoints.qr.Lp2Code;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bench's phones show codes as wallets do: ten per device per step, never one twice. */
class MemberPhonesTest {
  @Test
  void tenCodesPerDeviceAndStepThenTheNextMemberThenNone() {
    ManualClock clock = new ManualClock(Instant.parse("2026-12-07T06:00:05Z"));
    MemberPhones phones = new MemberPhones(clock);
    phones.bind(0, 11, new byte[32]);
    phones.bind(0, 12, new byte[32]);
    phones.bind(1, 21, new byte[32]);
    Set<String> shown = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      String code = phones.code(0);
      Lp2Code.Parsed p = Lp2Code.parse(code).orElseThrow();
      assertEquals(i < 10 ? 11 : i < 20 ? 12 : 21, p.deviceId(), "member 0's phones first, then member 1's");
      assertEquals(i % 10, p.counter());
      assertEquals(Lp2Code.stepOf(clock.instant()) % 10, p.stepDigit());
      assertTrue(shown.add(code));
    }
    assertNull(phones.code(0), "every phone has shown its ten codes of this step");
    clock.advance(Duration.ofSeconds(30));
    assertEquals(11, Lp2Code.parse(phones.code(0)).orElseThrow().deviceId(), "a new step, new counters");
    assertEquals(31, phones.codesShown());
  }
}
