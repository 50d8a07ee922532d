package io.linkpoints.ledger;

import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The one check every path that credits members from a shop's issuance account makes before it
 * does (shop claim codes, adjustments, member imports; the till's earn reads the same row in its
 * own statement): a shop whose exit from the alliance has started issues nothing, {@code 409
 * shop_exiting} (docs/shop-exit.md). Read in SQL from {@code shop_exit}: nothing here imports the
 * exits feature.
 */
public final class LeavingShops {
  private static final String LEAVING = "select 1 from shop_exit where alliance_id = $1 and shop_id = $2"
      + " and cancelled_at is null";

  private LeavingShops() {
  }

  /** Fails with {@code shop_exiting} if the shop's exit has started (or it has left), unless it was cancelled. */
  public static Future<Void> refuseIfLeaving(SqlClient client, long allianceId, long shopId) {
    return client.preparedQuery(LEAVING).execute(Tuple.of(allianceId, shopId)).map(rows -> {
      if (rows.size() > 0) {
        throw ProblemCode.SHOP_EXITING.refuse("this shop is leaving the alliance and issues no points");
      }
      return null;
    });
  }
}
