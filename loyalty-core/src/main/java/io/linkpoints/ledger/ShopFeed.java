package io.linkpoints.ledger;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A shop's posted transfers (points it issued, points it accepted, and their reversals) in the
 * order they were committed ({@code seq}), for the owner's live feed.
 */
public final class ShopFeed {
  private static final String PAGE = "select t.seq, t.id, t.amount, t.code, t.created_at, t.debit_account_id,"
      + " t.credit_account_id from ledger_transfer t where t.alliance_id = $1 and t.seq > $4 and t.flags in (0, 2)"
      + " and (t.debit_account_id in ($2, $3) or t.credit_account_id in ($2, $3)) order by t.seq limit $5";
  private static final String LATEST = "select coalesce(max(t.seq), 0) from ledger_transfer t where t.alliance_id = $1"
      + " and (t.debit_account_id in ($2, $3) or t.credit_account_id in ($2, $3))";

  /** What a transfer was to the shop. */
  public enum Kind {
    ISSUED, ACCEPTED, ISSUE_REVERSED, ACCEPT_REVERSED
  }

  /** One transfer as the shop sees it. */
  public record Entry(long seq, UUID id, Kind kind, long points, String code, Instant at) {
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

  /** Up to {@code limit} of the shop's transfers after {@code afterSeq}, oldest first. */
  public Future<List<Entry>> after(long alliance, ShopAccounts acc, long afterSeq, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(alliance, acc.issuance(), acc.acceptance(), afterSeq, limit))
        .map(rows -> {
          List<Entry> entries = new ArrayList<>();
          for (Row row : rows) {
            long debit = row.getLong("debit_account_id");
            long credit = row.getLong("credit_account_id");
            Kind kind = debit == acc.issuance() ? Kind.ISSUED : credit == acc.acceptance() ? Kind.ACCEPTED
                : credit == acc.issuance() ? Kind.ISSUE_REVERSED : Kind.ACCEPT_REVERSED;
            entries.add(new Entry(row.getLong("seq"), row.getUUID("id"), kind, row.getLong("amount"),
                row.getString("code"), row.getOffsetDateTime("created_at").toInstant()));
          }
          return entries;
        });
  }

  /** The seq of the shop's latest transfer, 0 if it has none. */
  public Future<Long> latestSeq(long alliance, ShopAccounts acc) {
    return pool.preparedQuery(LATEST).execute(Tuple.of(alliance, acc.issuance(), acc.acceptance()))
        .map(rows -> rows.iterator().next().getLong(0));
  }
}
