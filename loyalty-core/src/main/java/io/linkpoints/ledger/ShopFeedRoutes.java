package io.linkpoints.ledger;

import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.Json;
import io.linkpoints.web.Params;
import io.linkpoints.web.Platform;
import io.vertx.core.Future;
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

  public ShopFeedRoutes(Platform platform) {
    this.pool = platform.pool();
    this.ledger = platform.ledger();
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
    long[] last = {from};
    // One read at a time; a wake-up during a read asks for one more read after it.
    boolean[] busy = {false};
    boolean[] again = {false};
    long began = System.currentTimeMillis();
    long[] lastRead = {0};
    long[] pending = {-1};
    Runnable[] read = new Runnable[1];
    read[0] = () -> {
      if (response.ended() || response.closed()) {
        return;
      }
      if (busy[0]) {
        again[0] = true;
        return;
      }
      busy[0] = true;
      lastRead[0] = System.currentTimeMillis();
      page(alliance, acc, last[0], 200).onComplete(ar -> {
        busy[0] = false;
        if (ar.failed() || response.ended() || response.closed()) {
          return;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < ar.result().size(); i++) {
          JsonObject t = ar.result().getJsonObject(i);
          last[0] = t.getLong("seq");
          out.append("id: ").append(t.getLong("seq")).append("\nevent: transfer\ndata: ").append(t.encode()).append("\n\n");
        }
        if (out.length() > 0) {
          response.write(out.toString());
        }
        if (again[0]) {
          again[0] = false;
          read[0].run();
        }
      });
    };
    // A busy alliance commits many times a second: a stream reads at most every MIN_GAP_MS for it.
    MessageConsumer<Long> wake = ctx.vertx().eventBus().localConsumer(LedgerWriter.committedAddress(alliance),
        message -> {
          long wait = lastRead[0] + MIN_GAP_MS - System.currentTimeMillis();
          if (wait <= 0) {
            read[0].run();
          } else if (pending[0] < 0) {
            pending[0] = ctx.vertx().setTimer(wait, id -> {
              pending[0] = -1;
              read[0].run();
            });
          }
        });
    long timer = ctx.vertx().setPeriodic(0, FALLBACK_MS, id -> {
      if (System.currentTimeMillis() - began > LIFETIME_MS) {
        ctx.vertx().cancelTimer(id);
        response.end();
        return;
      }
      if (!response.ended() && !response.closed()) {
        response.write(": keep-alive\n\n");
      }
      read[0].run();
    });
    Runnable stop = () -> {
      ctx.vertx().cancelTimer(timer);
      if (pending[0] >= 0) {
        ctx.vertx().cancelTimer(pending[0]);
      }
      wake.unregister();
    };
    response.closeHandler(v -> stop.run());
    response.endHandler(v -> stop.run());
  }
}
