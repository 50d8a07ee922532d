/**
 * Points adjustments for a member at a shop (issue 18): proposed by the shop's staff (or the
 * admin), posted at once by an owner or admin within the alliance's threshold, otherwise approved
 * or rejected exactly once by an admin who is not the proposer (four eyes). Posting is a ledger
 * transfer with an id derived from the adjustment's: the shop's issuance pays a credit and takes
 * back a debit; a correction of a sale is a reversal linked to the sale's transfer. A posting cut
 * short is finished by a periodic job ({@code UnpostedAdjustments}), or ended {@code failed}. May
 * import the floor (platform, web, auth, audit) and {@code ledger}. See docs/adjustments.md.
 */
package io.linkpoints.adjustments;
