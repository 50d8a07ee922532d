package io.linkpoints.ledger;

import java.util.UUID;

/** Composite keys: every ledger row is named within its alliance. */
final class Keys {
  private Keys() {
  }

  record AccountKey(long allianceId, long id) implements Comparable<AccountKey> {
    @Override
    public int compareTo(AccountKey o) {
      int c = Long.compare(allianceId, o.allianceId);
      return c != 0 ? c : Long.compare(id, o.id);
    }
  }

  record TransferKey(long allianceId, UUID id) {
  }

  record LotKey(long allianceId, UUID transferId, short n) {
  }
}
