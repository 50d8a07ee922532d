package io.linkpoints.tiers;

/** A member's tier as the till and the wallet show it: the level's number (its id) and names. */
public record Tier(int id, String nameZh, String nameEn) {
}
