package io.linkpoints.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
  /** A transfer's allocations in the spend order of their lots. */
  private static final Comparator<Allocation> ALLOCATION_ORDER =
      (a, b) -> LotState.SPEND_ORDER.compare(a.lot(), b.lot());

  final Instant now;

  // Loaded, then kept up to date by TransferRules: a later command of the batch sees what the
  // earlier ones made (holds, lots, allocations) exactly as it would after their commit.
  /** Transfers read from the database; {@link #transfer} also finds those this batch made. */
  final Map<Keys.TransferKey, Transfer> loadedTransfers = new HashMap<>();
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

  // Produced: what BatchWrites writes.
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
    allocationsByTransfer.values().forEach(list -> list.sort(ALLOCATION_ORDER));
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
    return made != null ? made : loadedTransfers.get(key);
  }

  // ---- what a command made, recorded for the writes and for the commands after it

  void made(Transfer t) {
    created.put(Keys.TransferKey.of(t), t);
  }

  void holdOpened(Transfer hold) {
    holdsOpened.add(hold);
    openHolds.add(Keys.TransferKey.of(hold));
  }

  /** A hold opened by this batch and closed by it too is never written as open. */
  void holdClosed(Keys.TransferKey hold) {
    openHolds.remove(hold);
    if (!holdsOpened.removeIf(h -> Keys.TransferKey.of(h).equals(hold))) {
      holdsClosed.add(hold);
    }
  }

  void lotMade(LotState lot) {
    lots.put(lot.key, lot);
    newLots.add(lot);
    // A wallet with no open lot when the batch began has no list yet: a debit later in the batch
    // must still see this lot.
    List<LotState> open = lotsByAccount.computeIfAbsent(new Keys.AccountKey(lot.key.allianceId(), lot.accountId),
        k -> new ArrayList<>());
    open.add(lot);
    open.sort(LotState.SPEND_ORDER);
    lotsByCreatingTransfer.computeIfAbsent(lot.key.creator(), k -> new ArrayList<>()).add(lot);
  }

  void allocated(Allocation a) {
    newAllocations.add(a);
    List<Allocation> paid = allocationsByTransfer.computeIfAbsent(new Keys.TransferKey(a.allianceId(), a.transferId()),
        k -> new ArrayList<>());
    paid.add(a);
    paid.sort(ALLOCATION_ORDER);
  }
}
