package io.linkpoints.privacy;

import io.linkpoints.auth.Secrets;
import io.linkpoints.ledger.Account;
import io.linkpoints.ledger.AccountKind;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.Transfer;
import io.linkpoints.ledger.TransferCommand;
import io.linkpoints.web.ApiException;
import io.linkpoints.web.ProblemCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Closing a member's account (注销, PIPL Art. 47). Under the member row's lock, so two closes
 * run one after the other: refused while a hold on the wallet (or a coupon reserved at a till or
 * being paid for) is open ({@code open_holds}); otherwise the wallet's expired lots are swept and
 * every available point moves to the alliance's breakage account (the expiry job's rule, so
 * settlement counts it as breakage), with ids derived from the member so a retry or a second close
 * moves nothing more; then the member's unused coupons are voided (their inventory given back),
 * devices revoked, push subscriptions, notifications and sign-in material deleted, and the phone,
 * handle and birthday replaced by random pseudonyms or erased. The member row and its wallet stay,
 * so every ledger transfer keeps its accounts.
 */
public final class AccountClosure {
  static final String FORFEIT_CODE = "account_closed";

  private static final String LOCK_MEMBER =
      "select phone, closed_at from member where alliance_id = $1 and id = $2 for update";
  private static final String OPEN_HOLDS = "select count(*) from ledger_open_hold h"
      + " join ledger_transfer t on t.alliance_id = h.alliance_id and t.id = h.transfer_id"
      + " join ledger_account w on w.alliance_id = t.alliance_id and w.id = t.debit_account_id"
      + " where h.alliance_id = $1 and w.kind = 'member_wallet' and w.owner_id = $2";
  private static final String BUSY_COUPONS = "select count(*) from coupon where alliance_id = $1 and member_id = $2"
      + " and state in ('reserved', 'pending_payment')";
  // Market coupons were paid for with points already captured: they stay issued (unusable, nobody can
  // sign in as the member any more), as the coupon invariants want of a paid coupon.
  private static final String VOID_COUPONS = "update coupon set state = 'voided', void_reason = 'account_closed'"
      + " where alliance_id = $1 and member_id = $2 and state = 'issued' and source <> 'market'"
      + " returning campaign_id";
  private static final String GIVE_BACK = "update coupon_campaign set issued = issued - 1 where alliance_id = $1 and id = $2";
  private static final String UNCOUNT = "update coupon_member_claims set claimed = claimed - 1 where alliance_id = $1"
      + " and campaign_id = $2 and member_id = $3";
  private static final String REVOKE_DEVICES = "update member_device set revoked_at = $3, revoked_by = 'member'"
      + " where alliance_id = $1 and member_id = $2 and revoked_at is null";
  private static final List<String> DELETES = List.of(
      // Their push and SMS deliveries go with them (on delete cascade).
      "delete from push_subscription where alliance_id = $1 and member_id = $2",
      "delete from member_notification where alliance_id = $1 and member_id = $2",
      "delete from member_notification_settings where alliance_id = $1 and member_id = $2",
      "delete from expiry_reminder where alliance_id = $1 and member_id = $2");
  private static final String DELETE_CODE = "delete from member_sign_in_code where alliance_id = $1 and phone = $2";
  private static final String DELETE_ATTEMPTS = "delete from sign_in_attempt where alliance_id = $1 and subject = $2";
  // Events name members by handle (never phone): the member's events, delivered or not, name the pseudonym from now
  // on (a webhook already delivered is the receiving system's copy). An alliance-wide scan of the outbox: closes are rare.
  private static final String PSEUDONYMISE_EVENTS = "update outbox_event set payload = jsonb_set(payload, '{member}',"
      + " to_jsonb($3::text)) where alliance_id = $1 and member_id = $2 and payload->>'member' is not null";
  private static final String PSEUDONYMISE = "update member set phone = $3, handle = $4, name = null, birth_month = null,"
      + " birth_day = null, birth_year = null, closed_at = $5 where alliance_id = $1 and id = $2 and closed_at is null";

  private final Ledger ledger;
  private final Clock clock;

  public AccountClosure(Ledger ledger, Clock clock) {
    this.ledger = ledger;
    this.clock = clock;
  }

  /** A closed account: when, and how many points were forfeited to breakage (0 if none). */
  public record Closed(Instant closedAt, long forfeitedPoints) {
  }

  /** The transfer ids of a member's closing: the same on every retry, so the ledger applies each once. */
  static UUID transferId(long allianceId, long memberId, String step) {
    return UUID.nameUUIDFromBytes(("privacy:close:" + allianceId + ":" + memberId + ":" + step)
        .getBytes(StandardCharsets.UTF_8));
  }

