package io.linkpoints.auth;

import io.linkpoints.web.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;

/**
 * The shop and the settlement period a path names must exist in the path's alliance: otherwise
 * {@code 404 shop_not_found} / {@code period_not_found}, the same for every route, instead of each
 * handler answering an empty list for an id that is not there. Asked after the role and tenant
 * walls, so a caller without the right credentials still learns nothing.
 */
final class PathTargets {
  // A null id asks nothing: count(*) of "id = null" is 0, and that answer is not looked at.
  private static final String COUNTS = "select (select count(*) from shop where alliance_id = $1 and id = $2),"
      + " (select count(*) from settlement_period where alliance_id = $1 and id = $3)";

  private final Pool pool;

  PathTargets(Pool pool) {
    this.pool = pool;
  }

  Future<Principal> exist(Principal caller, Function<String, String> pathParam) {
    // A shop role's own shop is known to exist (the gate just read its status); an admin's shop id is not.
    Long shop = caller.role().shopScoped() ? null : id(pathParam.apply("shopId"));
    Long period = id(pathParam.apply("periodId"));
    if (shop == null && period == null) {
      return Future.succeededFuture(caller);
    }
    return pool.preparedQuery(COUNTS).execute(Tuple.of(caller.allianceId(), shop, period)).map(rows -> {
      Row r = rows.iterator().next();
      if (shop != null && r.getLong(0) == 0) {
        throw ApiException.shopNotFound(shop);
      }
      if (period != null && r.getLong(1) == 0) {
        throw ApiException.periodNotFound(period);
      }
      return caller;
    });
  }

  /** The id, or null when absent or not a positive integer (request validation refuses those with 400). */
  private static Long id(String value) {
    if (value == null || value.isEmpty() || value.length() > 19 || !value.chars().allMatch(Character::isDigit)) {
      return null;
    }
    try {
      long id = Long.parseLong(value);
      return id > 0 ? id : null;
    } catch (NumberFormatException tooBig) {
      return null;
    }
  }
}
