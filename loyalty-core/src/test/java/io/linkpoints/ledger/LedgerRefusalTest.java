package io.linkpoints.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.linkpoints.web.ProblemCode;
import io.linkpoints.web.Refusal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** web answers ledger refusals without knowing the ledger: these pin what it answers with. */
class LedgerRefusalTest {
  @Test
  void everyLedgerErrorIsARefusalWithItsCatalogueEntrysStatusAndCode() {
    for (LedgerError error : LedgerError.values()) {
      assertEquals(error.name(), error.problem().name(), "a ledger error and its catalogue entry share a name");
      Refusal refused = new LedgerException(error, "why");
      assertEquals(error.problem().status(), refused.status(), error.name());
      assertEquals(error.problem().code(), refused.code(), error.name());
      assertEquals(error.code(), refused.code(), error.name());
      assertEquals("why", refused.getMessage());
    }
  }

  /** What the ledger answered before its errors named the catalogue: the wire must not change. */
  @Test
  void theCodesAndStatusesAreThoseTheLedgerAlwaysAnswered() {
    Map<String, Integer> before = new LinkedHashMap<>();
    for (String code : new String[] {"invalid_command", "invalid_amount", "accounts_must_differ"}) {
      before.put(code, 400);
    }
    for (String code : new String[] {"account_not_found", "pending_transfer_not_found", "reversal_target_not_found"}) {
      before.put(code, 404);
    }
    for (String code : new String[] {"insufficient_points", "debits_exceed_credits", "credits_exceed_debits",
        "idempotency_key_reused", "not_a_hold", "hold_already_resolved", "hold_expired", "post_exceeds_hold",
        "accounts_mismatch", "reversal_target_invalid", "reversal_exceeds_original"}) {
      before.put(code, 409);
    }
    before.put("ledger_busy", 503);
    before.put("ledger_unavailable", 503);
    Map<String, Integer> now = new LinkedHashMap<>();
    Arrays.stream(LedgerError.values()).forEach(e -> now.put(e.code(), e.problem().status()));
    assertEquals(before, now);
  }

  @Test
  void aDatabaseOutageIsAnsweredWithTheLedgersUnavailableCode() {
    // FailureHandler answers a DatabaseOutage with ProblemCode.LEDGER_UNAVAILABLE; the writer's own
    // refusal after a failed write is the same entry.
    assertSame(ProblemCode.LEDGER_UNAVAILABLE, LedgerError.LEDGER_UNAVAILABLE.problem());
  }
}
