package io.linkpoints.till.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.linkpoints.web.ProblemCode;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The codes the till acts on are the server's, read from its catalogue; the till's own code is not one of them. */
class ServerCodesTest {
  private static final Set<String> CATALOGUE =
      Arrays.stream(ProblemCode.values()).map(ProblemCode::code).collect(Collectors.toUnmodifiableSet());

  @Test
  void holdNotFoundIsTheServersCode() {
    assertEquals(ProblemCode.HOLD_NOT_FOUND.code(), ServerCodes.HOLD_NOT_FOUND);
  }

  /** Every token_ code, as the client once matched by prefix; terminal_revoked is not helped by a fresh token. */
  @Test
  void theTokenRefusalsAreTheCataloguesTokenCodes() {
    assertEquals(Set.of(ProblemCode.TOKEN_MISSING.code(), ProblemCode.TOKEN_INVALID.code(),
        ProblemCode.TOKEN_EXPIRED.code()), ServerCodes.TOKEN_REFUSED);
    assertEquals(CATALOGUE.stream().filter(c -> c.startsWith("token_")).collect(Collectors.toSet()),
        ServerCodes.TOKEN_REFUSED);
  }

  @Test
  void needsNetworkIsTheTillsOwn() {
    assertFalse(CATALOGUE.contains(NeedsNetworkException.CODE));
    assertEquals(NeedsNetworkException.CODE, new NeedsNetworkException("reserve").code());
  }
}
