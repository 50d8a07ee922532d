package io.linkpoints.alliance;

import io.linkpoints.auth.PasswordHasher;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.linkpoints.web.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.DateTimeException;
import java.time.ZoneId;

/** Alliances: their economics, their first admin, and the aggregates every shop may see. */
public final class Alliances {
  static final String COLUMNS = "id, name, time_zone, price_per_point_fen, expiry_months, expiry_end_of_month,"
      + " breakage_rule, member_daily_cap_points, created_at";

  private static final String INSERT = "insert into alliance (name, time_zone, price_per_point_fen, expiry_months,"
      + " expiry_end_of_month, breakage_rule, member_daily_cap_points) values ($1, $2, $3, $4, $5, $6, $7)"
      + " returning " + COLUMNS;

  private static final String INSERT_ADMIN = "insert into staff (alliance_id, username, role, password_hash)"
      + " values ($1, $2, 'admin', $3) returning id";

  private static final String SELECT = "select " + COLUMNS + " from alliance where id = $1";

  // Absent fields keep their value; the cap is set (possibly to null) only when $8 says it was given.
  private static final String UPDATE = "update alliance set name = coalesce($2, name),"
      + " time_zone = coalesce($3, time_zone), price_per_point_fen = coalesce($4, price_per_point_fen),"
      + " expiry_months = coalesce($5, expiry_months), expiry_end_of_month = coalesce($6, expiry_end_of_month),"
      + " breakage_rule = coalesce($7, breakage_rule),"
      + " member_daily_cap_points = case when $8 then $9 else member_daily_cap_points end"
      + " where id = $1 returning " + COLUMNS;

  // Aggregates only: counts and totals, never who.
  private static final String STATS = "select"
      + " (select count(*) from shop where alliance_id = $1) as shops,"
      + " (select count(*) from member where alliance_id = $1) as members,"
      + " (select coalesce(sum(credits_posted - debits_posted), 0) from ledger_account"
      + "   where alliance_id = $1 and kind = 'member_wallet') as points_outstanding";

  private final Pool pool;
  private final Ledger ledger;
  private final PasswordHasher passwords;

  public Alliances(Pool pool, Ledger ledger, PasswordHasher passwords) {
    this.pool = pool;
    this.ledger = ledger;
    this.passwords = passwords;
  }

  /** Creates an alliance with its first admin, and opens its breakage account. */
  public Future<JsonObject> create(JsonObject body) {
    JsonObject admin = body.getJsonObject("admin");
    String zone = zone(body.getString("timeZone", "Asia/Shanghai"));
    return passwords.hash(admin.getString("password")).compose(hash -> pool.withTransaction(conn ->
        conn.preparedQuery(INSERT).execute(Tuple.of(body.getString("name"), zone,
                body.getLong("pricePerPointFen", 1L), body.getInteger("expiryMonths", 12),
                body.getBoolean("expiryEndOfMonth", true), body.getString("breakageRule", "alliance_fund"),
                body.getLong("memberDailyCapPoints")))
            .compose(rows -> {
              Row alliance = rows.iterator().next();
              return conn.preparedQuery(INSERT_ADMIN)
                  .execute(Tuple.of(alliance.getLong("id"), admin.getString("username"), hash))
                  .map(staff -> toJson(alliance).put("admin", new JsonObject()
                      .put("id", staff.iterator().next().getLong(0)).put("username", admin.getString("username"))));
            })))
        .compose(created -> ledger.openAccount(created.getLong("id"), AccountKind.ALLIANCE_BREAKAGE, 0).map(created));
  }

  public Future<JsonObject> get(long allianceId) {
    return pool.preparedQuery(SELECT).execute(Tuple.of(allianceId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("alliance " + allianceId);
      }
      return toJson(rows.iterator().next());
    });
  }

  public Future<JsonObject> update(long allianceId, JsonObject body) {
    String zone = body.containsKey("timeZone") ? zone(body.getString("timeZone")) : null;
    Tuple args = Tuple.tuple().addLong(allianceId).addString(body.getString("name")).addString(zone)
        .addLong(body.getLong("pricePerPointFen")).addInteger(body.getInteger("expiryMonths"))
        .addBoolean(body.getBoolean("expiryEndOfMonth")).addString(body.getString("breakageRule"))
        .addBoolean(body.containsKey("memberDailyCapPoints")).addLong(body.getLong("memberDailyCapPoints"));
    return pool.preparedQuery(UPDATE).execute(args).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("alliance " + allianceId);
      }
      return toJson(rows.iterator().next());
    });
  }

  public Future<JsonObject> stats(long allianceId) {
    return pool.preparedQuery(STATS).execute(Tuple.of(allianceId)).map(rows -> {
      Row row = rows.iterator().next();
      return new JsonObject().put("allianceId", allianceId).put("shops", row.getLong("shops"))
          .put("members", row.getLong("members")).put("pointsOutstanding", row.getLong("points_outstanding"));
    });
  }

  static JsonObject toJson(Row row) {
    return new JsonObject().put("id", row.getLong("id")).put("name", row.getString("name"))
        .put("timeZone", row.getString("time_zone")).put("pricePerPointFen", row.getLong("price_per_point_fen"))
        .put("expiryMonths", row.getInteger("expiry_months"))
        .put("expiryEndOfMonth", row.getBoolean("expiry_end_of_month"))
        .put("breakageRule", row.getString("breakage_rule"))
        .put("memberDailyCapPoints", row.getLong("member_daily_cap_points"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString());
  }

  /** A time zone Java knows by region name; the schema only checks its shape. */
  static String zone(String name) {
    try {
      return ZoneId.of(name).getId();
    } catch (DateTimeException | NullPointerException e) {
      throw ProblemCode.INVALID_TIME_ZONE.refuse("unknown time zone: " + name);
    }
  }

  static boolean usernameTaken(Throwable failure) {
    return Json.isUniqueViolation(failure);
  }
}
