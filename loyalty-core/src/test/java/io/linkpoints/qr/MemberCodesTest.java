package io.linkpoints.qr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.linkpoints.auth.KeyRing;
import io.linkpoints.testing.MutableClock;
import io.linkpoints.web.ApiException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One member code, one spelling: a non-canonical base64url form of any segment is refused. */
class MemberCodesTest {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  @Test
  void theUnusedLowBitsOfAnySegmentsLastCharacterCannotBeChanged() throws Exception {
    MemberCodes codes = new MemberCodes(KeyRing.loadOrCreate(Files.createTempDirectory("code-keys")),
        new MutableClock(Instant.parse("2026-06-01T00:00:00Z")));
    int malleated = 0;
    boolean signatureMalleated = false;
    // Payload lengths vary with the handle: some have unused bits in the header or payload, the signature always has.
    for (String handle : List.of("h".repeat(22), "h".repeat(23), "h".repeat(24))) {
      String code = codes.issue(handle).code();
      assertEquals(handle, codes.verify(code, false).handle());
      String[] segments = code.substring(MemberCodes.PREFIX.length()).split("\\.");
      for (int s = 0; s < 3; s++) {
        for (String other : respellings(segments[s])) {
          // The same bytes, spelled differently...
          assertArrayEquals(Base64.getUrlDecoder().decode(segments[s]), Base64.getUrlDecoder().decode(other));
          String[] changed = segments.clone();
          changed[s] = other;
          String forged = MemberCodes.PREFIX + String.join(".", changed);
          assertNotEquals(code, forged);
          // ...is not the code.
          ApiException refused = assertThrows(ApiException.class, () -> codes.verify(forged, false), forged);
          assertEquals("code_invalid", refused.code());
          assertEquals(422, refused.status());
          assertEquals("code_invalid", assertThrows(ApiException.class, () -> codes.verify(forged, true)).code());
          malleated++;
          signatureMalleated |= s == 2;
        }
      }
      // Padding characters and stray separators are other spellings too.
      assertEquals("code_invalid", assertThrows(ApiException.class, () -> codes.verify(code + "=", false)).code());
      assertEquals("code_invalid", assertThrows(ApiException.class, () -> codes.verify(code + ".", false)).code());
      assertEquals(handle, codes.verify(code, false).handle(), "the canonical code still verifies");
    }
    assertTrue(signatureMalleated, "the 64-byte signature always has 4 unused bits");
    assertTrue(malleated >= 3 * 15 + 3, "respellings refused: " + malleated);
  }

  /** Every other spelling of a segment's last character that decodes to the same bytes. */
  private static List<String> respellings(String segment) {
    int unusedBits = switch (segment.length() % 4) {
      case 2 -> 4;
      case 3 -> 2;
      default -> 0;
    };
    List<String> out = new ArrayList<>();
    int last = ALPHABET.indexOf(segment.charAt(segment.length() - 1));
    for (int low = 1; low < (1 << unusedBits); low++) {
      out.add(segment.substring(0, segment.length() - 1) + ALPHABET.charAt(last ^ low));
    }
    return out;
  }
}
