package io.linkpoints.ledger;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.Comparator;

/** A lot of points in a member wallet, as loaded (or created) in a batch. */
final class LotState {
  /** Soonest expiry first, then oldest: the order the database sorts open lots in. */
  static final Comparator<LotState> EXPIRY_THEN_AGE = Comparator.comparing((LotState l) -> l.expiresAt)
      .thenComparing(l -> l.createdAt);
  /** Spend order: {@link #EXPIRY_THEN_AGE}, ties broken by the lot's key. */
  static final Comparator<LotState> SPEND_ORDER = EXPIRY_THEN_AGE
      .thenComparing(l -> l.key.transferId())
      .thenComparingInt(l -> l.key.n());

  static final String COLUMNS = "l.alliance_id, l.transfer_id, l.n, l.account_id, l.issuer_shop_id, l.points, "
      + "l.points_left, l.price_per_point_fen, l.expires_at, l.created_at";

  final Keys.LotKey key;
  final long accountId;
  final Long issuerShopId;
  final long points;
  final long pricePerPointFen;
  final Instant expiresAt;
  final Instant createdAt;
  final boolean isNew;
  final long loadedPointsLeft;
  long pointsLeft;

  LotState(Keys.LotKey key, long accountId, Long issuerShopId, long points, long pointsLeft, long pricePerPointFen,
      Instant expiresAt, Instant createdAt, boolean isNew) {
    this.key = key;
    this.accountId = accountId;
    this.issuerShopId = issuerShopId;
    this.points = points;
    this.pointsLeft = pointsLeft;
    this.loadedPointsLeft = isNew ? 0 : pointsLeft;
    this.pricePerPointFen = pricePerPointFen;
    this.expiresAt = expiresAt;
    this.createdAt = createdAt;
    this.isNew = isNew;
  }

  static LotState fromRow(Row row) {
    return new LotState(new Keys.LotKey(row.getLong("alliance_id"), row.getUUID("transfer_id"), row.getShort("n")),
        row.getLong("account_id"), row.getLong("issuer_shop_id"), row.getLong("points"), row.getLong("points_left"),
        row.getLong("price_per_point_fen"), row.getOffsetDateTime("expires_at").toInstant(),
        row.getOffsetDateTime("created_at").toInstant(), false);
  }

  boolean expiredAt(Instant now) {
    return !expiresAt.isAfter(now);
  }

  boolean changed() {
    return !isNew && pointsLeft != loadedPointsLeft;
  }
}
