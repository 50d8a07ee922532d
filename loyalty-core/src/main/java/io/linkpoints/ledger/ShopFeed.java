package io.linkpoints.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A shop's posted transfers (points it issued, points it accepted, and their reversals), for the
 * owner's live feed, in an order no later commit can fall behind: by the id of the transaction
 * that wrote them, then seq ({@link Cursor}). A read returns only transfers whose transaction id
 * is below its snapshot's xmin (the horizon): every transaction below it has ended, so no
 * transfer can still appear before a position once it is passed. seq alone is not that: it is
 * taken at insert, and with two writers (two instances) a lower seq can commit after a higher
 * one was read.
 */
public final class ShopFeed {
  private static final String COLUMNS = "t.xid::text as xid, t.seq, t.id, t.amount, t.code, t.created_at,"
      + " t.debit_account_id, t.credit_account_id";
  // Four ordered index range scans (each of the shop's two accounts as debit, then as credit; a
  // transfer between its own two accounts counted once), merged in (xid, seq) order.
  private static final String PAGE = "select " + COLUMNS + ", pg_snapshot_xmin(pg_current_snapshot())::text as horizon"
      + " from (" + branches("(xid, seq) > ($4::text::xid8, $5)", "xid, seq", "$6") + ") t order by t.xid, t.seq limit $6";
  // The position just before the shop's last $4 settled transfers (a stream opened without a cursor).
  private static final String BACKLOG = "select t.xid::text as xid, t.seq from ("
      + branches("xid < pg_snapshot_xmin(pg_current_snapshot())", "xid desc, seq desc", "$4 + 1")
      + ") t order by t.xid desc, t.seq desc offset $4 limit 1";

  private static String branches(String where, String order, String limit) {
    String[] sides = {"debit_account_id = $2", "debit_account_id = $3",
        "credit_account_id = $2 and debit_account_id <> $3", "credit_account_id = $3 and debit_account_id <> $2"};
    StringBuilder sql = new StringBuilder();
    for (String side : sides) {
      sql.append(sql.length() == 0 ? "" : " union all").append(" (select * from ledger_transfer where alliance_id = $1 and ")
          .append(side).append(" and ").append(where).append(" and flags in (0, 2) order by ").append(order)
          .append(" limit ").append(limit).append(")");
    }
    return sql.toString();
  }

  // For a seq cursor of the old feed: the smallest xid among the shop's transfers after that seq
  // (null if none), and the horizon.
  private static final String AFTER_SEQ = "select (select t.xid::text from ledger_transfer t where t.alliance_id = $1"
      + " and (t.debit_account_id in ($2, $3) or t.credit_account_id in ($2, $3)) and t.seq > $4 and t.flags in (0, 2)"
      + " order by t.xid limit 1) as first_xid, pg_snapshot_xmin(pg_current_snapshot())::text as horizon";

  /** What a transfer was to the shop. */
  public enum Kind {
    ISSUED, ACCEPTED, ISSUE_REVERSED, ACCEPT_REVERSED
  }

  /**
   * A position in the feed: everything at or before it was sent. Clients see it as an opaque
   * string ({@link #encode}); a bare number is a seq from the feed's older API ({@link #parse}).
   */
  public record Cursor(long xid, long seq) implements Comparable<Cursor> {
    public static final Cursor START = new Cursor(0, 0);
    private static final Pattern FORM = Pattern.compile("([0-9]{1,18})_([0-9]{1,18})");
    private static final Pattern LEGACY = Pattern.compile("[0-9]{1,18}");

    public String encode() {
      return xid + "_" + seq;
    }

