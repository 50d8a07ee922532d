package io.linkpoints.ledger.api;

import io.linkpoints.ledger.FeedNotices;
import io.linkpoints.ledger.Ledger;
import io.linkpoints.ledger.LedgerWriter;
import io.linkpoints.ledger.ShopFeed;
import io.linkpoints.ledger.ShopFeed.Cursor;
import io.linkpoints.ledger.ShopFeed.ShopAccounts;
import io.linkpoints.web.ApiRoutes;
import io.linkpoints.web.JsonHandlers;
import io.linkpoints.web.Params;
import io.linkpoints.web.ProblemCode;
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
 * A shop's ledger transfers (points it issued, points it accepted), for the owner's live feed.
 * With {@code Accept: text/event-stream} the answer is a server-sent event stream of the shop's
 * transfers after a position, each one an event whose id is its cursor (a client reconnects
 * with {@code after=<cursor>} and resumes exactly: nothing lost, nothing twice, see
 * {@link ShopFeed}); the stream ends after ten minutes. The stream reads the ledger when any
 * instance commits transfers of the alliance (a PostgreSQL NOTIFY, {@link FeedNotices}, relayed
 * on the local event bus as {@link LedgerWriter#committedAddress}), at most four times a second,
 * pages through a backlog until caught up, and reads every few seconds besides (a keep-alive,
 * and a safety net while the notification connection is down). Otherwise the answer is one
 * JSON page of the transfers after {@code after}. A bare number for {@code after} is a seq
 * from the older API: still accepted, at least once (never a loss, possibly a few repeats).
 */
public final class ShopFeedRoutes implements ApiRoutes {
  private static final long FALLBACK_MS = 5_000;
  private static final long MIN_GAP_MS = 250;
  private static final long LIFETIME_MS = 10 * 60_000;
  private static final int BACKLOG = 10;
  static final int PAGE = 100;
  static final int STREAM_PAGE = 200;

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
    String after = ctx.queryParams().get("after");
    Cursor given = after == null || after.isEmpty() ? null : Cursor.parse(after);
    long legacySeq = after == null || after.isEmpty() || given != null ? -1 : Cursor.legacySeq(after);
    if (after != null && !after.isEmpty() && given == null && legacySeq < 0) {
      throw ProblemCode.INVALID_PARAMETER.refuse("after must be a cursor this feed handed out");
    }
    String accept = ctx.request().getHeader("Accept");
    boolean stream = accept != null && accept.contains("text/event-stream");
    feed.accounts(alliance, shop).compose(acc -> {
      Future<Cursor> start = given != null ? Future.succeededFuture(given)
          : legacySeq > 0 ? feed.afterSeq(alliance, acc, legacySeq)
          : stream ? feed.beforeLast(alliance, acc, BACKLOG) : Future.succeededFuture(Cursor.START);
      return start.compose(from -> {
        if (!stream) {
          return feed.after(alliance, acc, from, PAGE).map(page -> new JsonObject()
              .put("items", new JsonArray(page.entries().stream().map(LedgerJson::feedEntry).toList()))
              .put("next", page.next().encode())
              .put("lastSeq", page.entries().isEmpty() ? 0 : page.entries().get(page.entries().size() - 1).seq()));
        }
        streamFrom(ctx, alliance, acc, from);
        return Future.succeededFuture((JsonObject) null);
      });
    }).onSuccess(json -> {
      if (json != null) {
        JsonHandlers.send(ctx, 200, json);
      }
    }).onFailure(ctx::fail);
  }

  private void streamFrom(RoutingContext ctx, long alliance, ShopAccounts acc, Cursor from) {
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
    private Cursor position;
    private long lastRead;
    private boolean reading;
    private boolean readAgain; // a wake-up came during a read
    private long wakeTimer = -1;
    private long fallbackTimer = -1;
    private MessageConsumer<Long> wakeUps;

    Stream(Vertx vertx, HttpServerResponse response, long alliance, ShopAccounts accounts, Cursor from) {
      this.vertx = vertx;
      this.response = response;
      this.alliance = alliance;
      this.accounts = accounts;
      this.position = from;
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
      if (response.writeQueueFull()) {
        response.drainHandler(v -> read()); // sending faster than the client reads: go at its pace
        return;
      }
      reading = true;
      lastRead = System.currentTimeMillis();
      feed.after(alliance, accounts, position, STREAM_PAGE).onComplete(ar -> {
        reading = false;
        if (ar.failed() || done()) {
          return;
        }
        ShopFeed.Page page = ar.result();
        StringBuilder out = new StringBuilder();
        for (ShopFeed.Entry entry : page.entries()) {
          out.append("id: ").append(entry.cursor().encode()).append("\nevent: transfer\ndata: ")
              .append(LedgerJson.feedEntry(entry).encode()).append("\n\n");
        }
        position = page.next();
        if (out.length() > 0) {
          response.write(out.toString());
        }
        if (page.entries().size() == STREAM_PAGE || readAgain) {
          readAgain = false;
          read(); // a backlog: page on until caught up
        } else if (page.withheld()) {
          wake(); // an older transaction was still open: look again shortly
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
