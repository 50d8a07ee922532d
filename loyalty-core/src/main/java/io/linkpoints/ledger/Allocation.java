package io.linkpoints.ledger;

import java.util.UUID;

/** {@code points} of lot {@code lot} paid for (or, for a hold, are reserved by) transfer {@code transferId}. */
record Allocation(long allianceId, UUID transferId, LotState lot, long points) {
}
