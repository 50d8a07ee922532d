package io.linkpoints.pos;

import io.linkpoints.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The terminal making a POS call: its alliance, shop and id. Everything a POS call writes is
 * named from (alliance, terminal, Idempotency-Key), so a retry names the same rows and the same
 * ledger transfers, and the ledger applies them once.
 */
public record Caller(long allianceId, long shopId, long terminalId) {
  public static Caller of(Principal p) {
    return new Caller(p.allianceId(), p.shopId(), p.subjectId());
  }

  /** A stable id for one effect ({@code purpose}) of the request with this key. */
  public UUID derive(String key, String purpose) {
    return UUID.nameUUIDFromBytes(("pos:" + purpose + ":" + allianceId + ":" + terminalId + ":" + key)
        .getBytes(StandardCharsets.UTF_8));
  }

  /** Who used a member code, so the same request run again is not a second use. */
  public String requestName(String key) {
    return terminalId + ":" + key;
  }
}
