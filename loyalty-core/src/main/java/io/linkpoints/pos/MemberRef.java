package io.linkpoints.pos;

import java.time.Instant;
import java.util.UUID;

/**
 * Who the till says the member is: a member code the member shows, or a visit that identify
 * opened at this terminal ({@link PosMembers#resolve}).
 */
sealed interface MemberRef {
  /**
   * A member code, used up when it is checked. {@code scannedAt}: when a till that was offline
   * read it (accruals only); null for a code read now.
   */
  record ByCode(String code, Instant scannedAt) implements MemberRef {
  }

  /**
   * A member code the request's opening statement already checked and used up
   * ({@link PosMembers#open}): the member it named.
   */
  record Used(PosMembers.AtTill member) implements MemberRef {
  }

  /** A visit identify opened at this terminal, named by its id. */
  record ByVisit(UUID visitId) implements MemberRef {
  }
}
