package io.linkpoints.ledger.api;

import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LedgerWriter;
import io.linkpoints.ledger.ShopFeed;
import io.linkpoints.ledger.ShopFeed.ShopAccounts;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
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
  private static final long FALLBACK_MS = 5_000;
  private static final long MIN_GAP_MS = 250;
  private static final long LIFETIME_MS = 10 * 60_000;
  private static final int BACKLOG = 10;

  private final ShopFeed feed;

  public ShopFeedRoutes(Pool pool, Ledger ledger) {
    this.feed = new ShopFeed(pool, ledger);
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
    feed.accounts(alliance, shop).compose(acc -> {
      if (!stream) {
        long from = after == null ? 0 : after;
        return feed.after(alliance, acc, from, 100).map(entries -> new JsonObject()
            .put("items", new JsonArray(entries.stream().map(LedgerJson::feedEntry).toList()))
            .put("lastSeq", entries.isEmpty() ? from : entries.get(entries.size() - 1).seq()));
      }
      Future<Long> start = after != null ? Future.succeededFuture(after)
          : feed.latestSeq(alliance, acc).map(latest -> Math.max(0, latest - BACKLOG));
      return start.map(from -> {
        streamFrom(ctx, alliance, acc, from);
        return (JsonObject) null;
      });
    }).onSuccess(json -> {
      if (json != null) {
        JsonHandlers.send(ctx, 200, json);
      }
    }).onFailure(ctx::fail);
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
      feed.after(alliance, accounts, lastSeq, 200).onComplete(ar -> {
        reading = false;
        if (ar.failed() || done()) {
          return;
        }
        StringBuilder out = new StringBuilder();
        for (ShopFeed.Entry entry : ar.result()) {
          lastSeq = entry.seq();
          out.append("id: ").append(lastSeq).append("\nevent: transfer\ndata: ")
              .append(LedgerJson.feedEntry(entry).encode()).append("\n\n");
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
