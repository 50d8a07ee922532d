package io.linkpoints.passports;

import io.linkpoints.coupons.FundingSplit;
import io.linkpoints.ledger.Account;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.TransferCommand;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Stamps and rewards. After a sale's bonuses the POS calls {@link #stamp}: for each live passport
 * naming the sale's shop (as of the sale's alliance-local day) whose minimum the sale's net spend
 * reaches, a stamp for the shop (one per shop and member and local day: the stamp's key), and the
 * card completed once stamps from {@code stampsRequired} different shops are on it. Each stamp is
 * decided under the sale's row lock and then the member's card row lock ({@code for update}), so
 * two last stamps at two tills at once are counted one after the other: the second sees the first,
 * and exactly one completes the card. The reward is then paid by ledger transfers from the fund's
 * and the shops' issuance accounts, split by basis points (largest remainder), with ids named from
 * alliance, passport, member and payer: sent again (a rerun of the completing sale), the ledger
 * applies each once.
 *
 * <p>A sale whose stamp step never ran (a crash after its earn) gets it from its rerun: the till
 * sends the request again with its key, {@code pos.Accruals} runs every step again, and each finds
 * what was done (the stamp's key; the card's {@code completed_by}).
 *
 * <p>Cheap for alliances without passports: which shops are named in a passport whose window is
 * near today is cached per alliance for {@link #TTL_SECONDS} (and forgotten at once when this
 * process changes a passport), so a sale at a shop in none costs no statement.
 */
public final class Stamps {
  static final long TTL_SECONDS = 10;
  public static final String REWARD_CODE = "passport_reward";

  // Shops named in a passport whose window is within a day of today (any zone's today).
  private static final String NAMED = "select distinct ps.shop_id from passport_shop ps"
      + " join passport p on p.alliance_id = ps.alliance_id and p.id = ps.passport_id"
      + " where ps.alliance_id = $1 and p.starts_on <= $2 and p.ends_on >= $3";
  // Live on the sale's local day ($3) and naming its shop: every named shop consented, nobody paused.
  private static final String LIVE = "select p.id, p.stamps_required, p.min_spend_fen from passport p"
      + " join passport_shop ps on ps.alliance_id = p.alliance_id and ps.passport_id = p.id and ps.shop_id = $2"
      + " where p.alliance_id = $1 and p.starts_on <= $3 and p.ends_on >= $3 and p.paused_at is null"
      + " and not exists (select 1 from passport_shop o where o.alliance_id = p.alliance_id and o.passport_id = p.id"
      + "   and (o.consented_at is null or o.paused_at is not null)) order by p.id";
  private static final String SALE = "select spend_fen - refunded_fen as net from pos_accrual"
      + " where alliance_id = $1 and id = $2 for update";
  private static final String OPEN_CARD = "insert into passport_card (alliance_id, passport_id, member_id)"
      + " values ($1, $2, $3) on conflict do nothing";
  // The guard: every stamp and withdrawal of a card waits here for the one before it.
  private static final String CARD = "select completed_at, completed_by from passport_card"
      + " where alliance_id = $1 and passport_id = $2 and member_id = $3 for update";
  private static final String ADD = "insert into passport_stamp (alliance_id, passport_id, member_id, shop_id,"
      + " local_day, accrual_id, created_at) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing";
  private static final String SHOPS_STAMPED = "select count(distinct shop_id) as n from passport_stamp"
      + " where alliance_id = $1 and passport_id = $2 and member_id = $3";
  private static final String COMPLETE = "update passport_card set completed_at = $4, completed_by = $5"
      + " where alliance_id = $1 and passport_id = $2 and member_id = $3 and completed_at is null";
  private static final String OF_SALE = "select s.passport_id, s.member_id, p.min_spend_fen from passport_stamp s"
      + " join passport p on p.alliance_id = s.alliance_id and p.id = s.passport_id"
      + " where s.alliance_id = $1 and s.accrual_id = $2";
  private static final String WITHDRAW = "delete from passport_stamp where alliance_id = $1 and passport_id = $2"
      + " and accrual_id = $3";
  private static final String TERMS = "select reward_points, fund_bps from passport where alliance_id = $1 and id = $2";
  private static final String SHARES = "select shop_id, funding_bps from passport_shop"
      + " where alliance_id = $1 and passport_id = $2 order by shop_id";

  private final Pool pool;
  // passport.completed, with the card's completion: the member by handle, the passport's names and reward.
  private static final String TOLD = "with e as (insert into outbox_event (alliance_id, id, type, shop_id, member_id,"
      + " payload, created_at) select $1::bigint, $2::uuid, 'passport.completed', $4::bigint, m.id, jsonb_build_object("
      + "'member', m.handle, 'passportId', p.id, 'passportNameZh', p.name_zh, 'passportNameEn', p.name_en,"
      + " 'points', p.reward_points, 'shopId', $4::bigint, 'saleId', $6::uuid), $7::timestamptz from member m"
      + " join passport p on p.alliance_id = m.alliance_id and p.id = $3 where m.alliance_id = $1 and m.id = $5"
      + " on conflict (alliance_id, id) do nothing returning id, seq, type, shop_id, created_at)" + Outbox.FAN_OUT;

  private final Ledger ledger;
  private final Clock clock;
  private final ConcurrentHashMap<Long, Named> named = new ConcurrentHashMap<>();

  private record Named(LocalDate day, long loadedAt, Set<Long> shops) {
  }

  public Stamps(Pool pool, Ledger ledger, Clock clock) {
    this.pool = pool;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** A sale to stamp: where, whose (and their wallet, credited with a reward), its row's id and when it was recorded. */
  public record Sale(long allianceId, long shopId, long memberId, long walletId, UUID saleId, Instant at, ZoneId zone) {
  }

  /** What a sale did: the passports it stamped (or found stamped by it) and those whose card it completed. */
  public record Stamped(List<Long> stamped, List<Long> completed) {
    static final Stamped NONE = new Stamped(List.of(), List.of());
  }

  /** Stamps the sale on every live passport it qualifies for; completes and rewards cards. Run again: the same. */
  public Future<Stamped> stamp(Sale s) {
    return namedShops(s.allianceId()).compose(shops -> {
      if (!shops.contains(s.shopId())) {
        return Future.succeededFuture(Stamped.NONE);
      }
      LocalDate day = LocalDate.ofInstant(s.at(), s.zone());
      return pool.preparedQuery(LIVE).execute(Tuple.of(s.allianceId(), s.shopId(), day)).compose(rows -> {
        Future<Stamped> chain = Future.succeededFuture(Stamped.NONE);
        for (Row r : rows) {
          long passportId = r.getLong("id");
          int required = r.getInteger("stamps_required");
          long minSpend = r.getLong("min_spend_fen");
          chain = chain.compose(sofar -> stampOne(s, passportId, required, minSpend, day).map(outcome -> {
            List<Long> stamped = new ArrayList<>(sofar.stamped());
            List<Long> completed = new ArrayList<>(sofar.completed());
            if (outcome != Outcome.NOTHING) {
              stamped.add(passportId);
            }
            if (outcome == Outcome.COMPLETED) {
              completed.add(passportId);
            }
            return new Stamped(stamped, completed);
          }));
        }
        return chain;
      });
    });
  }

  private enum Outcome { NOTHING, STAMPED, COMPLETED }

  private Future<Outcome> stampOne(Sale s, long passportId, int required, long minSpend, LocalDate day) {
    Tuple card = Tuple.of(s.allianceId(), passportId, s.memberId());
    Future<Outcome> decided = pool.withTransaction(conn -> conn.preparedQuery(SALE)
        .execute(Tuple.of(s.allianceId(), s.saleId())).compose(sale -> {
          if (sale.size() == 0 || sale.iterator().next().getLong("net") < minSpend) {
            return Future.succeededFuture(Outcome.NOTHING);
          }
          return conn.preparedQuery(OPEN_CARD).execute(card)
              .compose(v -> conn.preparedQuery(CARD).execute(card))
              .compose(locked -> {
                Row c = locked.iterator().next();
                if (c.getValue("completed_at") != null) {
                  // Done already: by this very sale (a rerun: pay again, same ids), or by another.
                  return Future.succeededFuture(s.saleId().equals(c.getUUID("completed_by")) ? Outcome.COMPLETED
                      : Outcome.NOTHING);
                }
                return conn.preparedQuery(ADD).execute(Tuple.from(new Object[] {s.allianceId(), passportId,
                        s.memberId(), s.shopId(), day, s.saleId(), s.at().atOffset(ZoneOffset.UTC)}))
                    .compose(v -> conn.preparedQuery(SHOPS_STAMPED).execute(card))
                    .compose(count -> count.iterator().next().getLong("n") < required
                        ? Future.succeededFuture(Outcome.STAMPED)
                        : conn.preparedQuery(COMPLETE).execute(Tuple.of(s.allianceId(), passportId, s.memberId(),
                                clock.instant().atOffset(ZoneOffset.UTC), s.saleId()))
                            .compose(done -> done.rowCount() == 1
                                ? completed(conn, s, passportId).map(Outcome.COMPLETED)
                                : Future.succeededFuture(Outcome.STAMPED)));
              });
        }));
    return decided.compose(outcome -> outcome == Outcome.COMPLETED
        ? reward(s.allianceId(), passportId, s.memberId(), s.walletId()).map(outcome)
        : Future.succeededFuture(outcome));
  }

  /** The card's completion told, in its transaction: one event per card (the card completes once). */
  private Future<Void> completed(SqlConnection conn, Sale s, long passportId) {
    UUID eventId = Outbox.eventId("passport", String.valueOf(s.allianceId()), String.valueOf(passportId),
        String.valueOf(s.memberId()));
    return conn.preparedQuery(TOLD).execute(Tuple.from(new Object[] {s.allianceId(), eventId, passportId, s.shopId(),
        s.memberId(), s.saleId(), clock.instant().atOffset(ZoneOffset.UTC)})).mapEmpty();
  }

  /**
   * After a refund of the sale: each stamp it earned is withdrawn if the sale's net spend is now
   * below that passport's minimum and the card is not complete. A completed card keeps its stamps
   * and its reward (see docs/passports.md).
   */
  public Future<Void> refunded(long allianceId, UUID saleId) {
    return pool.preparedQuery(OF_SALE).execute(Tuple.of(allianceId, saleId)).compose(rows -> {
      Future<Void> chain = Future.succeededFuture();
      for (Row r : rows) {
        long passportId = r.getLong("passport_id");
        long memberId = r.getLong("member_id");
        long minSpend = r.getLong("min_spend_fen");
        chain = chain.compose(v -> pool.withTransaction(conn -> conn.preparedQuery(SALE)
            .execute(Tuple.of(allianceId, saleId)).compose(sale -> {
              if (sale.iterator().next().getLong("net") >= minSpend) {
                return Future.succeededFuture();
              }
              return conn.preparedQuery(CARD).execute(Tuple.of(allianceId, passportId, memberId))
                  .compose(card -> card.iterator().next().getValue("completed_at") != null
                      ? Future.succeededFuture()
                      : conn.preparedQuery(WITHDRAW).execute(Tuple.of(allianceId, passportId, saleId)).mapEmpty());
            })));
      }
      return chain;
    });
  }

  /** One part of a reward: who pays it (0: the alliance fund), and how many points. */
  public record Part(long payerId, long points) {
  }

  /** The reward's parts by the passport's split, largest remainder (fund as party 0). */
  static List<Part> split(long rewardPoints, int fundBps, List<FundingSplit.Share> shops) {
    List<FundingSplit.Share> shares = new ArrayList<>();
    shares.add(new FundingSplit.Share(0, fundBps));
    shares.addAll(shops);
    List<Part> parts = new ArrayList<>();
    for (FundingSplit.Part p : FundingSplit.split(rewardPoints, shares)) {
      parts.add(new Part(p.shopId(), p.amountFen()));
    }
    return parts;
  }

  /** The reward's transfer id for one payer: the same for every run. */
  public static UUID rewardTransferId(long allianceId, long passportId, long memberId, long payerId) {
    return UUID.nameUUIDFromBytes(("linkpoints:passport-reward:" + allianceId + ":" + passportId + ":" + memberId
        + ":" + payerId).getBytes(StandardCharsets.UTF_8));
  }

  private Future<Void> reward(long allianceId, long passportId, long memberId, long walletId) {
    Future<io.vertx.sqlclient.RowSet<Row>> terms = pool.preparedQuery(TERMS).execute(Tuple.of(allianceId, passportId));
    Future<io.vertx.sqlclient.RowSet<Row>> shares = pool.preparedQuery(SHARES).execute(Tuple.of(allianceId, passportId));
    return Future.all(terms, shares).compose(both -> {
      Row t = terms.result().iterator().next();
      List<FundingSplit.Share> shops = new ArrayList<>();
      shares.result().forEach(r -> shops.add(new FundingSplit.Share(r.getLong("shop_id"), r.getInteger("funding_bps"))));
      List<Future<?>> sent = new ArrayList<>();
      for (Part part : split(t.getLong("reward_points"), t.getInteger("fund_bps"), shops)) {
        if (part.points() == 0) {
          continue;
        }
        Future<Long> payer = part.payerId() == 0
            ? ledger.openAccount(allianceId, AccountKind.ALLIANCE_FUND_ISSUANCE, 0).map(Account::id)
            : ledger.accountOf(allianceId, AccountKind.MERCHANT_ISSUANCE, part.payerId())
                .map(a -> a.orElseThrow(() -> new IllegalStateException("shop " + part.payerId() + " has no issuance"))
                    .id());
        JsonObject metadata = new JsonObject().put("passportId", passportId);
        sent.add(payer.compose(debit -> ledger.submit(new TransferCommand(TransferCommand.Kind.TRANSFER, allianceId,
            rewardTransferId(allianceId, passportId, memberId, part.payerId()), debit, walletId, part.points(), 0,
            REWARD_CODE, null, null, 0, metadata, null))));
      }
      return Future.all(sent).mapEmpty();
    });
  }

  /** Forgets which shops are named in this alliance's passports (this process changed one). */
  void forget(long allianceId) {
    named.remove(allianceId);
  }

  private Future<Set<Long>> namedShops(long allianceId) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    long now = System.nanoTime();
    Named cached = named.get(allianceId);
    if (cached != null && cached.day().equals(today) && now - cached.loadedAt() < TimeUnit.SECONDS.toNanos(TTL_SECONDS)) {
      return Future.succeededFuture(cached.shops());
    }
    return pool.preparedQuery(NAMED).execute(Tuple.of(allianceId, today.plusDays(1), today.minusDays(1))).map(rows -> {
      Set<Long> shops = new HashSet<>();
      rows.forEach(r -> shops.add(r.getLong("shop_id")));
      named.put(allianceId, new Named(today, now, Set.copyOf(shops)));
      return shops;
    });
  }
}
