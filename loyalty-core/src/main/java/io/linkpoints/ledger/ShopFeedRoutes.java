package io.linkpoints.ledger;

import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.Json;
import io.linkpoints.web.Params;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * A shop's new ledger transfers (points it issued, points it accepted), for the owner's live
 * feed. With {@code Accept: text/event-stream} the answer is a server-sent event stream of the
 * shop's transfers after the last {@code seq} sent, each one an event whose id is its seq (a
 * client reconnects with {@code after}); the stream ends after ten minutes. The stream reads the
 * ledger when this process commits transfers of the alliance ({@link LedgerWriter#committedAddress})
 * (at most four times a second) and every few seconds besides (other processes' writes, and a
 * keep-alive), not once a second per open stream whether anything happened or not. Otherwise the answer is one JSON page of the transfers after {@code after}.
 */
public final class ShopFeedRoutes implements ApiRoutes {
  private static final String SQL = "select t.seq, t.id, t.amount, t.code, t.created_at, t.debit_account_id, t.credit_account_id"
      + " from ledger_transfer t where t.alliance_id = $1 and t.seq > $4 and t.flags in (0, 2)"
      + " and (t.debit_account_id in ($2, $3) or t.credit_account_id in ($2, $3)) order by t.seq limit $5";
  private static final String LATEST = "select coalesce(max(t.seq), 0) from ledger_transfer t where t.alliance_id = $1"
      + " and (t.debit_account_id in ($2, $3) or t.credit_account_id in ($2, $3))";
  private static final long FALLBACK_MS = 5_000;
  private static final long MIN_GAP_MS = 250;
  private static final long LIFETIME_MS = 10 * 60_000;
  private static final int BACKLOG = 10;

  private final Pool pool;
  private final Ledger ledger;

  public ShopFeedRoutes(Pool pool, Ledger ledger) {
    this.pool = pool;
    this.ledger = ledger;
  }

  private record ShopAccounts(long issuance, long acceptance) {
  }

  @Override
  public void mount(RouterBuilder builder) {
    ApiRoutes.on(builder, "getShopFeed", this::feed);
  }

  private void feed(RoutingContext ctx) {
    long alliance = Params.positiveLong(ctx, "allianceId");
    long shop = Params.positiveLong(ctx, "shopId");
    Long after = Params.optionalPositiveLong(ctx, "after");
    String accept = ctx.request().getHeader("Accept");
    boolean stream = accept != null && accept.contains("text/event-stream");
    accounts(alliance, shop).compose(acc -> {
      if (!stream) {
        return page(alliance, acc, after == null ? 0 : after, 100).map(items -> new JsonObject().put("items", items)
            .put("lastSeq", items.isEmpty() ? (after == null ? 0 : after) : items.getJsonObject(items.size() - 1).getLong("seq")));
      }
      Future<Long> start = after != null ? Future.succeededFuture(after)
          : pool.preparedQuery(LATEST).execute(Tuple.of(alliance, acc.issuance(), acc.acceptance()))
              .map(rows -> Math.max(0, rows.iterator().next().getLong(0) - BACKLOG));
      return start.map(from -> {
        streamFrom(ctx, alliance, acc, from);
        return (JsonObject) null;
      });
    }).onSuccess(json -> {
      if (json != null) {
        Json.send(ctx, 200, json);
      }
    }).onFailure(ctx::fail);
  }

  private Future<ShopAccounts> accounts(long alliance, long shop) {
    return ledger.accountOf(alliance, AccountKind.MERCHANT_ISSUANCE, shop).compose(issuance ->
        ledger.accountOf(alliance, AccountKind.MERCHANT_ACCEPTANCE, shop).map(acceptance ->
            new ShopAccounts(issuance.map(Account::id).orElse(-1L), acceptance.map(Account::id).orElse(-1L))));
  }

  private Future<JsonArray> page(long alliance, ShopAccounts acc, long after, int limit) {
    return pool.preparedQuery(SQL).execute(Tuple.of(alliance, acc.issuance(), acc.acceptance(), after, limit)).map(rows -> {
      JsonArray items = new JsonArray();
      for (Row row : rows) {
        long debit = row.getLong("debit_account_id");
        long credit = row.getLong("credit_account_id");
        String kind = debit == acc.issuance() ? "issued" : credit == acc.acceptance() ? "accepted"
            : credit == acc.issuance() ? "issue_reversed" : "accept_reversed";
        items.add(new JsonObject().put("seq", row.getLong("seq")).put("id", row.getUUID("id").toString())
            .put("kind", kind).put("points", row.getLong("amount")).put("code", row.getString("code"))
            .put("at", row.getOffsetDateTime("created_at").toInstant().toString()));
      }
      return items;
    });
  }

  private void streamFrom(RoutingContext ctx, long alliance, ShopAccounts acc, long from) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
    response.write("retry: 2000\n\n");
    new Stream(ctx.vertx(), response, alliance, acc, from).open();
  }

  /** One open event stream; all of it runs on the request's event loop. */
  private final class Stream {
    private final Vertx vertx;
    private final HttpServerResponse response;
    private final long alliance;
    private final ShopAccounts accounts;
    private final long began = System.currentTimeMillis();
    private long lastSeq;
    private long lastRead;
    private boolean reading;
    private boolean readAgain; // a wake-up came during a read
    private long wakeTimer = -1;
    private long fallbackTimer = -1;
    private MessageConsumer<Long> wakeUps;

    Stream(Vertx vertx, HttpServerResponse response, long alliance, ShopAccounts accounts, long from) {
      this.vertx = vertx;
      this.response = response;
      this.alliance = alliance;
      this.accounts = accounts;
      this.lastSeq = from;
    }

    void open() {
      wakeUps = vertx.eventBus().localConsumer(LedgerWriter.committedAddress(alliance), message -> wake());
      fallbackTimer = vertx.setPeriodic(0, FALLBACK_MS, id -> tick());
      response.closeHandler(v -> stop());
      response.endHandler(v -> stop());
    }

    /** The alliance committed transfers: read now, or once MIN_GAP_MS has passed since the last read. */
    private void wake() {
      long wait = lastRead + MIN_GAP_MS - System.currentTimeMillis();
      if (wait <= 0) {
        read();
      } else if (wakeTimer < 0) {
        wakeTimer = vertx.setTimer(wait, id -> {
          wakeTimer = -1;
          read();
        });
      }
    }

    /** Every FALLBACK_MS: a keep-alive, and a read for writes this process did not announce. */
    private void tick() {
      if (System.currentTimeMillis() - began > LIFETIME_MS) {
        response.end();
        return;
      }
      if (!done()) {
        response.write(": keep-alive\n\n");
      }
      read();
    }

    private void read() {
      if (done()) {
        return;
      }
      if (reading) {
        readAgain = true;
        return;
      }
      reading = true;
      lastRead = System.currentTimeMillis();
      page(alliance, accounts, lastSeq, 200).onComplete(ar -> {
        reading = false;
        if (ar.failed() || done()) {
          return;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ar.result().size(); i++) {
          JsonObject t = ar.result().getJsonObject(i);
          lastSeq = t.getLong("seq");
          out.append("id: ").append(lastSeq).append("\nevent: transfer\ndata: ").append(t.encode()).append("\n\n");
        }
        if (out.length() > 0) {
          response.write(out.toString());
        }
        if (readAgain) {
          readAgain = false;
          read();
        }
      });
    }

    private boolean done() {
      return response.ended() || response.closed();
    }

    private void stop() {
      vertx.cancelTimer(fallbackTimer);
      if (wakeTimer >= 0) {
        vertx.cancelTimer(wakeTimer);
      }
      wakeUps.unregister();
    }
  }
}
