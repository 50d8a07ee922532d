package io.linkpoints.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one batch knows: the rows it loaded under lock and the changes it has made to them
 * in memory. Nothing here reaches the database until {@link BatchWrites} runs.
 */
final class BatchState {
  final Instant now;

  // Loaded
  final Map<Keys.TransferKey, Transfer> transfers = new HashMap<>();
  final Map<Keys.AccountKey, AccountState> accounts = new HashMap<>();
  final Map<Long, AllianceTerms> alliances = new HashMap<>();
  final Set<Keys.TransferKey> openHolds = new HashSet<>();
  final Map<Keys.TransferKey, Long> reversedSoFar = new HashMap<>();
  final Map<Keys.LotKey, LotState> lots = new HashMap<>();
  /** Open lots of each member wallet that the batch may debit, in spend order after {@link #sortLots()}. */
  final Map<Keys.AccountKey, List<LotState>> lotsByAccount = new HashMap<>();
  /** Reservations (for holds) and consumptions (for reversal originals), in spend order. */
  final Map<Keys.TransferKey, List<Allocation>> allocationsByTransfer = new HashMap<>();
  final Map<Keys.TransferKey, List<LotState>> lotsByCreatingTransfer = new HashMap<>();

  // Produced
  final LinkedHashMap<Keys.TransferKey, Transfer> created = new LinkedHashMap<>();
  final List<LotState> newLots = new ArrayList<>();
  final List<Allocation> newAllocations = new ArrayList<>();
  final List<Transfer> holdsOpened = new ArrayList<>();
  final List<Keys.TransferKey> holdsClosed = new ArrayList<>();

  BatchState(Instant now) {
    this.now = now;
  }

  /** One object per lot, whichever query loaded it first: every change must land on the same object. */
  LotState intern(LotState lot) {
    return lots.computeIfAbsent(lot.key, k -> lot);
  }

  void addOpenLot(LotState lot) {
    lotsByAccount.computeIfAbsent(new Keys.AccountKey(lot.key.allianceId(), lot.accountId), k -> new ArrayList<>())
        .add(lot);
  }

  void sortLots() {
    lotsByAccount.values().forEach(list -> list.sort(LotState.SPEND_ORDER));
    allocationsByTransfer.values().forEach(list -> list.sort((a, b) -> LotState.SPEND_ORDER.compare(a.lot(), b.lot())));
  }

  AccountState account(long allianceId, long id) {
    return accounts.get(new Keys.AccountKey(allianceId, id));
  }

  Transfer transfer(long allianceId, java.util.UUID id) {
    if (id == null) {
      return null;
    }
    Keys.TransferKey key = new Keys.TransferKey(allianceId, id);
    Transfer made = created.get(key);
    return made != null ? made : transfers.get(key);
  }
}