  public Future<Closed> close(long allianceId, long memberId) {
    OffsetDateTime now = clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    return ledger.pool().withTransaction(conn -> conn.preparedQuery(LOCK_MEMBER).execute(Tuple.of(allianceId, memberId))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw ProblemCode.MEMBER_NOT_FOUND.refuse("member");
          }
          Row member = rows.iterator().next();
          if (member.getValue("closed_at") != null) {
            // Closed already (a retry, or the second of two at once): nothing more moves.
            return forfeited(allianceId, memberId)
                .map(points -> new Closed(member.getOffsetDateTime("closed_at").toInstant(), points));
          }
          String phone = member.getString("phone");
          return refuseOpenHolds(conn, allianceId, memberId)
              .compose(v -> forfeit(allianceId, memberId))
              .compose(v -> erase(conn, allianceId, memberId, phone, now))
              .compose(v -> forfeited(allianceId, memberId))
              .map(points -> new Closed(now.toInstant(), points));
        }));
  }

  private Future<Void> refuseOpenHolds(SqlConnection conn, long allianceId, long memberId) {
    Tuple t = Tuple.of(allianceId, memberId);
    return conn.preparedQuery(OPEN_HOLDS).execute(t)
        .compose(h -> conn.preparedQuery(BUSY_COUPONS).execute(t).map(c ->
            h.iterator().next().getLong(0) + c.iterator().next().getLong(0)))
        .map(open -> {
          if (open > 0) {
            throw ProblemCode.OPEN_HOLDS.refuse("a redemption or coupon exchange of this member is open: finish or"
                + " cancel it (or wait for its timeout), then close the account");
          }
          return null;
        });
  }

  /** Expired lots to breakage (the expiry job's command), then every available point. */
  private Future<Void> forfeit(long allianceId, long memberId) {
    return ledger.accountOf(allianceId, AccountKind.MEMBER_WALLET, memberId).compose(wallet -> {
      if (wallet.isEmpty()) {
        return Future.succeededFuture();
      }
      long walletId = wallet.get().id();
      return ledger.openAccount(allianceId, AccountKind.ALLIANCE_BREAKAGE, 0).compose(breakage ->
          ledger.submit(TransferCommand.expireLots(allianceId, transferId(allianceId, memberId, "expire"), walletId,
                  breakage.id()))
              .compose(r -> ledger.account(allianceId, walletId))
              .compose(now -> {
                long available = now.map(Account::availableBalance).orElse(0L);
                if (available <= 0) {
                  return Future.succeededFuture();
                }
                return ledger.transfer(allianceId, transferId(allianceId, memberId, "forfeit"), walletId,
                    breakage.id(), available, FORFEIT_CODE).mapEmpty();
              }));
    });
  }

  /** Points the closing moved to breakage: read from its two transfers by their ids. */
  private Future<Long> forfeited(long allianceId, long memberId) {
    Future<Optional<Transfer>> expired = ledger.transferById(allianceId, transferId(allianceId, memberId, "expire"));
    Future<Optional<Transfer>> forfeit = ledger.transferById(allianceId, transferId(allianceId, memberId, "forfeit"));
    return Future.all(expired, forfeit).map(done -> expired.result().map(Transfer::amount).orElse(0L)
        + forfeit.result().map(Transfer::amount).orElse(0L));
  }

  private Future<Void> erase(SqlConnection conn, long allianceId, long memberId, String phone, OffsetDateTime now) {
    Tuple member = Tuple.of(allianceId, memberId);
    Future<Void> done = conn.preparedQuery(VOID_COUPONS).execute(member).compose(voided -> {
      Future<Void> chain = Future.succeededFuture();
      for (Row r : voided) {
        long campaign = r.getLong("campaign_id");
        chain = chain.compose(v -> conn.preparedQuery(GIVE_BACK).execute(Tuple.of(allianceId, campaign))
            .compose(x -> conn.preparedQuery(UNCOUNT).execute(Tuple.of(allianceId, campaign, memberId))).mapEmpty());
      }
      return chain;
    }).compose(v -> conn.preparedQuery(REVOKE_DEVICES).execute(Tuple.of(allianceId, memberId, now)).mapEmpty());
    for (String delete : DELETES) {
      done = done.compose(v -> conn.preparedQuery(delete).execute(member).mapEmpty());
    }
    return done
        .compose(v -> conn.preparedQuery(DELETE_CODE).execute(Tuple.of(allianceId, phone)))
        .compose(v -> conn.preparedQuery(DELETE_ATTEMPTS).execute(Tuple.of(allianceId, "code:" + phone)))
        // Random, kept nowhere: the pseudonyms cannot be turned back into the phone or the old handle.
        .compose(v -> {
          String handle = Secrets.randomToken(16);
          return conn.preparedQuery(PSEUDONYMISE).execute(Tuple.of(allianceId, memberId,
                  "closed:" + Secrets.randomToken(16), handle, now))
              .compose(x -> conn.preparedQuery(PSEUDONYMISE_EVENTS).execute(Tuple.of(allianceId, memberId, handle)));
        })
        .mapEmpty();
  }
}
