package io.linkpoints.alliance;

import io.linkpoints.auth.PasswordHasher;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.outbox.EventType;
import io.linkpoints.outbox.Outbox;
import io.linkpoints.platform.UniqueViolation;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

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
  // An exited shop stays exited (docs/shop-exit.md): neither suspending nor reinstating changes it.
  private static final String SUSPEND = "update shop set status = 'suspended',"
      + " suspended_at = case when status = 'suspended' then suspended_at else $3 end"
      + " where alliance_id = $1 and id = $2 and status <> 'exited' returning " + SHOP_COLUMNS;
  private static final String STATUS_FOR_UPDATE = "select status from shop where alliance_id = $1 and id = $2 for update";
  private static final String REINSTATE = "update shop set status = 'active', suspended_at = null"
      + " where alliance_id = $1 and id = $2 and status <> 'exited' returning " + SHOP_COLUMNS;
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

  /** A new shop and its owner. */
  public record Created(Shop shop, StaffMember owner) {
  }

  /** A member who earned or spent points at the shop, as the shop may see them. */
  public record Customer(String memberHandle, String maskedPhone, Instant lastVisitAt, long transfers) {
  }

  /** One page of customers; {@code nextCursor} (the last member id) is null on the last page. */
  public record CustomerPage(List<Customer> items, Long nextCursor) {
  }

  /** A shop with its owner and the default earn rule; then its issuance and acceptance accounts. */
  public Future<Created> create(long allianceId, String name, String ownerUsername, String ownerPassword) {
    return passwords.hash(ownerPassword).compose(hash -> pool.withTransaction(conn ->
        conn.preparedQuery(INSERT_SHOP).execute(Tuple.of(allianceId, name)).compose(rows -> {
          Shop shop = Shop.of(allianceId, rows.iterator().next());
          return conn.preparedQuery(INSERT_RULE).execute(Tuple.of(allianceId, shop.id(),
                  EarnRule.DEFAULT.pointsPerYuan(), EarnRule.DEFAULT.rounding().dbName()))
              .compose(v -> conn.preparedQuery(INSERT_STAFF)
                  .execute(Tuple.of(allianceId, ownerUsername, "owner", shop.id(), hash)))
              .map(staff -> new Created(shop, StaffMember.of(staff.iterator().next())));
        })))
        .recover(Shops::conflict)
        .compose(created -> {
          long shopId = created.shop().id();
          return ledger.openAccount(allianceId, AccountKind.MERCHANT_ISSUANCE, shopId)
              .compose(v -> ledger.openAccount(allianceId, AccountKind.MERCHANT_ACCEPTANCE, shopId))
              .map(created);
        });
  }

  public Future<List<Shop>> list(long allianceId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(allianceId)).map(rows -> {
      List<Shop> shops = new ArrayList<>();
      rows.forEach(row -> shops.add(Shop.of(allianceId, row)));
      return shops;
    });
  }

  public Future<Shop> get(long allianceId, long shopId) {
    return pool.preparedQuery(ONE).execute(Tuple.of(allianceId, shopId)).map(rows -> one(allianceId, shopId, rows));
  }

  /**
   * Suspends the shop (admin): its owner, cashiers and terminals are refused until it is reinstated.
   * An active shop's suspension writes a {@code shop.suspended} event in the same transaction (the
   * shop's row locked first, so two suspensions at once tell once); suspending it again tells nothing.
   */
  public Future<Shop> suspend(long allianceId, long shopId, Instant now) {
    Instant at = now.truncatedTo(ChronoUnit.MICROS);
    return pool.withTransaction(conn -> conn.preparedQuery(STATUS_FOR_UPDATE).execute(Tuple.of(allianceId, shopId))
        .compose(before -> {
          boolean wasActive = before.size() == 1 && "active".equals(before.iterator().next().getString("status"));
          if (before.size() == 1 && "exited".equals(before.iterator().next().getString("status"))) {
            throw ProblemCode.SHOP_EXITED.refuse("this shop has left the alliance");
          }
          return conn.preparedQuery(SUSPEND).execute(Tuple.of(allianceId, shopId, at.atOffset(ZoneOffset.UTC)))
              .compose(rows -> {
                Shop shop = one(allianceId, shopId, rows);
                if (!wasActive) {
                  return Future.succeededFuture(shop);
                }
                return Outbox.append(conn, allianceId, List.of(new Outbox.Event(
                    Outbox.eventId("shop-suspended", String.valueOf(allianceId), String.valueOf(shopId), at.toString()),
                    EventType.SHOP_SUSPENDED, shopId, null,
                    new JsonObject().put("shopId", shopId).put("name", shop.name()).put("suspendedAt", at.toString()),
                    at))).map(shop);
              });
        }));
  }

  /** Reinstates a suspended shop (admin); reinstating an active shop changes nothing. */
  public Future<Shop> reinstate(long allianceId, long shopId) {
    return pool.preparedQuery(REINSTATE).execute(Tuple.of(allianceId, shopId)).compose(rows -> rows.size() == 1
        ? Future.succeededFuture(one(allianceId, shopId, rows))
        : get(allianceId, shopId).map(shop -> {
          throw ProblemCode.SHOP_EXITED.refuse("this shop has left the alliance");
        }));
  }

  private static Shop one(long allianceId, long shopId, RowSet<Row> rows) {
    if (rows.size() == 0) {
      throw ApiException.shopNotFound(shopId);
    }
    return Shop.of(allianceId, rows.iterator().next());
  }

  /** A new owner or cashier of the shop. */
  public Future<StaffMember> addStaff(long allianceId, long shopId, String username, String role, String password) {
    return get(allianceId, shopId)
        .compose(shop -> passwords.hash(password))
        .compose(hash -> pool.preparedQuery(INSERT_STAFF).execute(Tuple.of(allianceId, username, role, shopId, hash)))
        .map(rows -> StaffMember.of(rows.iterator().next()))
        .recover(Shops::conflict);
  }

  public Future<List<StaffMember>> staff(long allianceId, long shopId) {
    return get(allianceId, shopId).compose(shop -> pool.preparedQuery(STAFF).execute(Tuple.of(allianceId, shopId)))
        .map(rows -> {
          List<StaffMember> staff = new ArrayList<>();
          rows.forEach(row -> staff.add(StaffMember.of(row)));
          return staff;
        });
  }

  /** One page of the shop's customers, by member id; phone numbers masked. */
  public Future<CustomerPage> customers(long allianceId, long shopId, long afterMemberId, int limit) {
    return get(allianceId, shopId)
        .compose(shop -> pool.preparedQuery(CUSTOMERS).execute(Tuple.of(allianceId, shopId, afterMemberId, limit)))
        .map(rows -> {
          List<Customer> items = new ArrayList<>();
          long last = 0;
          for (Row row : rows) {
            last = row.getLong("id");
            items.add(new Customer(row.getString("handle"), maskPhone(row.getString("phone")),
                row.getOffsetDateTime("last_visit_at").toInstant(), row.getLong("transfers")));
          }
          return new CustomerPage(items, items.size() == limit ? last : null);
        });
  }

  /** Enough of the number for a cashier to recognise a regular, not enough to call them. */
  static String maskPhone(String phone) {
    int keepEnd = 4;
    int keepStart = Math.min(4, Math.max(0, phone.length() - keepEnd - 3));
    return phone.substring(0, keepStart) + "*".repeat(phone.length() - keepStart - keepEnd)
        + phone.substring(phone.length() - keepEnd);
  }

  private static <T> Future<T> conflict(Throwable failure) {
    if (UniqueViolation.is(failure)) {
      return Future.failedFuture(ProblemCode.USERNAME_TAKEN.refuse("that username is already taken in this alliance"));
    }
    return Future.failedFuture(failure);
  }
}
