package io.linkpoints.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.linkpoints.web.FailureHandler;
import io.linkpoints.web.Refusal;
import org.junit.jupiter.api.Test;

/** web answers ledger refusals without knowing the ledger: these pin what it answers with. */
class LedgerRefusalTest {
  @Test
  void everyLedgerErrorIsARefusalWithItsStatusAndCode() {
    for (LedgerError error : LedgerError.values()) {
      Refusal refused = new LedgerException(error, "why");
      assertEquals(error.httpStatus(), refused.status(), error.name());
      assertEquals(error.code(), refused.code(), error.name());
      assertEquals("why", refused.getMessage());
    }
  }

  @Test
  void aDatabaseOutageIsAnsweredWithTheLedgersUnavailableCode() {
    assertEquals(LedgerError.LEDGER_UNAVAILABLE.code(), FailureHandler.UNAVAILABLE_CODE);
  }
}
