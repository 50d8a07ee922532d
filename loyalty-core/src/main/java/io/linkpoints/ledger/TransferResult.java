package io.linkpoints.ledger;

/**
 * The outcome of an accepted command. {@code replayed} is true when the id was already applied
 * and this is the first result again. For an expiry with nothing to expire, transfer is null.
 */
public record TransferResult(Transfer transfer, boolean replayed) {
}