    /** A cursor this feed handed out, or null if {@code raw} is none (see {@link #legacySeq}). */
    public static Cursor parse(String raw) {
      Matcher m = FORM.matcher(raw);
      if (!m.matches()) {
        return null;
      }
      return new Cursor(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** The seq in {@code raw} if it is a cursor of the older API (a bare positive number), else -1. */
    public static long legacySeq(String raw) {
      if (!LEGACY.matcher(raw).matches()) {
        return -1;
      }
      long seq = Long.parseLong(raw);
      return seq > 0 ? seq : -1;
    }

    @Override
    public int compareTo(Cursor o) {
      int byXid = Long.compare(xid, o.xid);
      return byXid != 0 ? byXid : Long.compare(seq, o.seq);
    }
  }

  /** One transfer as the shop sees it, with its position in the feed. */
  public record Entry(Cursor cursor, long seq, UUID id, Kind kind, long points, String code, Instant at) {
  }

  /**
   * Transfers after a position, oldest first; {@code next} is the position after the last of
   * them; {@code withheld}: a later transfer exists but a transaction older than it is still
   * open, so it comes on a later read.
   */
  public record Page(List<Entry> entries, Cursor next, boolean withheld) {
  }

  /** The shop's two ledger accounts; -1 for one not opened yet (it has no transfers). */
  public record ShopAccounts(long issuance, long acceptance) {
  }

  private final Pool pool;
  private final Ledger ledger;

  public ShopFeed(Pool pool, Ledger ledger) {
    this.pool = pool;
    this.ledger = ledger;
  }

  public Future<ShopAccounts> accounts(long alliance, long shop) {
    return ledger.accountOf(alliance, AccountKind.MERCHANT_ISSUANCE, shop).compose(issuance ->
        ledger.accountOf(alliance, AccountKind.MERCHANT_ACCEPTANCE, shop).map(acceptance ->
            new ShopAccounts(issuance.map(Account::id).orElse(-1L), acceptance.map(Account::id).orElse(-1L))));
  }

  /** Up to {@code limit} of the shop's settled transfers after {@code from}, oldest first. */
  public Future<Page> after(long alliance, ShopAccounts acc, Cursor from, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(alliance, acc.issuance(), acc.acceptance(),
            Long.toString(from.xid()), from.seq(), limit))
        .map(rows -> page(rows, acc, from));
  }

  private static Page page(RowSet<Row> rows, ShopAccounts acc, Cursor from) {
    List<Entry> entries = new ArrayList<>();
    Cursor next = from;
    boolean withheld = false;
    for (Row row : rows) {
      long xid = Long.parseLong(row.getString("xid"));
      if (xid >= Long.parseLong(row.getString("horizon"))) {
        withheld = true; // its transaction, or one older, may still be open: not final yet
        break;
      }
      long debit = row.getLong("debit_account_id");
      long credit = row.getLong("credit_account_id");
      Kind kind = debit == acc.issuance() ? Kind.ISSUED : credit == acc.acceptance() ? Kind.ACCEPTED
          : credit == acc.issuance() ? Kind.ISSUE_REVERSED : Kind.ACCEPT_REVERSED;
      next = new Cursor(xid, row.getLong("seq"));
      entries.add(new Entry(next, next.seq(), row.getUUID("id"), kind, row.getLong("amount"),
          row.getString("code"), row.getOffsetDateTime("created_at").toInstant()));
    }
    return new Page(entries, next, withheld);
  }

  /** The position just before the shop's last {@code backlog} settled transfers. */
  public Future<Cursor> beforeLast(long alliance, ShopAccounts acc, int backlog) {
    return pool.preparedQuery(BACKLOG).execute(Tuple.of(alliance, acc.issuance(), acc.acceptance(), backlog))
        .map(rows -> {
          if (rows.size() == 0) {
            return Cursor.START;
          }
          Row row = rows.iterator().next();
          return new Cursor(Long.parseLong(row.getString("xid")), row.getLong("seq"));
        });
  }

  /**
   * A position that sends every transfer a client of the older feed (which handed out seqs) has
   * not seen after {@code seq}: at least once, never lost. Below it lie only transfers that are
   * final and have a seq up to {@code seq}; a few around the change-over may come again.
   */
  public Future<Cursor> afterSeq(long alliance, ShopAccounts acc, long seq) {
    return pool.preparedQuery(AFTER_SEQ).execute(Tuple.of(alliance, acc.issuance(), acc.acceptance(), seq))
        .map(rows -> {
          Row row = rows.iterator().next();
          long horizon = Long.parseLong(row.getString("horizon"));
          String first = row.getString("first_xid");
          long bound = first == null ? horizon : Math.min(horizon, Long.parseLong(first));
          // Rows from before the xid column (xid 0) keep seq order, so the old position is exact
          // there. Otherwise: before every transfer of transaction `bound` (seqs start at 1).
          return bound == 0 ? new Cursor(0, seq) : new Cursor(bound, 0);
        });
  }
}
