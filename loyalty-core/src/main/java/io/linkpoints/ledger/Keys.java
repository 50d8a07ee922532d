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
    static TransferKey of(Transfer t) {
      return new TransferKey(t.allianceId(), t.id());
    }

    /** The id the command will give its transfer. */
    static TransferKey of(TransferCommand c) {
      return new TransferKey(c.allianceId(), c.id());
    }

    /** The hold a post or void names. */
    static TransferKey pendingOf(TransferCommand c) {
      return new TransferKey(c.allianceId(), c.pendingId());
    }

    /** The transfer a reversal names. */
    static TransferKey reversedBy(TransferCommand c) {
      return new TransferKey(c.allianceId(), c.reversesId());
    }
  }

  /** A lot is named by the transfer that made it and its number among that transfer's lots. */
  record LotKey(long allianceId, UUID transferId, short n) {
    TransferKey creator() {
      return new TransferKey(allianceId, transferId);
    }
  }
}
