package io.linkpoints.alliance;

import io.linkpoints.auth.PasswordHasher;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.linkpoints.web.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** Shops, their staff, and the customers each shop may see (its own, nobody else's). */
public final class Shops {
  private static final String SHOP_COLUMNS = "id, name, status, suspended_at, created_at";
  private static final String INSERT_SHOP = "insert into shop (alliance_id, name) values ($1, $2)"
      + " returning " + SHOP_COLUMNS;
  private static final String INSERT_STAFF = "insert into staff (alliance_id, username, role, shop_id, password_hash)"
      + " values ($1, $2, $3, $4, $5) returning id, username, role, shop_id, created_at";
  private static final String INSERT_RULE = "insert into earn_rule (alliance_id, shop_id, points_per_yuan, rounding)"
      + " values ($1, $2, $3, $4)";
  private static final String LIST = "select " + SHOP_COLUMNS + " from shop where alliance_id = $1 order by id";
  private static final String ONE = "select " + SHOP_COLUMNS + " from shop where alliance_id = $1 and id = $2";
  // Suspending a suspended shop keeps the moment it was first suspended; reinstating clears it.
  private static final String SUSPEND = "update shop set status = 'suspended',"
      + " suspended_at = case when status = 'suspended' then suspended_at else $3 end"
      + " where alliance_id = $1 and id = $2 returning " + SHOP_COLUMNS;
  private static final String REINSTATE = "update shop set status = 'active', suspended_at = null"
      + " where alliance_id = $1 and id = $2 returning " + SHOP_COLUMNS;
  private static final String STAFF = "select id, username, role, shop_id, created_at from staff"
      + " where alliance_id = $1 and shop_id = $2 order by id";

  // A shop's customers: members whose wallet took points from this shop's issuance account, or
  // paid points into its acceptance account. Joined through the shop's own accounts only.
  private static final String CUSTOMERS = "with shop_accounts as ("
      + "   select id from ledger_account where alliance_id = $1 and owner_id = $2"
      + "     and kind in ('merchant_issuance', 'merchant_acceptance')),"
      + " visits as ("
      + "   select t.credit_account_id as wallet, t.created_at from ledger_transfer t"
      + "     where t.alliance_id = $1 and t.debit_account_id in (select id from shop_accounts)"
      + "   union all"
      + "   select t.debit_account_id, t.created_at from ledger_transfer t"
      + "     where t.alliance_id = $1 and t.credit_account_id in (select id from shop_accounts))"
      + " select m.id, m.handle, m.phone, max(v.created_at) as last_visit_at, count(*) as transfers"
      + " from visits v"
      + " join ledger_account w on w.alliance_id = $1 and w.id = v.wallet and w.kind = 'member_wallet'"
      + " join member m on m.alliance_id = $1 and m.id = w.owner_id"
      + " where m.id > $3"
      + " group by m.id, m.handle, m.phone order by m.id limit $4";

  private final Pool pool;
  private final Ledger ledger;
  private final PasswordHasher passwords;

  public Shops(Pool pool, Ledger ledger, PasswordHasher passwords) {
    this.pool = pool;
    this.ledger = ledger;
    this.passwords = passwords;
  }

  /** A shop with its owner and the default earn rule; then its issuance and acceptance accounts. */
  public Future<JsonObject> create(long allianceId, JsonObject body) {
    JsonObject owner = body.getJsonObject("owner");
    return passwords.hash(owner.getString("password")).compose(hash -> pool.withTransaction(conn ->
        conn.preparedQuery(INSERT_SHOP).execute(Tuple.of(allianceId, body.getString("name"))).compose(rows -> {
          Row shop = rows.iterator().next();
          long shopId = shop.getLong("id");
          return conn.preparedQuery(INSERT_RULE).execute(Tuple.of(allianceId, shopId,
                  EarnRule.DEFAULT.pointsPerYuan(), EarnRule.DEFAULT.rounding().dbName()))
              .compose(v -> conn.preparedQuery(INSERT_STAFF)
                  .execute(Tuple.of(allianceId, owner.getString("username"), "owner", shopId, hash)))
              .map(staff -> shopJson(allianceId, shop).put("owner", staffJson(staff.iterator().next())));
        })))
        .recover(Shops::conflict)
        .compose(created -> {
          long shopId = created.getLong("id");
          return ledger.openAccount(allianceId, AccountKind.MERCHANT_ISSUANCE, shopId)
              .compose(v -> ledger.openAccount(allianceId, AccountKind.MERCHANT_ACCEPTANCE, shopId))
              .map(created);
        });
  }

  public Future<JsonObject> list(long allianceId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(allianceId)).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(row -> items.add(shopJson(allianceId, row)));
      return new JsonObject().put("items", items);
    });
  }

  public Future<JsonObject> get(long allianceId, long shopId) {
    return pool.preparedQuery(ONE).execute(Tuple.of(allianceId, shopId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.shopNotFound(shopId);
      }
      return shopJson(allianceId, rows.iterator().next());
    });
  }

  /** Suspends the shop (admin): its owner, cashiers and terminals are refused until it is reinstated. */
  public Future<JsonObject> suspend(long allianceId, long shopId, java.time.Instant now) {
    return pool.preparedQuery(SUSPEND).execute(Tuple.of(allianceId, shopId,
        now.truncatedTo(java.time.temporal.ChronoUnit.MICROS).atOffset(java.time.ZoneOffset.UTC)))
        .map(rows -> one(allianceId, shopId, rows));
  }

  /** Reinstates a suspended shop (admin); reinstating an active shop changes nothing. */
  public Future<JsonObject> reinstate(long allianceId, long shopId) {
    return pool.preparedQuery(REINSTATE).execute(Tuple.of(allianceId, shopId)).map(rows -> one(allianceId, shopId, rows));
  }

  private static JsonObject one(long allianceId, long shopId, io.vertx.sqlclient.RowSet<Row> rows) {
    if (rows.size() == 0) {
      throw ApiException.shopNotFound(shopId);
    }
    return shopJson(allianceId, rows.iterator().next());
  }

  public Future<JsonObject> addStaff(long allianceId, long shopId, JsonObject body) {
    return get(allianceId, shopId)
        .compose(shop -> passwords.hash(body.getString("password")))
        .compose(hash -> pool.preparedQuery(INSERT_STAFF).execute(Tuple.of(allianceId, body.getString("username"),
            body.getString("role"), shopId, hash)))
        .map(rows -> staffJson(rows.iterator().next()))
        .recover(Shops::conflict);
  }

  public Future<JsonObject> staff(long allianceId, long shopId) {
    return get(allianceId, shopId).compose(shop -> pool.preparedQuery(STAFF).execute(Tuple.of(allianceId, shopId)))
        .map(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(row -> items.add(staffJson(row)));
          return new JsonObject().put("items", items);
        });
  }

  /** One page of the shop's customers, by member id; phone numbers masked. */
  public Future<JsonObject> customers(long allianceId, long shopId, long afterMemberId, int limit) {
    return get(allianceId, shopId)
        .compose(shop -> pool.preparedQuery(CUSTOMERS).execute(Tuple.of(allianceId, shopId, afterMemberId, limit)))
        .map(rows -> {
          JsonArray items = new JsonArray();
          long last = 0;
          for (Row row : rows) {
            last = row.getLong("id");
            items.add(new JsonObject().put("memberHandle", row.getString("handle"))
                .put("phone", maskPhone(row.getString("phone")))
                .put("lastVisitAt", row.getOffsetDateTime("last_visit_at").toInstant().toString())
                .put("transfers", row.getLong("transfers")));
          }
          return new JsonObject().put("items", items)
              .put("nextCursor", items.size() == limit ? String.valueOf(last) : null);
        });
  }

  /** Enough of the number for a cashier to recognise a regular, not enough to call them. */
  static String maskPhone(String phone) {
    int keepEnd = 4;
    int keepStart = Math.min(4, Math.max(0, phone.length() - keepEnd - 3));
    return phone.substring(0, keepStart) + "*".repeat(phone.length() - keepStart - keepEnd)
        + phone.substring(phone.length() - keepEnd);
  }

  static JsonObject shopJson(long allianceId, Row row) {
    return new JsonObject().put("id", row.getLong("id")).put("allianceId", allianceId)
        .put("name", row.getString("name"))
        .put("status", row.getString("status"))
        .put("suspendedAt", row.getOffsetDateTime("suspended_at") == null ? null
            : row.getOffsetDateTime("suspended_at").toInstant().toString())
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString());
  }

  static JsonObject staffJson(Row row) {
    return new JsonObject().put("id", row.getLong("id")).put("username", row.getString("username"))
        .put("role", row.getString("role")).put("shopId", row.getLong("shop_id"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString());
  }

  private static <T> Future<T> conflict(Throwable failure) {
    if (Json.isUniqueViolation(failure)) {
      return Future.failedFuture(ProblemCode.USERNAME_TAKEN.refuse("that username is already taken in this alliance"));
    }
    return Future.failedFuture(failure);
  }
}
