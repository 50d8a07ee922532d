package io.linkpoints.alliance;

import io.linkpoints.auth.PasswordHasher;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
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

  /** A new alliance's terms and its first admin; {@link AllianceJson} fills in the contract's defaults. */
  public record NewAlliance(String name, String timeZone, long pricePerPointFen, int expiryMonths,
      boolean expiryEndOfMonth, String breakageRule, Long memberDailyCapPoints, String adminUsername,
      String adminPassword) {
  }

  /**
   * What an update changes: a null field stays as it is, except the member daily cap, which is set (possibly
   * to null, no cap) exactly when {@code capGiven}.
   */
  public record Changes(String name, String timeZone, Long pricePerPointFen, Integer expiryMonths,
      Boolean expiryEndOfMonth, String breakageRule, boolean capGiven, Long memberDailyCapPoints) {
  }

  /** A new alliance and its first admin. */
  public record Created(Alliance alliance, FirstAdmin admin) {
  }

  public record FirstAdmin(long id, String username) {
  }

  /** What every shop of the alliance may see: counts and totals, never who. */
  public record Stats(long allianceId, long shops, long members, long pointsOutstanding) {
  }

  /** Creates an alliance with its first admin, and opens its breakage account. */
  public Future<Created> create(NewAlliance n) {
    String zone = knownZone(n.timeZone());
    return passwords.hash(n.adminPassword()).compose(hash -> pool.withTransaction(conn ->
        conn.preparedQuery(INSERT).execute(Tuple.of(n.name(), zone, n.pricePerPointFen(), n.expiryMonths(),
                n.expiryEndOfMonth(), n.breakageRule(), n.memberDailyCapPoints()))
            .compose(rows -> {
              Alliance alliance = Alliance.of(rows.iterator().next());
              return conn.preparedQuery(INSERT_ADMIN).execute(Tuple.of(alliance.id(), n.adminUsername(), hash))
                  .map(staff -> new Created(alliance,
                      new FirstAdmin(staff.iterator().next().getLong(0), n.adminUsername())));
            })))
        .compose(created -> ledger.openAccount(created.alliance().id(), AccountKind.ALLIANCE_BREAKAGE, 0)
            .compose(breakage -> ledger.openAccount(created.alliance().id(), AccountKind.ALLIANCE_FUND_ISSUANCE, 0))
            .map(created));
  }

  public Future<Alliance> get(long allianceId) {
    return pool.preparedQuery(SELECT).execute(Tuple.of(allianceId)).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("alliance " + allianceId);
      }
      return Alliance.of(rows.iterator().next());
    });
  }

  public Future<Alliance> update(long allianceId, Changes c) {
    String zone = c.timeZone() == null ? null : knownZone(c.timeZone());
    Tuple args = Tuple.tuple().addLong(allianceId).addString(c.name()).addString(zone)
        .addLong(c.pricePerPointFen()).addInteger(c.expiryMonths()).addBoolean(c.expiryEndOfMonth())
        .addString(c.breakageRule()).addBoolean(c.capGiven()).addLong(c.memberDailyCapPoints());
    return pool.preparedQuery(UPDATE).execute(args).map(rows -> {
      if (rows.size() == 0) {
        throw ApiException.notFound("alliance " + allianceId);
      }
      return Alliance.of(rows.iterator().next());
    });
  }

  public Future<Stats> stats(long allianceId) {
    return pool.preparedQuery(STATS).execute(Tuple.of(allianceId)).map(rows -> {
      Row row = rows.iterator().next();
      return new Stats(allianceId, row.getLong("shops"), row.getLong("members"), row.getLong("points_outstanding"));
    });
  }

  /** A time zone Java knows by region name; the schema only checks its shape. */
  static String knownZone(String name) {
    try {
      return ZoneId.of(name).getId();
    } catch (DateTimeException | NullPointerException e) {
      throw ProblemCode.INVALID_TIME_ZONE.refuse("unknown time zone: " + name);
    }
  }
}
