package io.linkpoints.rewards;

import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.outbox.EventType;
import io.linkpoints.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grants a reward to a member, exactly once per member, reward and year: the decision is the
 * insert of the {@code reward_grant} row (its primary key is the member, the reward and the year in
 * the alliance's zone; a second welcome is refused by a unique index on the member alone), in the
 * same transaction as the payments it decides (who pays how much). Whoever loses the race — the
 * join and the job, two instances' jobs, the member's own birthday set — inserts nothing and sends
 * nothing. The payments are then sent to the ledger with ids derived from the grant's key and the
 * payer, so a re-send (the job completing a grant a crash left unsent) is applied once.
 */
public final class RewardGrants {
  private static final Logger log = LoggerFactory.getLogger(RewardGrants.class);

  private static final String ZONE = "select time_zone from alliance where id = $1";
  private static final String MEMBER = "select created_at, birth_month, handle from member where alliance_id = $1 and id = $2";
  private static final String GRANT = "insert into reward_grant"
      + " (alliance_id, member_id, kind, year, points, funded_by, granted_at) values ($1, $2, $3, $4, $5, $6, $7)"
      + " on conflict do nothing returning member_id";
  private static final String PAYMENT = "insert into reward_payment"
      + " (alliance_id, member_id, kind, year, payer_id, points, transfer_id) values ($1, $2, $3, $4, $5, $6, $7)";
  private static final String PAYMENTS = "select payer_id, points, transfer_id from reward_payment"
      + " where alliance_id = $1 and member_id = $2 and kind = $3 and year = $4 order by payer_id";
  private static final String SENT = "update reward_grant set transferred_at = $5"
      + " where alliance_id = $1 and member_id = $2 and kind = $3 and year = $4 and transferred_at is null";

  private final Pool pool;
  private final Ledger ledger;
  private final Clock clock;

  public RewardGrants(Pool pool, Ledger ledger, Clock clock) {
    this.pool = pool;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** A grant's key. */
  public record Key(long allianceId, long memberId, RewardKind kind, int year) {
  }

  /** The grant this call made (and sent), or empty: not due, already granted, or no one to pay. */
  public Future<Optional<Key>> grant(long allianceId, long memberId, RewardKind kind) {
    return zone(allianceId).compose(zone -> grant(allianceId, memberId, kind, zone));
  }

  /** The welcome, right after a join; a failure is left to the job (logged, not the join's). */
  public Future<Void> welcome(long allianceId, long memberId) {
    return grant(allianceId, memberId, RewardKind.WELCOME).<Void>mapEmpty().recover(err -> {
      log.warn("Welcome reward of member {} in alliance {} not granted yet ({}): the reward job will",
          memberId, allianceId, err.getMessage());
      return Future.succeededFuture();
    });
  }

  Future<Optional<Key>> grant(long allianceId, long memberId, RewardKind kind, ZoneId zone) {
    Instant now = clock.instant();
    return pool.withTransaction(conn -> decide(conn, allianceId, memberId, kind, zone, now))
        .compose(key -> key.isEmpty() ? Future.succeededFuture(key) : send(key.get()).map(key));
  }

  /** In one transaction: whether the reward is due now, who pays, and the grant row with its payments. */
  private Future<Optional<Key>> decide(SqlConnection conn, long allianceId, long memberId, RewardKind kind, ZoneId zone,
      Instant now) {
    return RewardRules.on(conn, allianceId, kind).compose(rule -> {
      if (rule.isEmpty()) {
        return none();
      }
      return conn.preparedQuery(MEMBER).execute(Tuple.of(allianceId, memberId)).compose(rows -> {
        if (rows.size() == 0) {
          return none();
        }
        Row m = rows.iterator().next();
        Instant joined = m.getOffsetDateTime("created_at").toInstant();
        LocalDate today = LocalDate.ofInstant(now, zone);
        int year;
        if (kind == RewardKind.WELCOME) {
          // Only members who joined while the welcome was on; the year is the join's.
          if (joined.isBefore(rule.get().since())) {
            return none();
          }
          year = LocalDate.ofInstant(joined, zone).getYear();
        } else {
          Short month = m.getShort("birth_month");
          if (month == null || month != today.getMonthValue()) {
            return none();
          }
          year = today.getYear();
        }
        Key key = new Key(allianceId, memberId, kind, year);
        return shares(conn, key, rule.get()).compose(shares -> {
          if (shares.isEmpty()) {
            log.info("No {} reward for member {} in alliance {}: no shop has opted in to pay for it",
                kind.dbName(), memberId, allianceId);
            return none();
          }
          return conn.preparedQuery(GRANT).execute(Tuple.of(allianceId, memberId, kind.dbName(), year,
                  rule.get().points(), rule.get().fundedBy().dbName(), now.atOffset(ZoneOffset.UTC)))
              .compose(granted -> {
                if (granted.size() == 0) {
                  return none();
                }
                List<Tuple> payments = new ArrayList<>();
                for (EqualSplit.Share s : shares) {
                  payments.add(Tuple.of(allianceId, memberId, kind.dbName(), year, s.payerId(), s.points(),
                      transferId(key, s.payerId())));
                }
                // reward.granted, with the grant row: once per grant (its key), whoever pays.
                Outbox.Event told = new Outbox.Event(Outbox.eventId("reward", String.valueOf(allianceId),
                    String.valueOf(memberId), kind.dbName(), String.valueOf(year)), EventType.REWARD_GRANTED, null,
                    memberId, new JsonObject().put("member", m.getString("handle")).put("reward", kind.dbName())
                        .put("year", year).put("points", rule.get().points())
                        .put("fundedBy", rule.get().fundedBy().dbName()), now);
                return conn.preparedQuery(PAYMENT).executeBatch(payments)
                    .compose(v -> Outbox.append(conn, allianceId, List.of(told))).map(v -> Optional.of(key));
              });
        });
      });
    });
  }

  private static Future<List<EqualSplit.Share>> shares(SqlConnection conn, Key key, RewardRules.Rule rule) {
    if (rule.fundedBy() == RewardRules.FundedBy.ALLIANCE_FUND) {
      return Future.succeededFuture(List.of(new EqualSplit.Share(0, rule.points())));
    }
    return RewardRules.payers(conn, key.allianceId(), key.kind())
        .map(shops -> shops.isEmpty() ? List.of() : EqualSplit.of(rule.points(), shops));
  }

  private static Future<Optional<Key>> none() {
    return Future.succeededFuture(Optional.empty());
  }

  /**
   * Sends the grant's payments to the ledger (again: the ids are fixed, so what was applied is
   * not applied twice) and marks the grant transferred once all are in.
   */
  Future<Void> send(Key key) {
    Tuple k = Tuple.of(key.allianceId(), key.memberId(), key.kind().dbName(), key.year());
    return pool.preparedQuery(PAYMENTS).execute(k).compose(rows -> {
      List<Row> payments = new ArrayList<>();
      rows.forEach(payments::add);
      return ledger.openAccount(key.allianceId(), AccountKind.MEMBER_WALLET, key.memberId()).compose(wallet -> {
        List<Future<?>> sent = new ArrayList<>();
        for (Row p : payments) {
          long payer = p.getLong("payer_id");
          Future<io.linkpoints.ledger.Account> from = payer == 0
              ? ledger.openAccount(key.allianceId(), AccountKind.ALLIANCE_FUND_ISSUANCE, 0)
              : ledger.openAccount(key.allianceId(), AccountKind.MERCHANT_ISSUANCE, payer);
          JsonObject metadata = new JsonObject().put("reward", key.kind().dbName()).put("year", key.year());
          sent.add(from.compose(account -> ledger.submit(new TransferCommand(TransferCommand.Kind.TRANSFER,
              key.allianceId(), p.getUUID("transfer_id"), account.id(), wallet.id(), p.getLong("points"), 0,
              key.kind().transferCode(), null, null, 0, metadata, null))));
        }
        return Future.all(sent);
      });
    }).compose(v -> pool.preparedQuery(SENT).execute(Tuple.of(key.allianceId(), key.memberId(), key.kind().dbName(),
        key.year(), clock.instant().atOffset(ZoneOffset.UTC)))).mapEmpty();
  }

  /** The ledger id of one payer's payment of a grant: the same on every send. */
  static UUID transferId(Key key, long payerId) {
    return UUID.nameUUIDFromBytes(("reward:" + key.allianceId() + ":" + key.memberId() + ":" + key.kind().dbName() + ":"
        + key.year() + ":" + payerId).getBytes(StandardCharsets.UTF_8));
  }

  Future<ZoneId> zone(long allianceId) {
    return pool.preparedQuery(ZONE).execute(Tuple.of(allianceId)).map(rows -> {
      if (rows.size() == 0) {
        throw new IllegalArgumentException("no alliance " + allianceId);
      }
      return ZoneId.of(rows.iterator().next().getString("time_zone"));
    });
  }
}
